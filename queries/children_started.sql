-- The units directly below a scope in force on a date, with the day each came into force:
-- a child that started after last year's quarter is compared through the lineage.
-- Returns: code, valid_from
-- $scope VARCHAR  the unit whose children are listed
-- $end DATE       first day of the period's last quarter
select u.code, u.valid_from
from children_in_force($scope, $end) as ch
join units as u on u.code = ch.code
order by u.code
