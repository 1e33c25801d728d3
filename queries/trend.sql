-- Quarterly series of a scope, one row per quarter and indicator (base and derived rate),
-- with units mapped onto the scope as it stands at $end through the lineage.
-- Read from the rollup the writer keeps (rollup_quarter_figures in queries/schema/).
-- flow and stock: Σ over units; flag: share of reporting units (%); rate: scale × Σnum / Σden.
-- Returns: period (DATE, first day of the quarter), indicator_code, value, units_reported
-- $scope VARCHAR  unit code; the scope is that unit and every unit below it
-- $start DATE     first quarter of the series (first day)
-- $end DATE       last quarter of the series (first day)
with
quarters as (
    select *
    from rollup_quarter_figures($scope, $end, $start, $end)
),
figures as (
    select
        q.period,
        q.indicator_code,
        case when q.den is null then q.num else s.scale * q.num / nullif(q.den, 0) end as value,
        q.units_reported,
    from quarters as q
    join indicator_semantics as s using (indicator_code)
)
select period, indicator_code, value, units_reported
from figures
order by period, indicator_code
