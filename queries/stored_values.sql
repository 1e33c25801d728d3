-- Stored values of the upload's units in a date range, for turning cumulative reports into quarters.
-- Returns: unit_code, period, indicator_code, value
-- Relation `incoming` (registered by the caller): the units in its column unit_code (other columns ignored).
-- $start DATE       first quarter (first day)
-- $end DATE         last quarter (first day)
with
units as (
    select distinct unit_code
    from incoming
)
select v.unit_code, v.period, v.indicator_code, v.value
from value as v
semi join units as u on u.unit_code = v.unit_code
where v.period between $start and $end
