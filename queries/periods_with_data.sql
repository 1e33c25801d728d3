-- Quarters that hold at least one value in the scope, newest first.
-- Returns: period (DATE), values_stored
-- $scope VARCHAR  unit code; the scope is that unit and every unit below it
select v.period, count(*) as values_stored
from value as v
where v.unit_code in (select descendant from unit_closure where ancestor = $scope)
group by v.period
order by v.period desc
