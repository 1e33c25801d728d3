-- Every indicator (base and derived rate) for each child unit of a scope, for a period and the
-- same period a year earlier (lineage-mapped, see period_figures in queries/schema/, read from the rollup).
-- value_compared / previous_compared: on the child's units that reported in both periods (units_compared).
-- Returns: unit_code, name, indicator_code, value, previous, units_reported, units_compared,
-- value_compared, previous_compared; a child with no figures at all has one row with a null indicator_code.
-- $scope VARCHAR  the unit whose children are listed
-- $start DATE     first day of the period's first quarter
-- $end DATE       first day of the period's last quarter
with
children as (
    select * from children_in_force($scope, $end)
),
figures as (
    select *
    from rollup_period_figures($scope, 1, $start, $end)
)
select
    ch.code as unit_code,
    ch.name,
    f.indicator_code,
    f.value,
    f.previous,
    coalesce(f.units_reported, 0) as units_reported,
    coalesce(f.units_compared, 0) as units_compared,
    f.value_compared,
    f.previous_compared,
from children as ch
left join figures as f on f.group_code = ch.code
order by ch.code, f.indicator_code
