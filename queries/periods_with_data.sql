-- Quarters that hold at least one value in the scope, newest first (counts kept by the writer:
-- rollup_scope_period_counts in queries/schema/).
-- Returns: period (DATE), values_stored
-- $scope VARCHAR  unit code; the scope is that unit and every unit below it
select period, cast(values_stored as bigint) as values_stored
from rollup_scope_period_counts($scope)
order by period desc
