-- The child units of a scope ranked on one indicator for a period, with last year's rank.
-- Each child counts itself and every unit below it; last year's values are mapped onto today's
-- children through the lineage. Rank 1 is the best: highest for "up" indicators, lowest for "down";
-- neutral indicators are not ranked (rank and previous_rank are null).
-- Returns: unit_code, name, value, previous, units_reported, rank, previous_rank
-- $scope VARCHAR      the unit whose children are ranked
-- $indicator VARCHAR  indicator code (base or derived rate)
-- $start DATE         first day of the period's first quarter
-- $end DATE           first day of the period's last quarter
with
quarters as (
    select 'cur' as side, *
    from group_quarter_figures($scope, $end, 1, $start, $end)
    where indicator_code = $indicator
    union all
    select 'prev' as side, *
    from group_quarter_figures(
        $scope, $end, 1,
        cast($start - interval 1 year as date),
        cast($end - interval 1 year as date)
    )
    where indicator_code = $indicator
),
by_side as (
    select
        q.group_code,
        q.side,
        any_value(s.scale) as scale,
        case any_value(s.across_quarters)
            when 'sum' then sum(q.num) else arg_max(q.num, q.period)
        end as num,
        case any_value(s.across_quarters)
            when 'sum' then sum(q.den) else arg_max(q.den, q.period)
        end as den,
        arg_max(q.units_reported, q.period) as units_reported,
    from quarters as q
    join indicator_semantics as s using (indicator_code)
    group by q.group_code, q.side
),
figures as (
    select
        group_code,
        max(case when den is null then num else scale * num / nullif(den, 0) end)
            filter (where side = 'cur') as value,
        max(case when den is null then num else scale * num / nullif(den, 0) end)
            filter (where side = 'prev') as previous,
        coalesce(max(units_reported) filter (where side = 'cur'), 0) as units_reported,
    from by_side
    group by group_code
),
children as (
    select u.code, u.name
    from unit_closure as c
    join units as u on u.code = c.descendant
    where c.ancestor = $scope
      and c.depth = 1
      and u.valid_from <= $end
      and (u.valid_to is null or u.valid_to >= $end)
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
from children as ch
left join figures as f on f.group_code = ch.code
cross join direction as d
order by rank nulls last, ch.code
