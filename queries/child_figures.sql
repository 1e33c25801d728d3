-- Every indicator (base and derived rate) for each child unit of a scope, for a period and the
-- same period a year earlier (lineage-mapped, see period_figures in queries/schema/).
-- Returns: unit_code, name, indicator_code, value, previous, units_reported; a child with no figures
-- at all has one row with a null indicator_code.
-- $scope VARCHAR  the unit whose children are listed
-- $start DATE     first day of the period's first quarter
-- $end DATE       first day of the period's last quarter
with
children as (
    select u.code, u.name
    from unit_closure as c
    join units as u on u.code = c.descendant
    where c.ancestor = $scope
      and c.depth = 1
      and u.valid_from <= $end
      and (u.valid_to is null or u.valid_to >= $end)
),
figures as (
    select *
    from period_figures($scope, 1, $start, $end)
)
select
    ch.code as unit_code,
    ch.name,
    f.indicator_code,
    f.value,
    f.previous,
    coalesce(f.units_reported, 0) as units_reported,
from children as ch
left join figures as f on f.group_code = ch.code
order by ch.code, f.indicator_code
