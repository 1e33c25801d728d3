-- Each unit's own history of each indicator, robustly summarised, for outlier warnings.
-- Returns: unit_code, indicator_code, n, median, mad (median absolute deviation from the median)
-- Relation `incoming` (registered by the caller): the units of the upload in its column unit_code
-- (other columns are ignored; a unit may appear more than once).
-- $before DATE      only quarters before this one count (first day of the earliest uploaded quarter)
with
units as (
    select distinct unit_code
    from incoming
),
history as (
    select v.unit_code, v.indicator_code, v.value
    from value as v
    semi join units as u on u.unit_code = v.unit_code
    where v.period < $before
)
select
    unit_code,
    indicator_code,
    count(*) as n,
    median(value) as median,
    mad(value) as mad,  -- median(abs(value - median(value))), in one pass
from history
group by unit_code, indicator_code
