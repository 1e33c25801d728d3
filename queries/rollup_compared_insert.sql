-- Sum the like-for-like comparison of the given quarters into figure_compared, per epoch, scope,
-- quarter and indicator: over the units in force at the epoch that reported the indicator (a rate
-- pair: both parts) in the quarter and in the same quarter a year earlier, each unit carrying the
-- units it replaced through the lineage (unit_sources in queries/schema/R_figure_macros.sql):
-- num, den of the quarter, num_prev, den_prev of the year before, units_compared = count.
-- Only the scopes of figure_weight (the groups the rollup holds); an epoch gets only the quarters
-- before its until. Returns nothing.
-- $periods DATE[]  first days of the quarters (the current side of the comparison)
-- Joins are written with their small side on the right (see rollup_insert.sql).
insert into figure_compared
with
asked as (
    select unnest(cast($periods as date[])) as period
),
stored_periods as (  -- which of the quarters read hold values: a scan of their period column only
    select distinct period
    from value
    where period in (select period from asked union select cast(period - interval 1 year as date) from asked)
),
-- a quarter with no values, or none a year earlier, compares nothing: neither side is read for it (the first
-- upload of a quarter a year after the last, or of a first year, sums nothing here)
wanted as (
    select period
    from asked
    where period in (select period from stored_periods)
      and cast(period - interval 1 year as date) in (select period from stored_periods)
),
read_periods as (
    select period from wanted
    union
    select cast(period - interval 1 year as date) from wanted
),
unit_values as (
    select unit_code, period, indicator_code, value
    from value
    where period in (select period from read_periods)
),
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
source_rows as (
    select unit_code as source_code, period, indicator_code, '' as pair_code, value as num, 1.0 as den
    from unit_values
    union all
    select x.unit_code, x.period, p.numerator, p.denominator, x.num, x.den
    from paired as x
    join pairs as p using (pair)
),
in_force as (
    select e.as_of, e.until, u.code
    from figure_epoch as e
    join units as u on u.valid_from <= e.as_of and (u.valid_to is null or u.valid_to >= e.as_of)
),
merged as (  -- per epoch, the units in force that stand for units no longer in force, with their shares
    select f.as_of, f.until, l.new_code as unit_code, l.old_code as source_code, l.share as w
    from in_force as f
    join unit_lineage as l on l.new_code = f.code
    where not exists (select 1 from in_force as g where g.as_of = f.as_of and g.code = l.old_code)
),
merged_sources as (
    select as_of, until, unit_code, source_code, w from merged
    union all
    select distinct as_of, until, unit_code, unit_code, 1.0 from merged
),
-- a unit that replaced no other is its own figure: no grouping for the many such units, the cost of
-- this statement (grouping every value again took most of its time)
unit_rows as (
    select f.as_of, r.source_code as unit_code, r.period, r.indicator_code, r.pair_code, r.num, r.den
    from source_rows as r
    join in_force as f on f.code = r.source_code
    where (f.until is null or r.period < f.until)
      and not exists (select 1 from merged as m where m.as_of = f.as_of and m.unit_code = f.code)
    union all
    select
        s.as_of,
        s.unit_code,
        r.period,
        r.indicator_code,
        r.pair_code,
        sum(r.num * s.w) as num,
        sum(r.den * s.w) as den,
    from source_rows as r
    join merged_sources as s on s.source_code = r.source_code
    where s.until is null or r.period < s.until
    group by s.as_of, s.unit_code, r.period, r.indicator_code, r.pair_code
),
current_rows as (
    select *
    from unit_rows
    where period in (select period from wanted)
),
previous_rows as (
    select *
    from unit_rows
    where period in (select cast(period - interval 1 year as date) from wanted)
),
both_years as (
    select c.as_of, c.unit_code, c.period, c.indicator_code, c.pair_code,
        c.num, c.den, p.num as num_prev, p.den as den_prev
    from previous_rows as p
    join current_rows as c
        on c.as_of = p.as_of
        and c.unit_code = p.unit_code
        and c.indicator_code = p.indicator_code
        and c.pair_code = p.pair_code
        and c.period = cast(p.period + interval 1 year as date)
),
scopes as (  -- the groups the rollup holds at each epoch
    select distinct as_of, scope_code
    from figure_weight
),
members as (
    select s.as_of, s.scope_code, c.descendant as unit_code
    from unit_closure as c
    join scopes as s on s.scope_code = c.ancestor
)
select
    m.as_of,
    m.scope_code,
    b.period,
    b.indicator_code,
    nullif(b.pair_code, '') as pair_code,
    sum(b.num) as num,
    sum(b.den) as den,
    sum(b.num_prev) as num_prev,
    sum(b.den_prev) as den_prev,
    count(*) as units_compared,
from both_years as b
join members as m on m.as_of = b.as_of and m.unit_code = b.unit_code
group by m.as_of, m.scope_code, b.period, b.indicator_code, b.pair_code
order by m.as_of, b.period, m.scope_code, b.indicator_code, pair_code
