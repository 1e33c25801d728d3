-- The weights of group_weights(unit, as_of, 0) for each epoch and each unit in force at its start
-- that has units below it or stands in for older units (lineage): 1 for the units of its subtree in
-- force, the lineage share (summed) for the units they replaced that are no longer in force.
-- No parameters; inserts into figure_weight (as_of, scope_code, unit_code, w).
insert into figure_weight
with
in_force as (
    select e.as_of, u.code
    from figure_epoch as e
    join units as u on u.valid_from <= e.as_of and (u.valid_to is null or u.valid_to >= e.as_of)
),
today as (
    select g.as_of, g.code as scope_code, c.descendant as unit_code
    from in_force as g
    join unit_closure as c on c.ancestor = g.code
    join in_force as f on f.as_of = g.as_of and f.code = c.descendant
    where g.code in (select ancestor from unit_closure where depth > 0 union select new_code from unit_lineage)
),
predecessors as (
    select t.as_of, t.scope_code, l.old_code as unit_code, l.share as w
    from today as t
    join unit_lineage as l on l.new_code = t.unit_code
    where not exists (select 1 from in_force as f where f.as_of = t.as_of and f.code = l.old_code)
),
all_weights as (
    select as_of, scope_code, unit_code, 1.0 as w from today
    union all
    select as_of, scope_code, unit_code, w from predecessors
)
select as_of, scope_code, unit_code, sum(w) as w
from all_weights
group by as_of, scope_code, unit_code
order by as_of, scope_code, unit_code
