-- Stored values in long form, for `python -m reform export`.
-- Returns: unit_code, period (DATE), indicator_code, value
-- $period_start DATE  first quarter to include (first day), or null for all
-- $period_end DATE    last quarter to include (first day), or null for all
-- $unit VARCHAR       a scope: the unit and everything below it, or null for all units
select v.unit_code, v.period, v.indicator_code, v.value
from value as v
where ($period_start is null or v.period >= $period_start)
  and ($period_end is null or v.period <= $period_end)
  and ($unit is null or v.unit_code in (
      select descendant from unit_closure where ancestor = $unit
  ))
order by v.period, v.unit_code, v.indicator_code
