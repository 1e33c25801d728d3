-- Table macros shared by the analysis queries: who is in a scope, how last year's units map
-- onto today's through the lineage, and the figures of a period against the same period a
-- year earlier. Groups are the scope itself (group_depth 0) or each of its children (1), so
-- the summary of a scope and the ranking of its child units share one definition.

-- Units of the scope (the unit and all below it) in force on at_date.
create or replace macro scope_units(scope_code, at_date) as table
    select u.code as unit_code
    from unit_closure as c
    join units as u on u.code = c.descendant
    where c.ancestor = scope_code
      and u.valid_from <= at_date
      and (u.valid_to is null or u.valid_to >= at_date);

-- Each unit counted for each group, with weight 1, and each unit it replaced with its lineage
-- share ("số liệu cùng kỳ quy đổi theo địa giới mới").
create or replace macro group_weights(scope_code, at_date, group_depth) as table
    with
    in_force as (
        select code
        from units
        where valid_from <= at_date
          and (valid_to is null or valid_to >= at_date)
    ),
    groups as (
        select c.descendant as group_code
        from unit_closure as c
        join in_force as f on f.code = c.descendant
        where c.ancestor = scope_code
          and c.depth = group_depth
    ),
    today as (
        select g.group_code, c.descendant as unit_code
        from groups as g
        join unit_closure as c on c.ancestor = g.group_code
        join in_force as f on f.code = c.descendant
    ),
    predecessors as (
        select t.group_code, l.old_code as unit_code, l.share as w
        from today as t
        join unit_lineage as l on l.new_code = t.unit_code
        where l.old_code not in (select code from in_force)
    ),
    all_weights as (
        select group_code, unit_code, 1.0 as w from today
        union all
        select group_code, unit_code, w from predecessors
    )
    select group_code, unit_code, sum(w) as w
    from all_weights
    group by group_code, unit_code;

-- Per group, quarter and indicator (base and derived rate), a numerator and a denominator:
-- flow and stock: num = Σ w·value, den = null;
-- flag: num = Σ w·value (units with "Có"), den = Σ w (reporting units);
-- rate: num = Σ w·numerator, den = Σ w·denominator over the units that reported both,
-- so that a rate is always recomputed from sums and never averaged.
-- units_reported is count(*): the writer keeps one row per (unit, period, indicator) and each
-- unit has one weight per group (count(distinct) was most of the time of a national trend).
create or replace macro group_quarter_figures(scope_code, at_date, group_depth, from_date, to_date) as table
    with
    facts as (
        select w.group_code, v.unit_code, v.period, v.indicator_code, v.value, w.w
        from value as v
        join group_weights(scope_code, at_date, group_depth) as w using (unit_code)
        where v.period between from_date and to_date
    ),
    base as (
        select
            f.group_code,
            f.period,
            f.indicator_code,
            sum(f.value * f.w) as num,
            case when any_value(i.type) = 'flag' then sum(f.w) end as den,
            count(*) as units_reported,
        from facts as f
        join indicator as i on i.code = f.indicator_code
        group by f.group_code, f.period, f.indicator_code
    ),
    rates as (
        select
            n.group_code,
            n.period,
            r.code as indicator_code,
            sum(n.value * n.w) as num,
            sum(d.value * d.w) as den,
            count(*) as units_reported,
        from indicator as r
        join facts as n on n.indicator_code = r.numerator
        join facts as d
            on d.indicator_code = r.denominator
            and d.unit_code = n.unit_code
            and d.period = n.period
            and d.group_code = n.group_code
        where r.type = 'rate'
        group by n.group_code, n.period, r.code
    )
    select * from base
    union all
    select * from rates;

-- The scope alone: the same figures without the group column.
create or replace macro quarter_figures(scope_code, at_date, from_date, to_date) as table
    select period, indicator_code, num, den, units_reported
    from group_quarter_figures(scope_code, at_date, 0, from_date, to_date);

-- How each indicator adds up across quarters: 'sum' for flows and rates of flows,
-- 'last' (the value at the last quarter with data) for stocks, flags and rates of stocks.
create or replace view indicator_semantics as
    select
        i.code as indicator_code,
        i.type,
        i.good,
        coalesce(i.scale, 1) as scale,
        case
            when i.type = 'flow' or (i.type = 'rate' and n.type = 'flow') then 'sum'
            else 'last'
        end as across_quarters,
    from indicator as i
    left join indicator as n on n.code = i.numerator;

-- Per group and indicator, the figure of the period start_date..end_date and of the same
-- period one year earlier, with last year's units mapped onto the groups as they stand at
-- end_date: flows add up across quarters; stocks, flags and rates of stocks take the last
-- quarter with data; rates and flag shares are scale × Σnum / Σden.
create or replace macro period_figures(scope_code, group_depth, start_date, end_date) as table
    with
    quarters as (
        select 'cur' as side, *
        from group_quarter_figures(scope_code, end_date, group_depth, start_date, end_date)
        union all
        select 'prev' as side, *
        from group_quarter_figures(
            scope_code, end_date, group_depth,
            cast(start_date - interval 1 year as date),
            cast(end_date - interval 1 year as date)
        )
    ),
    by_side as (
        select
            q.group_code,
            q.indicator_code,
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
        group by q.group_code, q.indicator_code, q.side
    ),
    figures as (
        select
            group_code,
            indicator_code,
            side,
            case when den is null then num else scale * num / nullif(den, 0) end as value,
            units_reported,
        from by_side
    )
    select
        group_code,
        indicator_code,
        max(value) filter (where side = 'cur') as value,
        max(value) filter (where side = 'prev') as previous,
        coalesce(max(units_reported) filter (where side = 'cur'), 0) as units_reported,
    from figures
    group by group_code, indicator_code;
