-- How many units of a scope in force at $end reported anything in the quarters $start..$end.
-- Returns: units_reported (one row)
-- $scope VARCHAR  unit code; the scope is that unit and every unit below it
-- $start DATE     first quarter (first day)
-- $end DATE       last quarter (first day)
select count(distinct v.unit_code) as units_reported
from value as v
join scope_units($scope, $end) as s using (unit_code)
where v.period between $start and $end
