-- Quarters that hold at least one value in the scope, newest first.
-- Returns: period (DATE), units_reported
-- $scope VARCHAR  unit code; the scope is that unit and every unit below it
select v.period, count(distinct v.unit_code) as units_reported
from value as v
join unit_closure as c on c.descendant = v.unit_code
where c.ancestor = $scope
group by v.period
order by v.period desc
