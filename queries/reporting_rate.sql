-- The reporting rate of a scope per quarter: how many of its units in force reported anything,
-- and how many reported every base indicator of the catalogue (counts kept by the writer:
-- rollup_value_counts). Quarters are those in which any unit stored values.
-- Returns: period, expected, reported, complete, rate (reported / expected in %)
-- $scope VARCHAR  unit code; the scope is that unit and every unit below it
-- $start DATE     first quarter (first day)
-- $end DATE       last quarter (first day)
with
quarters as (
    select distinct period
    from rollup_value_counts($start, $end)
),
base_indicators as (
    select count(*) as n
    from indicator
    where type <> 'rate'
),
scope as (
    select u.code, u.valid_from, u.valid_to
    from unit_closure as c
    join units as u on u.code = c.descendant
    where c.ancestor = $scope
),
counted as (
    select
        k.period,
        count(*) as reported,
        count(*) filter (where k.values_stored >= (select n from base_indicators)) as complete,
    from rollup_value_counts($start, $end) as k
    join scope as s on s.code = k.unit_code
    where s.valid_from <= k.period
      and (s.valid_to is null or s.valid_to >= k.period)
    group by k.period
),
in_force as (
    select q.period, count(*) as expected
    from quarters as q
    cross join scope as s
    where s.valid_from <= q.period
      and (s.valid_to is null or s.valid_to >= q.period)
    group by q.period
)
select
    f.period,
    f.expected,
    coalesce(c.reported, 0) as reported,
    coalesce(c.complete, 0) as complete,
    100.0 * coalesce(c.reported, 0) / f.expected as rate,
from in_force as f
left join counted as c using (period)
order by f.period
