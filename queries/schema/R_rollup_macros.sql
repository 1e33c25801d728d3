-- The figure macros of R_figure_macros.sql, read from the rollup the writer keeps (migration 007,
-- reform/rollup.py) instead of summed from the value table: same arguments, same rows, same figures.
-- A group with units below it, or standing in for older units through the lineage, is read from
-- figure_rollup at the epoch of at_date; any other group is its own values. at_date is the first
-- day of a quarter (every query passes the first day of the period's last quarter).
-- The rollup_ prefix names the fast path; without it, the same macro sums the value table.

-- group_quarter_figures, from the rollup.
create or replace macro rollup_group_quarter_figures(scope_code, at_date, group_depth, from_date, to_date) as table
    with
    groups as (
        select c.descendant as group_code
        from unit_closure as c
        join units as u on u.code = c.descendant
        where c.ancestor = scope_code
          and c.depth = group_depth
          and u.valid_from <= at_date
          and (u.valid_to is null or u.valid_to >= at_date)
    ),
    epoch as (
        select max(as_of) as as_of
        from figure_epoch
        where as_of <= at_date
    ),
    rolled_groups as (  -- the groups figure_weight holds (see queries/rollup_weights.sql)
        select group_code
        from groups
        where group_code in (select ancestor from unit_closure where depth = 1)
           or group_code in (select new_code from unit_lineage)
    ),
    rolled as (
        select r.scope_code as group_code, r.period, r.indicator_code, r.pair_code, r.num, r.den, r.units_reported
        from figure_rollup as r
        where r.as_of = (select as_of from epoch)
          and r.period between from_date and to_date
          and r.scope_code in (select group_code from rolled_groups)
    ),
    own_groups as (
        select group_code
        from groups
        where group_code not in (select group_code from rolled_groups)
    ),
    own as (
        select v.unit_code as group_code, v.period, v.indicator_code, v.value
        from value as v
        where v.period between from_date and to_date
          and v.unit_code in (select group_code from own_groups)
    ),
    base as (
        select group_code, period, indicator_code, num, den, units_reported
        from rolled
        where pair_code is null
        union all
        select group_code, period, indicator_code, value, 1.0, 1
        from own
    ),
    own_rates as (
        select n.group_code, n.period, r.code as indicator_code, n.value as num, d.value as den
        from indicator as r
        join own as n on n.indicator_code = r.numerator
        join own as d
            on d.indicator_code = r.denominator
            and d.group_code = n.group_code
            and d.period = n.period
        where r.type = 'rate'
    )
    select
        b.group_code,
        b.period,
        b.indicator_code,
        b.num,
        case when i.type = 'flag' then b.den end as den,
        cast(b.units_reported as bigint) as units_reported,
    from base as b
    join indicator as i on i.code = b.indicator_code
    union all
    select p.group_code, p.period, r.code, p.num, p.den, p.units_reported
    from rolled as p
    join indicator as r on r.numerator = p.indicator_code and r.denominator = p.pair_code
    where r.type = 'rate'
    union all
    select group_code, period, indicator_code, num, den, cast(1 as bigint)
    from own_rates;

-- quarter_figures, from the rollup.
create or replace macro rollup_quarter_figures(scope_code, at_date, from_date, to_date) as table
    select period, indicator_code, num, den, units_reported
    from rollup_group_quarter_figures(scope_code, at_date, 0, from_date, to_date);

-- period_figures, from the rollup (the same text with rollup_group_quarter_figures).
create or replace macro rollup_period_figures(scope_code, group_depth, start_date, end_date) as table
    with
    quarters as (
        select 'cur' as side, *
        from rollup_group_quarter_figures(scope_code, end_date, group_depth, start_date, end_date)
        union all
        select 'prev' as side, *
        from rollup_group_quarter_figures(
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

-- How many values each unit stored in each quarter from_date..to_date, summed from the value table
-- (the definition) ...
create or replace macro value_counts(from_date, to_date) as table
    select unit_code, period, count(*) as values_stored
    from value
    where period between from_date and to_date
    group by unit_code, period;

-- ... and read from unit_period_count, which the writer keeps.
create or replace macro rollup_value_counts(from_date, to_date) as table
    select unit_code, period, values_stored
    from unit_period_count
    where period between from_date and to_date;
