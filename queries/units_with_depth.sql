-- A scope's units in force on a date, in hierarchy order, for the scope picker.
-- Returns: code, name, type, depth (0 for the scope itself)
-- $scope VARCHAR  the top unit
-- $at DATE        the day (first day of the period's last quarter)
with recursive
tree(code, name, type, depth, path) as (
    select code, name, type, 0, code
    from units
    where code = $scope
    union all
    select u.code, u.name, u.type, t.depth + 1, t.path || '/' || u.code
    from units as u
    join tree as t on u.parent_code = t.code
)
select t.code, t.name, t.type, t.depth
from tree as t
join units as u using (code)
where u.valid_from <= $at
  and (u.valid_to is null or u.valid_to >= $at)
order by t.path
