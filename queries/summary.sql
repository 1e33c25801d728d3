-- Figures of a scope for a period and for the same period one year earlier, one row per
-- catalogue indicator (base and derived rate), in catalogue order. Last year's values are
-- mapped onto today's units through the lineage (scope_weights in the schema).
-- Across quarters, flows add up and stocks, flags and rates of stocks take the last quarter
-- with data; rates and flag shares are scale × Σnum / Σden, never an average of percentages.
-- Returns: indicator_code, value, previous, units_reported, units_expected
-- $scope VARCHAR  unit code; the scope is that unit and every unit below it
-- $start DATE     first day of the period's first quarter
-- $end DATE       first day of the period's last quarter
with
quarters as (
    select 'cur' as side, *
    from quarter_figures($scope, $end, $start, $end)
    union all
    select 'prev' as side, *
    from quarter_figures(
        $scope, $end,
        cast($start - interval 1 year as date),
        cast($end - interval 1 year as date)
    )
),
by_side as (
    select
        q.side,
        q.indicator_code,
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
    group by q.side, q.indicator_code
),
figures as (
    select
        indicator_code,
        side,
        case when den is null then num else scale * num / nullif(den, 0) end as value,
        units_reported,
    from by_side
),
expected as (
    select count(*) as units_expected
    from scope_units($scope, $end)
)
select
    i.code as indicator_code,
    max(f.value) filter (where f.side = 'cur') as value,
    max(f.value) filter (where f.side = 'prev') as previous,
    coalesce(max(f.units_reported) filter (where f.side = 'cur'), 0) as units_reported,
    any_value(e.units_expected) as units_expected,
from indicator as i
join indicator_group as g on g.code = i.group_code
left join figures as f on f.indicator_code = i.code
cross join expected as e
group by i.code, g.sort_order, i.sort_order
order by g.sort_order, i.sort_order
