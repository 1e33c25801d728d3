-- The units a person may see (any grant over them or a unit above them), in force on a date, with
-- their depth below the top of the hierarchy: what the scope picker offers. Quản trị sees all.
-- Returns: code, name, depth, top (true for a unit with no visible unit above it)
-- $person_id INTEGER  the person
-- $at DATE            the day (first day of the period's last quarter)
with
admin as (
    select exists (select 1 from person_grant where person_id = $person_id and role = 'quantri') as yes
),
granted as (
    select distinct c.descendant as code
    from person_grant as g
    join unit_closure as c on c.ancestor = g.unit_code
    where g.person_id = $person_id
    union
    select code from units where (select yes from admin)
),
root as (
    select code from units where parent_code is null order by code limit 1
)
select
    u.code,
    u.name,
    r.depth,
    u.parent_code is null or u.parent_code not in (select code from granted) as top,
from granted as v
join units as u on u.code = v.code
join unit_closure as r on r.descendant = u.code and r.ancestor = (select code from root)
where u.valid_from <= $at
  and (u.valid_to is null or u.valid_to >= $at)
order by r.depth, u.name, u.code
