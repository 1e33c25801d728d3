-- A unit and everything below it. Returns: code, name, type, parent_code, depth.
-- $unit VARCHAR  the unit at the top
select u.code, u.name, u.type, u.parent_code, c.depth
from unit_closure as c
join units as u on u.code = c.descendant
where c.ancestor = $unit
order by c.depth, u.code
