-- One indicator per child unit of a scope and per quarter (units × quarters, for heatmaps),
-- children as they stand at $end, their predecessors mapped through the lineage (read from the rollup).
-- Returns: unit_code, period, value, units_reported
-- $scope VARCHAR      the unit whose children are shown
-- $indicator VARCHAR  indicator code (base or derived rate)
-- $start DATE         first quarter (first day)
-- $end DATE           last quarter (first day)
select
    q.group_code as unit_code,
    q.period,
    case when q.den is null then q.num else s.scale * q.num / nullif(q.den, 0) end as value,
    q.units_reported,
from rollup_group_quarter_figures($scope, $end, 1, $start, $end) as q
join indicator_semantics as s using (indicator_code)
where q.indicator_code = $indicator
order by q.group_code, q.period
