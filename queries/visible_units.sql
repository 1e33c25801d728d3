-- The units a person may see (any grant over them or a unit above them), in force on a date, with
-- their depth below the top of the hierarchy: what the scope picker offers. Quản trị sees all.
-- Returns: code, name, depth, top (true for a unit with no visible unit above it), parent_code
-- $person_id INTEGER  the person
-- $at DATE            the day (first day of the period's last quarter)
with
mine as (
    select role, unit_code from person_grant where person_id = $person_id
),
granted as (
    select distinct c.descendant as code
    from unit_closure as c
    join mine as m on c.ancestor = m.unit_code
    union
    select code from units where exists (select 1 from mine where role = 'quantri')
),
levels as (
    select c.descendant as code, count(*) - 1 as depth
    from unit_closure as c
    join granted as g on g.code = c.descendant
    group by c.descendant
)
select
    u.code,
    u.name,
    l.depth,
    above.code is null as top,
    u.parent_code,
from granted as g
join units as u on u.code = g.code
join levels as l on l.code = g.code
left join granted as above on above.code = u.parent_code
where u.valid_from <= $at
  and (u.valid_to is null or u.valid_to >= $at)
order by l.depth, u.name, u.code
