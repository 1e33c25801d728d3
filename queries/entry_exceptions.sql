-- The entry exceptions of a quarter for the units of a scope: entry kept open past the window by quản trị.
-- Returns: unit_code, name, granted_by, granted_at, reason (one row per unit; register order)
-- $scope VARCHAR   the scope: the unit and everything below it
-- $period DATE     first day of the quarter
select e.unit_code, u.name, e.granted_by, e.granted_at, e.reason
from entry_exception as e
join units as u on u.code = e.unit_code
where e.period = $period
  and e.unit_code in (select descendant from unit_closure where ancestor = $scope)
order by e.unit_code
