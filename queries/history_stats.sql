-- Each unit's own history of each indicator, robustly summarised, for outlier warnings.
-- Returns: unit_code, indicator_code, n, median, mad (median absolute deviation)
-- $units VARCHAR[]  unit codes in the upload
-- $before DATE      only quarters before this one count (first day of the uploaded quarter)
with
history as (
    select unit_code, indicator_code, value
    from value
    where list_contains($units, unit_code)
      and period < $before
),
centre as (
    select unit_code, indicator_code, count(*) as n, median(value) as median
    from history
    group by unit_code, indicator_code
)
select
    c.unit_code,
    c.indicator_code,
    c.n,
    c.median,
    median(abs(h.value - c.median)) as mad,
from centre as c
join history as h using (unit_code, indicator_code)
group by c.unit_code, c.indicator_code, c.n, c.median
