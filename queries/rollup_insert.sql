-- Sum the values of the given quarters into figure_rollup, per epoch, scope, quarter and indicator:
-- base indicator: num = Σ w·value, den = Σ w; rate pair (pair_code = denominator): over the units
-- that reported both, num = Σ w·numerator, den = Σ w·denominator; units_reported = count.
-- An epoch gets only the quarters before its until. Returns nothing.
-- $periods DATE[]  first days of the quarters
-- Every join is written with its small side on the right, the side to build the hash table on:
-- reform/rollup.py runs this with DuckDB's own choice of that side turned off (db.joins_as_written),
-- because inside the write transaction the new values have no statistics yet (a national quarter
-- counts as none) and DuckDB built its hash tables on the millions of values instead of the weights.
insert into figure_rollup
with
unit_values as (
    select unit_code, period, indicator_code, value
    from value
    where period in (select unnest(cast($periods as date[])))
),
-- the pairs by grouping, not by joining the values to themselves (without statistics that plan took
-- 14 s and 12 GiB for a national quarter); grouped by a number per pair rather than two texts
pairs as (
    select row_number() over (order by numerator, denominator) as pair, numerator, denominator
    from figure_pair
),
pair_roles as (
    select numerator as indicator_code, pair, true as is_numerator
    from pairs
    union all
    select denominator, pair, false
    from pairs
),
pair_values as (
    select
        v.unit_code,
        v.period,
        r.pair,
        case when r.is_numerator then v.value end as num,
        case when not r.is_numerator then v.value end as den,
    from unit_values as v
    join pair_roles as r using (indicator_code)
),
paired as (
    select unit_code, period, pair, max(num) as num, max(den) as den
    from pair_values
    group by unit_code, period, pair
    having max(num) is not null and max(den) is not null
),
unit_pairs as (
    select x.unit_code, x.period, p.numerator as indicator_code, p.denominator as pair_code, x.num, x.den
    from paired as x
    join pairs as p using (pair)
),
-- each epoch's weights with the quarter its epoch ends before, joined once, not once per value
epoch_weights as (
    select w.as_of, w.scope_code, w.unit_code, w.w, e.until
    from figure_weight as w
    join figure_epoch as e on e.as_of = w.as_of
),
base_sums as (
    select
        w.as_of,
        w.scope_code,
        v.period,
        v.indicator_code,
        cast(null as varchar) as pair_code,
        sum(v.value * w.w) as num,
        sum(1.0 * w.w) as den,
        count(*) as units_reported,
    from unit_values as v
    join epoch_weights as w using (unit_code)
    where w.until is null or v.period < w.until
    group by w.as_of, w.scope_code, v.period, v.indicator_code
),
pair_sums as (
    select
        w.as_of,
        w.scope_code,
        x.period,
        x.indicator_code,
        x.pair_code,
        sum(x.num * w.w) as num,
        sum(x.den * w.w) as den,
        count(*) as units_reported,
    from unit_pairs as x
    join epoch_weights as w using (unit_code)
    where w.until is null or x.period < w.until
    group by w.as_of, w.scope_code, x.period, x.indicator_code, x.pair_code
),
all_sums as (
    select * from base_sums
    union all
    select * from pair_sums
)
select as_of, scope_code, period, indicator_code, pair_code, num, den, units_reported
from all_sums
order by as_of, period, scope_code, indicator_code, pair_code
