-- The figure macros again, counting reporting units with count(*) instead of count(distinct):
-- the writer keeps one row per (unit, period, indicator), and each unit has one weight per group,
-- so the two are equal; count(distinct) was most of the time of a national trend (11.5 s -> 2.9 s).

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
            count(*) as units_reported,
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
            count(*) as units_reported,
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
