-- Table macros shared by the analysis queries: who is in a scope, and how last
-- year's units map onto today's through the lineage.

-- Units of the scope (the unit and all below it) in force on at_date.
create or replace macro scope_units(scope_code, at_date) as table
    select u.code as unit_code
    from unit_closure as c
    join units as u on u.code = c.descendant
    where c.ancestor = scope_code
      and u.valid_from <= at_date
      and (u.valid_to is null or u.valid_to >= at_date);

-- Weight of every unit whose values count for the scope as it stands on at_date:
-- today's units with weight 1, and the units they replaced with their lineage share
-- ("số liệu cùng kỳ quy đổi theo địa giới mới").
create or replace macro scope_weights(scope_code, at_date) as table
    with
    today as (
        select unit_code from scope_units(scope_code, at_date)
    ),
    predecessors as (
        select l.old_code as unit_code, l.share as w
        from unit_lineage as l
        join today as t on t.unit_code = l.new_code
        where l.old_code not in (select unit_code from today)
    ),
    all_weights as (
        select unit_code, 1.0 as w from today
        union all
        select unit_code, w from predecessors
    )
    select unit_code, sum(w) as w
    from all_weights
    group by unit_code;

-- Values of the scope's units (and of the units they replaced) with their weight.
create or replace macro scope_facts(scope_code, at_date, from_date, to_date) as table
    select v.unit_code, v.period, v.indicator_code, v.value, w.w
    from value as v
    join scope_weights(scope_code, at_date) as w using (unit_code)
    where v.period between from_date and to_date;

-- Per quarter and indicator (base and derived rate), a numerator and a denominator:
-- flow and stock: num = Σ w·value, den = null;
-- flag: num = Σ w·value (units with "Có"), den = Σ w (reporting units);
-- rate: num = Σ w·numerator, den = Σ w·denominator, over the units that reported both,
-- so that a rate is always recomputed from sums and never averaged.
create or replace macro quarter_figures(scope_code, at_date, from_date, to_date) as table
    with
    facts as (
        select * from scope_facts(scope_code, at_date, from_date, to_date)
    ),
    base as (
        select
            f.period,
            f.indicator_code,
            sum(f.value * f.w) as num,
            case when any_value(i.type) = 'flag' then sum(f.w) end as den,
            count(distinct f.unit_code) as units_reported,
        from facts as f
        join indicator as i on i.code = f.indicator_code
        group by f.period, f.indicator_code
    ),
    rates as (
        select
            n.period,
            r.code as indicator_code,
            sum(n.value * n.w) as num,
            sum(d.value * d.w) as den,
            count(distinct n.unit_code) as units_reported,
        from indicator as r
        join facts as n on n.indicator_code = r.numerator
        join facts as d
            on d.indicator_code = r.denominator
            and d.unit_code = n.unit_code
            and d.period = n.period
        where r.type = 'rate'
        group by n.period, r.code
    )
    select * from base
    union all
    select * from rates;

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
