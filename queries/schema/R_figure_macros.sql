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

-- The units directly below a scope, in force on at_date: what rankings and per-unit slides list.
create or replace macro children_in_force(scope_code, at_date) as table
    select u.code, u.name
    from unit_closure as c
    join units as u on u.code = c.descendant
    where c.ancestor = scope_code
      and c.depth = 1
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

-- One indicator (base or derived rate) of group_quarter_figures: what a page about one indicator
-- across many units needs, without computing every other indicator.
create or replace macro indicator_quarter_figures(scope_code, at_date, group_depth, from_date, to_date, ind) as table
    select *
    from group_quarter_figures(scope_code, at_date, group_depth, from_date, to_date)
    where indicator_code = ind;

-- Each unit in force on at_date with the units whose figures it carries a year earlier: itself
-- (weight 1) and, through the lineage, the units it replaced that are no longer in force (their share).
-- The grain of a like-for-like comparison: a unit is compared when it reported in both periods.
create or replace macro unit_sources(at_date) as table
    with
    in_force as (
        select code
        from units
        where valid_from <= at_date
          and (valid_to is null or valid_to >= at_date)
    ),
    all_sources as (
        select code as unit_code, code as source_code, 1.0 as w
        from in_force
        union all
        select l.new_code, l.old_code, l.share
        from unit_lineage as l
        join in_force as f on f.code = l.new_code
        where l.old_code not in (select code from in_force)
    )
    select unit_code, source_code, sum(w) as w
    from all_sources
    group by unit_code, source_code;

-- Per unit in force on at_date (lineage-mapped as unit_sources), quarter from_date..to_date and
-- indicator: base indicator (pair_code null): num = Σ w·value, den = Σ w; rate pair (pair_code = the
-- denominator): over the units that reported both, num = Σ w·numerator, den = Σ w·denominator.
create or replace macro unit_quarter_figures(at_date, from_date, to_date) as table
    with
    facts as (
        select s.unit_code, v.unit_code as source_code, v.period, v.indicator_code, v.value, s.w
        from value as v
        join unit_sources(at_date) as s on s.source_code = v.unit_code
        where v.period between from_date and to_date
    ),
    base as (
        select unit_code, period, indicator_code, cast(null as varchar) as pair_code,
            sum(value * w) as num, sum(w) as den
        from facts
        group by unit_code, period, indicator_code
    ),
    pairs as (
        select n.unit_code, n.period, r.numerator as indicator_code, r.denominator as pair_code,
            sum(n.value * n.w) as num, sum(d.value * d.w) as den
        from (select distinct numerator, denominator from indicator where type = 'rate') as r
        join facts as n on n.indicator_code = r.numerator
        join facts as d
            on d.indicator_code = r.denominator
            and d.source_code = n.source_code
            and d.unit_code = n.unit_code
            and d.period = n.period
        group by n.unit_code, n.period, r.numerator, r.denominator
    )
    select * from base
    union all
    select * from pairs;

-- Per group (as group_quarter_figures), quarter from_date..to_date and indicator (base and derived
-- rate), the figure of that quarter and of the same quarter a year earlier summed over the units
-- that reported the indicator (a rate: both its parts) in both: the like-for-like comparison.
-- num/den and num_prev/den_prev read as in group_quarter_figures; units_compared counts those units.
create or replace macro group_quarter_compared(scope_code, at_date, group_depth, from_date, to_date) as table
    with
    members as (
        select g.descendant as group_code, c.descendant as unit_code
        from unit_closure as g
        join units as u on u.code = g.descendant
        join unit_closure as c on c.ancestor = g.descendant
        where g.ancestor = scope_code
          and g.depth = group_depth
          and u.valid_from <= at_date
          and (u.valid_to is null or u.valid_to >= at_date)
    ),
    cur as (
        select * from unit_quarter_figures(at_date, from_date, to_date)
    ),
    prev as (
        select *
        from unit_quarter_figures(
            at_date, cast(from_date - interval 1 year as date), cast(to_date - interval 1 year as date)
        )
    ),
    both_years as (
        select m.group_code, c.period, c.indicator_code, c.pair_code,
            c.num, c.den, p.num as num_prev, p.den as den_prev
        from cur as c
        join prev as p
            on p.unit_code = c.unit_code
            and p.indicator_code = c.indicator_code
            and coalesce(p.pair_code, '') = coalesce(c.pair_code, '')
            and p.period = cast(c.period - interval 1 year as date)
        join members as m on m.unit_code = c.unit_code
    ),
    sums as (
        select group_code, period, indicator_code, pair_code,
            sum(num) as num, sum(den) as den, sum(num_prev) as num_prev, sum(den_prev) as den_prev,
            count(*) as units_compared,
        from both_years
        group by group_code, period, indicator_code, pair_code
    )
    select s.group_code, s.period, s.indicator_code, s.num,
        case when i.type = 'flag' then s.den end as den,
        s.num_prev,
        case when i.type = 'flag' then s.den_prev end as den_prev,
        s.units_compared,
    from sums as s
    join indicator as i on i.code = s.indicator_code
    where s.pair_code is null
    union all
    select s.group_code, s.period, r.code, s.num, s.den, s.num_prev, s.den_prev, s.units_compared
    from sums as s
    join indicator as r on r.numerator = s.indicator_code and r.denominator = s.pair_code
    where r.type = 'rate';

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
    ),
    -- like for like: flows add up each quarter's comparison (the units that reported that quarter
    -- in both years), and count the fewest units compared in a quarter; stocks, flags and rates of
    -- stocks take the last quarter with a comparison
    compared as (
        select
            q.group_code,
            q.indicator_code,
            any_value(s.scale) as scale,
            case any_value(s.across_quarters)
                when 'sum' then sum(q.num) else arg_max(q.num, q.period)
            end as num,
            case any_value(s.across_quarters)
                when 'sum' then sum(q.den) else arg_max(q.den, q.period)
            end as den,
            case any_value(s.across_quarters)
                when 'sum' then sum(q.num_prev) else arg_max(q.num_prev, q.period)
            end as num_prev,
            case any_value(s.across_quarters)
                when 'sum' then sum(q.den_prev) else arg_max(q.den_prev, q.period)
            end as den_prev,
            case any_value(s.across_quarters)
                when 'sum' then min(q.units_compared) else arg_max(q.units_compared, q.period)
            end as units_compared,
        from group_quarter_compared(scope_code, end_date, group_depth, start_date, end_date) as q
        join indicator_semantics as s using (indicator_code)
        group by q.group_code, q.indicator_code
    ),
    sides as (
        select
            group_code,
            indicator_code,
            max(value) filter (where side = 'cur') as value,
            max(value) filter (where side = 'prev') as previous,
            coalesce(max(units_reported) filter (where side = 'cur'), 0) as units_reported,
        from figures
        group by group_code, indicator_code
    )
    select
        f.group_code,
        f.indicator_code,
        f.value,
        f.previous,
        f.units_reported,
        case when c.den is null then c.num else c.scale * c.num / nullif(c.den, 0) end as value_compared,
        case when c.den_prev is null then c.num_prev else c.scale * c.num_prev / nullif(c.den_prev, 0) end
            as previous_compared,
        coalesce(c.units_compared, 0) as units_compared,
    from sides as f
    left join compared as c using (group_code, indicator_code);

-- ---------------------------------------------------------------- the same macros, read from the rollup
-- The figure macros above, read from the rollup the writer keeps (migration 007,
-- reform/rollup.py) instead of summed from the value table: same arguments, same rows, same figures.
-- A group with units below it, or standing in for older units through the lineage, is read from
-- figure_rollup at the epoch of at_date; any other group is its own values. at_date is the first
-- day of a quarter (every query passes the first day of the period's last quarter).
-- The rollup_ prefix names the fast path; without it, the same macro sums the value table.

-- The groups of the rollup_ figure macros: each unit group_depth below a scope in force at at_date;
-- rolled when figure_rollup holds its figure (it has units below it, or it stands in for older units
-- through the lineage: the groups figure_weight holds, see queries/rollup_weights.sql), else its figure
-- is its own values; as_of, the epoch of at_date.
create or replace macro figure_groups(scope_code, at_date, group_depth) as table
    select
        c.descendant as group_code,
        c.descendant in (select ancestor from unit_closure where depth = 1)
            or c.descendant in (select new_code from unit_lineage) as rolled,
        (select max(as_of) from figure_epoch where as_of <= at_date) as as_of,
    from unit_closure as c
    join units as u on u.code = c.descendant
    where c.ancestor = scope_code
      and c.depth = group_depth
      and u.valid_from <= at_date
      and (u.valid_to is null or u.valid_to >= at_date);

-- group_quarter_figures, from the rollup.
create or replace macro rollup_group_quarter_figures(scope_code, at_date, group_depth, from_date, to_date) as table
    with
    groups as (
        select * from figure_groups(scope_code, at_date, group_depth)
    ),
    rolled as (
        select r.scope_code as group_code, r.period, r.indicator_code, r.pair_code, r.num, r.den, r.units_reported
        from figure_rollup as r
        where r.as_of = (select max(as_of) from groups)
          and r.period between from_date and to_date
          and r.scope_code in (select group_code from groups where rolled)
    ),
    own as (
        select v.unit_code as group_code, v.period, v.indicator_code, v.value
        from value as v
        where v.period between from_date and to_date
          and v.unit_code in (select group_code from groups where not rolled)
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

-- indicator_quarter_figures, from the rollup: the rows of rollup_group_quarter_figures for one indicator,
-- reading from figure_rollup and value only that indicator (or the rate's numerator and denominator).
create or replace macro rollup_indicator_quarter_figures(scope_code, at_date, group_depth, from_date, to_date, ind) as table
    with
    wanted as (
        select code, type, numerator, denominator
        from indicator
        where code = ind
    ),
    codes as (
        select code from wanted
        union all
        select numerator from wanted where numerator is not null
        union all
        select denominator from wanted where denominator is not null
    ),
    groups as (
        select * from figure_groups(scope_code, at_date, group_depth)
    ),
    rolled as (
        select r.scope_code as group_code, r.period, r.num, r.den, r.units_reported
        from figure_rollup as r
        where r.as_of = (select max(as_of) from groups)
          and r.period between from_date and to_date
          and r.scope_code in (select group_code from groups where rolled)
          and r.indicator_code = coalesce((select numerator from wanted), ind)
          and r.pair_code is not distinct from (select denominator from wanted)
    ),
    own as (  -- only the indicator's codes are read: a scan of every value is most of the time
        select v.unit_code as group_code, v.period, v.indicator_code, v.value
        from value as v
        where v.period between from_date and to_date
          and v.indicator_code in (select code from codes)
          and v.unit_code in (select group_code from groups where not rolled)
    ),
    own_figures as (
        select group_code, period, value as num, 1.0 as den, cast(1 as bigint) as units_reported
        from own
        where indicator_code = ind
        union all
        select n.group_code, n.period, n.value, d.value, cast(1 as bigint)
        from own as n
        join own as d on d.group_code = n.group_code and d.period = n.period
        where n.indicator_code = (select numerator from wanted)
          and d.indicator_code = (select denominator from wanted)
    ),
    figures as (
        select * from rolled
        union all
        select * from own_figures
    )
    select
        f.group_code,
        f.period,
        w.code as indicator_code,
        f.num,
        case when w.type in ('flag', 'rate') then f.den end as den,
        cast(f.units_reported as bigint) as units_reported,
    from figures as f
    cross join wanted as w;

-- quarter_figures, from the rollup.
create or replace macro rollup_quarter_figures(scope_code, at_date, from_date, to_date) as table
    select period, indicator_code, num, den, units_reported
    from rollup_group_quarter_figures(scope_code, at_date, 0, from_date, to_date);

-- group_quarter_compared, from the rollup: rolled groups read figure_compared at the epoch of
-- at_date; any other group is its own values, compared when it reported in both quarters.
create or replace macro rollup_group_quarter_compared(scope_code, at_date, group_depth, from_date, to_date) as table
    with
    groups as (
        select * from figure_groups(scope_code, at_date, group_depth)
    ),
    rolled as (
        select r.scope_code as group_code, r.period, r.indicator_code, r.pair_code,
            r.num, r.den, r.num_prev, r.den_prev, r.units_compared
        from figure_compared as r
        where r.as_of = (select max(as_of) from groups)
          and r.period between from_date and to_date
          and r.scope_code in (select group_code from groups where rolled)
    ),
    own as (  -- two range scans, not one scan with an or: each reads only its quarters' row groups
        select v.unit_code as group_code, v.period, v.indicator_code, v.value
        from value as v
        where v.period between from_date and to_date
          and v.unit_code in (select group_code from groups where not rolled)
        union all
        select v.unit_code as group_code, v.period, v.indicator_code, v.value
        from value as v
        where v.period between cast(from_date - interval 1 year as date) and cast(to_date - interval 1 year as date)
          and v.unit_code in (select group_code from groups where not rolled)
    ),
    own_pairs as (
        select n.group_code, n.period, r.numerator as indicator_code, r.denominator as pair_code,
            n.value as num, d.value as den
        from (select distinct numerator, denominator from indicator where type = 'rate') as r
        join own as n on n.indicator_code = r.numerator
        join own as d
            on d.indicator_code = r.denominator
            and d.group_code = n.group_code
            and d.period = n.period
    ),
    own_rows as (
        select group_code, period, indicator_code, cast(null as varchar) as pair_code, value as num, 1.0 as den
        from own
        union all
        select * from own_pairs
    ),
    own_compared as (
        select c.group_code, c.period, c.indicator_code, c.pair_code,
            c.num, c.den, p.num as num_prev, p.den as den_prev, cast(1 as bigint) as units_compared
        from own_rows as c
        join own_rows as p
            on p.group_code = c.group_code
            and p.indicator_code = c.indicator_code
            and coalesce(p.pair_code, '') = coalesce(c.pair_code, '')
            and p.period = cast(c.period - interval 1 year as date)
        where c.period between from_date and to_date
    ),
    sums as (
        select * from rolled
        union all
        select * from own_compared
    )
    select s.group_code, s.period, s.indicator_code, s.num,
        case when i.type = 'flag' then s.den end as den,
        s.num_prev,
        case when i.type = 'flag' then s.den_prev end as den_prev,
        cast(s.units_compared as bigint) as units_compared,
    from sums as s
    join indicator as i on i.code = s.indicator_code
    where s.pair_code is null
    union all
    select s.group_code, s.period, r.code, s.num, s.den, s.num_prev, s.den_prev, cast(s.units_compared as bigint)
    from sums as s
    join indicator as r on r.numerator = s.indicator_code and r.denominator = s.pair_code
    where r.type = 'rate';

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
    ),
    -- like for like: flows add up each quarter's comparison (the units that reported that quarter
    -- in both years), and count the fewest units compared in a quarter; stocks, flags and rates of
    -- stocks take the last quarter with a comparison
    compared as (
        select
            q.group_code,
            q.indicator_code,
            any_value(s.scale) as scale,
            case any_value(s.across_quarters)
                when 'sum' then sum(q.num) else arg_max(q.num, q.period)
            end as num,
            case any_value(s.across_quarters)
                when 'sum' then sum(q.den) else arg_max(q.den, q.period)
            end as den,
            case any_value(s.across_quarters)
                when 'sum' then sum(q.num_prev) else arg_max(q.num_prev, q.period)
            end as num_prev,
            case any_value(s.across_quarters)
                when 'sum' then sum(q.den_prev) else arg_max(q.den_prev, q.period)
            end as den_prev,
            case any_value(s.across_quarters)
                when 'sum' then min(q.units_compared) else arg_max(q.units_compared, q.period)
            end as units_compared,
        from rollup_group_quarter_compared(scope_code, end_date, group_depth, start_date, end_date) as q
        join indicator_semantics as s using (indicator_code)
        group by q.group_code, q.indicator_code
    ),
    sides as (
        select
            group_code,
            indicator_code,
            max(value) filter (where side = 'cur') as value,
            max(value) filter (where side = 'prev') as previous,
            coalesce(max(units_reported) filter (where side = 'cur'), 0) as units_reported,
        from figures
        group by group_code, indicator_code
    )
    select
        f.group_code,
        f.indicator_code,
        f.value,
        f.previous,
        f.units_reported,
        case when c.den is null then c.num else c.scale * c.num / nullif(c.den, 0) end as value_compared,
        case when c.den_prev is null then c.num_prev else c.scale * c.num_prev / nullif(c.den_prev, 0) end
            as previous_compared,
        coalesce(c.units_compared, 0) as units_compared,
    from sides as f
    left join compared as c using (group_code, indicator_code);

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

-- ... and of approved and locked values only (số liệu chính thức: "official:" queries call it in place
-- of rollup_value_counts, see reform/sql.py), counted from official_value, which holds only those.
create or replace macro official_rollup_value_counts(from_date, to_date) as table
    select unit_code, period, count(*) as values_stored
    from official_value
    where period between from_date and to_date
    group by unit_code, period;

-- How many values a unit and everything below it (whatever their validity) stored per quarter,
-- summed from the value table (the definition) ...
create or replace macro scope_period_counts(of_scope) as table
    select v.period, count(*) as values_stored
    from value as v
    where v.unit_code in (select descendant from unit_closure where ancestor = of_scope)
    group by v.period;

-- ... and read from scope_period_count, which the writer keeps.
create or replace macro rollup_scope_period_counts(of_scope) as table
    select period, values_stored
    from scope_period_count
    where scope_code = of_scope;
