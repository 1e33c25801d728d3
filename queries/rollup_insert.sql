-- Sum the values of the given quarters into figure_rollup, per epoch, scope, quarter and indicator:
-- base indicator: num = Σ w·value, den = Σ w; rate pair (pair_code = denominator): over the units
-- that reported both, num = Σ w·numerator, den = Σ w·denominator; units_reported = count.
-- An epoch gets only the quarters before its until. Returns nothing.
-- $periods DATE[]  first days of the quarters
insert into figure_rollup
with
unit_values as (
    select unit_code, period, indicator_code, value
    from value
    where period in (select unnest(cast($periods as date[])))
),
-- the pairs by grouping, not by joining the values to themselves: inside the write transaction the
-- new values have no statistics yet, and the self-join plan took 14 s and 12 GiB for a national quarter
pair_values as (
    select v.unit_code, v.period, p.numerator, p.denominator, v.value as num, cast(null as double) as den
    from figure_pair as p
    join unit_values as v on v.indicator_code = p.numerator
    union all
    select v.unit_code, v.period, p.numerator, p.denominator, cast(null as double) as num, v.value as den
    from figure_pair as p
    join unit_values as v on v.indicator_code = p.denominator
),
unit_pairs as (
    select unit_code, period, numerator as indicator_code, denominator as pair_code, max(num) as num,
        max(den) as den
    from pair_values
    group by unit_code, period, numerator, denominator
    having max(num) is not null and max(den) is not null
),
unit_rows as (
    select unit_code, period, indicator_code, cast(null as varchar) as pair_code, value as num, 1.0 as den
    from unit_values
    union all
    select unit_code, period, indicator_code, pair_code, num, den
    from unit_pairs
)
select
    w.as_of,
    w.scope_code,
    x.period,
    x.indicator_code,
    x.pair_code,
    sum(x.num * w.w) as num,
    sum(x.den * w.w) as den,
    count(*) as units_reported,
from unit_rows as x
join figure_weight as w using (unit_code)
join figure_epoch as e on e.as_of = w.as_of
where e.until is null or x.period < e.until
group by w.as_of, w.scope_code, x.period, x.indicator_code, x.pair_code
order by w.as_of, x.period, w.scope_code, x.indicator_code, x.pair_code
