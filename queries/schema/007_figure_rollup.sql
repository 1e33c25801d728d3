-- Figures added up in advance, so that the analysis pages do not sum millions of values per view.
-- Maintained by the writer (reform/rollup.py, called inside every write's transaction); the
-- definitions the rollup must equal are the macros of R_figure_macros.sql.
--
-- An epoch is a run of quarters in which the same units are in force: it starts at the first
-- quarter start on or after a valid_from or valid_to + 1 day, and lasts until the next one.
-- For a quarter start in an epoch, group_weights gives the same weights as at the epoch's start.
create table figure_epoch (
    as_of date not null,               -- a quarter start
    until date,                        -- the next epoch's as_of; null for the last one
);

-- group_weights(scope, as_of, 0) of each unit in force at an epoch's start whose figure is more than
-- its own values: it has units below it, or it stands in for older units through the lineage.
-- Every other unit's figure is its own values, read from value.
create table figure_weight (
    as_of date not null,
    scope_code varchar not null,
    unit_code varchar not null,
    w double not null,
);

-- The (numerator, denominator) pairs of the catalogue's rates when the rollup was made.
create table figure_pair (
    numerator varchar not null,
    denominator varchar not null,
);

-- Per epoch, scope, quarter and indicator, the sums group_quarter_figures makes from values:
-- base indicator (pair_code null): num = Σ w·value, den = Σ w (the reporting units; flags divide by it);
-- rate pair (pair_code = denominator): over the units that reported both, num = Σ w·numerator,
-- den = Σ w·denominator. units_reported counts the units with a weight that reported.
-- An epoch holds the quarters before its until (queries never ask later quarters of an epoch).
create table figure_rollup (
    as_of date not null,
    scope_code varchar not null,
    period date not null,
    indicator_code varchar not null,   -- base indicator, or the rate's numerator
    pair_code varchar,                 -- null, or the rate's denominator
    num double not null,
    den double not null,
    units_reported bigint not null,
);

-- How many values each unit stored for each quarter (completeness, units reported, periods with data).
create table unit_period_count (
    unit_code varchar not null,
    period date not null,
    values_stored bigint not null,
);

-- Backfill from what the database already holds (the same statements as queries/rollup_*.sql,
-- over every stored quarter).
insert into figure_epoch
with
boundaries as (
    select valid_from as b from units
    union
    select cast(valid_to + interval 1 day as date) from units where valid_to is not null
),
starts as (
    select distinct
        case
            when b = cast(date_trunc('quarter', b) as date) then b
            else cast(date_trunc('quarter', b) + interval 3 month as date)
        end as as_of
    from boundaries
)
select as_of, lead(as_of) over (order by as_of) as until
from starts;

insert into figure_weight
with
in_force as (
    select e.as_of, u.code
    from figure_epoch as e
    join units as u on u.valid_from <= e.as_of and (u.valid_to is null or u.valid_to >= e.as_of)
),
today as (
    select g.as_of, g.code as scope_code, c.descendant as unit_code
    from in_force as g
    join unit_closure as c on c.ancestor = g.code
    join in_force as f on f.as_of = g.as_of and f.code = c.descendant
    where g.code in (select ancestor from unit_closure where depth > 0 union select new_code from unit_lineage)
),
predecessors as (
    select t.as_of, t.scope_code, l.old_code as unit_code, l.share as w
    from today as t
    join unit_lineage as l on l.new_code = t.unit_code
    where not exists (select 1 from in_force as f where f.as_of = t.as_of and f.code = l.old_code)
),
all_weights as (
    select as_of, scope_code, unit_code, 1.0 as w from today
    union all
    select as_of, scope_code, unit_code, w from predecessors
)
select as_of, scope_code, unit_code, sum(w) as w
from all_weights
group by as_of, scope_code, unit_code
order by as_of, scope_code, unit_code;

insert into figure_pair
select distinct numerator, denominator
from indicator
where type = 'rate';

insert into figure_rollup
with
unit_values as (
    select unit_code, period, indicator_code, value
    from value
),
unit_pairs as (
    select n.unit_code, n.period, p.numerator as indicator_code, p.denominator as pair_code,
        n.value as num, d.value as den
    from figure_pair as p
    join unit_values as n on n.indicator_code = p.numerator
    join unit_values as d on d.indicator_code = p.denominator and d.unit_code = n.unit_code and d.period = n.period
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
order by w.as_of, x.period, w.scope_code, x.indicator_code, x.pair_code;

insert into unit_period_count
select unit_code, period, count(*) as values_stored
from value
group by unit_code, period
order by period, unit_code;
