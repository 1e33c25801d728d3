-- Figures of a scope for a period and for the same period one year earlier, one row per
-- catalogue indicator (base and derived rate), in catalogue order. Last year's values are
-- mapped onto today's units through the lineage; see period_figures in queries/schema/, read
-- here from the rollup the writer keeps (rollup_period_figures).
-- The change is like for like: value_compared and previous_compared are the figures of the units
-- that reported the indicator in both periods (units_compared of them); value and previous are
-- the scope's totals as reported.
-- Returns: indicator_code, value, previous, units_reported, units_expected, units_compared,
--          value_compared, previous_compared
-- $scope VARCHAR  unit code; the scope is that unit and every unit below it
-- $start DATE     first day of the period's first quarter
-- $end DATE       first day of the period's last quarter
with
figures as (
    select * from rollup_period_figures($scope, 0, $start, $end)
),
expected as (
    select count(*) as units_expected
    from scope_units($scope, $end)
)
select
    i.code as indicator_code,
    f.value,
    f.previous,
    coalesce(f.units_reported, 0) as units_reported,
    e.units_expected,
    coalesce(f.units_compared, 0) as units_compared,
    f.value_compared,
    f.previous_compared,
from indicator as i
join indicator_group as g on g.code = i.group_code
left join figures as f on f.indicator_code = i.code
cross join expected as e
order by g.sort_order, i.sort_order
