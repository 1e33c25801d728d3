-- The transitions of a unit × quarter, oldest first. Grain: one row per transition.
-- Returns: id, unit_code, period, action, from_state, to_state, actor, happened_at, reason
-- $unit VARCHAR   the unit
-- $period DATE    first day of the quarter
select id, unit_code, period, action, from_state, to_state, actor, happened_at, reason
from report_transition
where unit_code = $unit
  and period = $period
order by id
