-- How many units of a scope in force at $end reported anything in the quarters $start..$end.
-- Counts kept by the writer (rollup_value_counts in queries/schema/).
-- Returns: units_reported (one row)
-- $scope VARCHAR  unit code; the scope is that unit and every unit below it
-- $start DATE     first quarter (first day)
-- $end DATE       last quarter (first day)
select count(distinct v.unit_code) as units_reported
from rollup_value_counts($start, $end) as v
join scope_units($scope, $end) as s using (unit_code)
