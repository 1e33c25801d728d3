-- Saved briefing decks whose scope a person may see (a grant over the scope or a unit above it, or
-- quản trị), most recently changed first.
-- Returns: name, scope, period, updated_at, frozen_at, frozen_upload_id
-- $person_id INTEGER  the person
with
admin as (
    select exists (select 1 from person_grant where person_id = $person_id and role = 'quantri') as yes
),
visible as (
    select c.descendant as code
    from person_grant as g
    join unit_closure as c on c.ancestor = g.unit_code
    where g.person_id = $person_id
)
select d.name, d.scope, d.period, d.updated_at, d.frozen_at, d.frozen_upload_id
from deck as d
where (select yes from admin)
   or d.scope in (select code from visible)
order by d.updated_at desc, d.name
