-- Quarters that hold at least one value in the scope, newest first (counts kept by the writer).
-- Returns: period (DATE), values_stored
-- $scope VARCHAR  unit code; the scope is that unit and every unit below it
select v.period, cast(sum(v.values_stored) as bigint) as values_stored
from rollup_value_counts(date '0001-01-01', date '9999-12-31') as v
where v.unit_code in (select descendant from unit_closure where ancestor = $scope)
group by v.period
order by v.period desc
