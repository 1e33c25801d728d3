-- Figures per group of units: the scope itself (depth 0) or each of its children (depth 1),
-- so that the summary of a scope and the ranking of its child units share one definition.

-- Each unit (and each unit it replaced, with its lineage share) counted for each group.
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

-- Per group, quarter and indicator (base and derived rate): num and den as in quarter_figures.
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
            count(distinct f.unit_code) as units_reported,
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
            count(distinct n.unit_code) as units_reported,
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
