-- The scope picker of a large hierarchy: the path from the root down to a unit, then the units
-- directly below it, all in force on a date (the whole tree would be tens of thousands of lines).
-- Returns: code, name, depth (below the root), below (1 for the units under $scope, else 0)
-- $scope VARCHAR  the unit chosen now
-- $at DATE        the day (first day of the period's last quarter)
with
root as (
    select code from units where parent_code is null order by code limit 1
),
path as (
    select c.ancestor as code, 0 as below
    from unit_closure as c
    where c.descendant = $scope
),
children as (
    select c.descendant as code, 1 as below
    from unit_closure as c
    where c.ancestor = $scope
      and c.depth = 1
),
picked as (
    select * from path
    union all
    select * from children
)
select u.code, u.name, r.depth, p.below
from picked as p
join units as u on u.code = p.code
join unit_closure as r on r.descendant = u.code and r.ancestor = (select code from root)
where u.valid_from <= $at
  and (u.valid_to is null or u.valid_to >= $at)
order by p.below, r.depth, u.name, u.code
