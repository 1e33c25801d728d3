-- Who reported what, for the $limit units of a scope with the most gaps: each unit in force in each
-- quarter with how many of the catalogue's base indicators it reported (counts kept by the writer:
-- rollup_value_counts). A missing quarter counts two gaps and a partial one one; ties by depth and code.
-- status: reported (all), partial (some), missing (none).
-- Returns: unit_code, name, depth, period, indicators_reported, indicators_expected, status,
--          units (how many units of the scope were in force in these quarters, before the limit)
-- $scope VARCHAR   unit code; the scope is that unit and every unit below it
-- $start DATE      first quarter (first day)
-- $end DATE        last quarter (first day)
-- $limit INTEGER   at most this many units
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
scope as (
    select u.code, u.name, c.depth, u.valid_from, u.valid_to
    from unit_closure as c
    join units as u on u.code = c.descendant
    where c.ancestor = $scope
),
in_force as (
    select s.code as unit_code, count(*) as quarters
    from scope as s
    join quarters as q on q.period >= s.valid_from and (s.valid_to is null or q.period <= s.valid_to)
    group by s.code
),
reporting as (
    select
        v.unit_code,
        count(*) as reported,
        count(*) filter (where v.values_stored >= (select n from expected)) as complete,
    from rollup_value_counts($start, $end) as v
    join scope as s on s.code = v.unit_code
    where v.period >= s.valid_from and (s.valid_to is null or v.period <= s.valid_to)
    group by v.unit_code
),
worst as (
    select f.unit_code, count(*) over () as units
    from in_force as f
    join scope as s on s.code = f.unit_code
    left join reporting as r using (unit_code)
    order by 2 * f.quarters - coalesce(r.reported, 0) - coalesce(r.complete, 0) desc, s.depth, f.unit_code
    limit $limit
),
grid as (
    select s.code as unit_code, s.name, s.depth, q.period, w.units
    from worst as w
    join scope as s on s.code = w.unit_code
    join quarters as q on q.period >= s.valid_from and (s.valid_to is null or q.period <= s.valid_to)
)
select
    g.unit_code,
    g.name,
    g.depth,
    g.period,
    coalesce(v.values_stored, 0) as indicators_reported,
    e.n as indicators_expected,
    case
        when coalesce(v.values_stored, 0) = 0 then 'missing'
        when v.values_stored < e.n then 'partial'
        else 'reported'
    end as status,
    g.units,
from grid as g
cross join expected as e
left join rollup_value_counts($start, $end) as v on v.unit_code = g.unit_code and v.period = g.period
order by g.period, g.depth, g.unit_code
