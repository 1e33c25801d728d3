-- Remove the state rows of the units a transition moves (registered as `moves`: unit_code, to_state).
-- Returns nothing.
-- $period DATE  first day of the quarter
delete from report_state
where period = $period
  and unit_code in (select unit_code from moves)
