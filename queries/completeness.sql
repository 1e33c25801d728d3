-- Who reported what: every unit of a scope in force in each quarter, with how many of the
-- catalogue's base indicators it reported (counts kept by the writer: rollup_value_counts). status: reported (all), partial (some), missing (none).
-- Returns: unit_code, name, depth, period, indicators_reported, indicators_expected, status
-- $scope VARCHAR  unit code; the scope is that unit and every unit below it
-- $start DATE     first quarter (first day)
-- $end DATE       last quarter (first day)
with
quarters as (
    select distinct period
    from rollup_value_counts($start, $end)
),
expected as (
    select count(*) as n
    from indicator
    where type <> 'rate'
),
in_scope as (
    select u.code, u.name, c.depth, q.period
    from unit_closure as c
    join units as u on u.code = c.descendant
    cross join quarters as q
    where c.ancestor = $scope
      and u.valid_from <= q.period
      and (u.valid_to is null or u.valid_to >= q.period)
),
counted as (
    select v.unit_code, v.period, v.values_stored as n
    from rollup_value_counts($start, $end) as v
    where v.unit_code in (select code from in_scope)
)
select
    s.code as unit_code,
    s.name,
    s.depth,
    s.period,
    coalesce(k.n, 0) as indicators_reported,
    e.n as indicators_expected,
    case
        when coalesce(k.n, 0) = 0 then 'missing'
        when k.n < e.n then 'partial'
        else 'reported'
    end as status,
from in_scope as s
cross join expected as e
left join counted as k on k.unit_code = s.code and k.period = s.period
order by s.period, s.depth, s.code
