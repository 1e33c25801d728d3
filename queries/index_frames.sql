-- The peer frames of the composite index: one row per (frame, level) that some unit's children are
-- ranked in (index_parts.sql: the units at `level` below the scope's nearest Tỉnh ủy, or the root), with
-- one scope whose children are ranked there. Scoring that scope's children scores every unit of the frame.
-- Returns: scope, frame_code, level, units (how many units, of any date, stand at that level: the size of
--          the frame's statements)
-- No parameters.
with
root as (
    select code from units where parent_code is null order by code limit 1
),
nearest as (  -- the nearest Tỉnh ủy at or above each unit
    select c.descendant as code, arg_min(c.ancestor, c.depth) as frame_code
    from unit_closure as c
    join units as a on a.code = c.ancestor
    where a.type = 'tinh_uy'
    group by c.descendant
),
parents as (
    select distinct u.parent_code as code
    from units as u
    where u.parent_code is not null
),
framed as (
    select p.code as scope, coalesce(n.frame_code, (select code from root)) as frame_code
    from parents as p
    left join nearest as n on n.code = p.code
),
frames as (
    select min(f.scope) as scope, f.frame_code, c.depth + 1 as level
    from framed as f
    join unit_closure as c on c.ancestor = f.frame_code and c.descendant = f.scope
    group by f.frame_code, c.depth
)
select fr.scope, fr.frame_code, fr.level, count(c.descendant) as units,
from frames as fr
left join unit_closure as c on c.ancestor = fr.frame_code and c.depth = fr.level
group by all
order by fr.frame_code, fr.level
