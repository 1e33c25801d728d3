-- The units above a unit and where each stands for one quarter, nearest first.
-- Grain: one row per ancestor. Returns: unit_code, depth, state (open when no row)
-- $unit VARCHAR   the unit
-- $period DATE    first day of the quarter
select c.ancestor as unit_code, c.depth, coalesce(s.state, 'open') as state
from unit_closure as c
left join report_state as s on s.unit_code = c.ancestor and s.period = $period
where c.descendant = $unit
  and c.depth > 0
order by c.depth
