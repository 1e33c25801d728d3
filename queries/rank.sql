-- The child units of a scope ranked on one indicator for a period, with last year's rank.
-- Each child counts itself and every unit below it; last year's values are mapped onto today's
-- children through the lineage (period_figures in queries/schema/, read from the rollup). Rank 1 is the best: highest
-- for "up" indicators, lowest for "down"; neutral indicators are not ranked (null ranks).
-- value_compared / previous_compared: the child's figures on its units that reported in both
-- periods (units_compared of them), what its change is computed on.
-- Returns: unit_code, name, value, previous, units_reported, rank, previous_rank, units_compared,
--          value_compared, previous_compared
-- $scope VARCHAR      the unit whose children are ranked
-- $indicator VARCHAR  indicator code (base or derived rate)
-- $start DATE         first day of the period's first quarter
-- $end DATE           first day of the period's last quarter
with
figures as (
    select *
    from rollup_period_figures($scope, 1, $start, $end)
    where indicator_code = $indicator
),
children as (
    select * from children_in_force($scope, $end)
),
direction as (
    select good from indicator where code = $indicator
)
select
    ch.code as unit_code,
    ch.name,
    f.value,
    f.previous,
    coalesce(f.units_reported, 0) as units_reported,
    case
        when d.good = 'neutral' or f.value is null then null
        when d.good = 'up' then rank() over (order by f.value desc nulls last)
        else rank() over (order by f.value asc nulls last)
    end as rank,
    case
        when d.good = 'neutral' or f.previous is null then null
        when d.good = 'up' then rank() over (order by f.previous desc nulls last)
        else rank() over (order by f.previous asc nulls last)
    end as previous_rank,
    coalesce(f.units_compared, 0) as units_compared,
    f.value_compared,
    f.previous_compared,
from children as ch
left join figures as f on f.group_code = ch.code
cross join direction as d
order by rank nulls last, ch.code
