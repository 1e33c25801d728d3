-- Each unit's own history of each indicator, robustly summarised, for outlier warnings: as
-- queries/outlier_rows.sql reads it, a unit made in a restructuring carrying, for the quarters before
-- it existed, Σ share × value of the units it replaced (unit_sources in R_figure_macros.sql).
-- Returns: unit_code, indicator_code, n, median, mad (median absolute deviation from the median)
-- Relation `incoming` (registered by the caller): the units of the upload in its column unit_code
-- (other columns are ignored; a unit may appear more than once).
-- $before DATE      only quarters before this one count (first day of the earliest uploaded quarter)
with
uploaded as (
    select distinct unit_code
    from incoming
),
carried as (  -- only units made in a restructuring, only the quarters before they existed
    select s.unit_code, v.indicator_code, v.period, sum(s.w * v.value) as value
    from unit_sources($before) as s
    semi join uploaded as i on i.unit_code = s.unit_code
    join units as u
        on u.code = s.unit_code
        and u.valid_from <= $before
        and (u.valid_to is null or u.valid_to >= $before)
    join value as v on v.unit_code = s.source_code
    where s.source_code <> s.unit_code
      and v.period < u.valid_from
    group by s.unit_code, v.indicator_code, v.period
),
history as (
    select v.unit_code, v.indicator_code, v.value
    from value as v
    semi join uploaded as u on u.unit_code = v.unit_code
    where v.period < $before
    union all
    select unit_code, indicator_code, value
    from carried
)
select
    unit_code,
    indicator_code,
    count(*) as n,
    median(value) as median,
    mad(value) as mad,  -- median(abs(value - median(value))), in one pass
from history
group by unit_code, indicator_code
