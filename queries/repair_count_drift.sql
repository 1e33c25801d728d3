-- Quarters where the per-unit value counts the writer keeps (unit_period_count) differ from the values
-- stored: a torn write left one without the other; their rollup is made again on open.
-- Returns: period (DATE), one row per such quarter, in order. No parameters.
with
counted as (
    select unit_code, period, count(*) as values_stored
    from value
    group by unit_code, period
),
drift as (
    select coalesce(c.period, k.period) as period
    from counted as c
    full outer join unit_period_count as k
        on k.unit_code = c.unit_code
        and k.period = c.period
    where c.values_stored is distinct from k.values_stored
)
select distinct period
from drift
order by period
