-- Saved briefing decks whose scope a person may see (a grant over the scope or a unit above it, or
-- quản trị), most recently changed first.
-- Returns: name, scope, period, updated_at, frozen_at, frozen_upload_id
-- $person_id INTEGER  the person
with
mine as (
    select role, unit_code from person_grant where person_id = $person_id
),
scopes as (
    select distinct d.scope
    from (select distinct scope from deck) as d
    join unit_closure as c on c.descendant = d.scope
    join mine as m on m.unit_code = c.ancestor
)
select d.name, d.scope, d.period, d.updated_at, d.frozen_at, d.frozen_upload_id
from deck as d
where exists (select 1 from mine where role = 'quantri')
   or d.scope in (select scope from scopes)
order by d.updated_at desc, d.name
