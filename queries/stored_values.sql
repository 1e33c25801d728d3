-- Stored values of some units in a date range, for turning cumulative reports into quarters.
-- Returns: unit_code, period, indicator_code, value
-- $units VARCHAR[]  unit codes
-- $start DATE       first quarter (first day)
-- $end DATE         last quarter (first day)
select unit_code, period, indicator_code, value
from value
where list_contains($units, unit_code)
  and period between $start and $end
