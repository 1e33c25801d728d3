-- Where each unit of a scope stands for one quarter (issue 14), the scope's units in force that day.
-- Grain: one row per unit. Returns: unit_code, name, parent_code, depth, state (open when no row),
--          changed_by, changed_at, reason
-- $unit VARCHAR   the top unit of the scope
-- $period DATE    first day of the quarter
select
    u.code as unit_code,
    u.name,
    u.parent_code,
    c.depth,
    coalesce(s.state, 'open') as state,
    s.changed_by,
    s.changed_at,
    s.reason,
from unit_closure as c
join units as u on u.code = c.descendant
left join report_state as s on s.unit_code = u.code and s.period = $period
where c.ancestor = $unit
  and u.valid_from <= $period
  and (u.valid_to is null or u.valid_to >= $period)
order by c.depth, u.code
