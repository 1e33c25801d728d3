-- The units of a scope in force in a quarter that have not reported every base indicator of the
-- catalogue (counts kept by the writer: rollup_value_counts), with the unit directly above each.
-- status: missing (nothing) or partial (some); missing first, then by the unit above and the name.
-- Returns: unit_code, name, parent_name, status, indicators_reported, indicators_expected
-- $scope VARCHAR   unit code; the scope is that unit and every unit below it
-- $quarter DATE    the quarter (first day)
with
expected as (
    select count(*) as n
    from indicator
    where type <> 'rate'
),
in_force as (
    select u.code, u.name, u.parent_code
    from unit_closure as c
    join units as u on u.code = c.descendant
    where c.ancestor = $scope
      and u.valid_from <= $quarter
      and (u.valid_to is null or u.valid_to >= $quarter)
),
behind as (
    select
        f.code as unit_code,
        f.name,
        f.parent_code,
        coalesce(v.values_stored, 0) as indicators_reported,
        e.n as indicators_expected,
    from in_force as f
    cross join expected as e
    left join rollup_value_counts($quarter, $quarter) as v on v.unit_code = f.code
    where coalesce(v.values_stored, 0) < e.n
)
select
    b.unit_code,
    b.name,
    p.name as parent_name,
    case when b.indicators_reported = 0 then 'missing' else 'partial' end as status,
    b.indicators_reported,
    b.indicators_expected,
from behind as b
left join units as p on p.code = b.parent_code
order by status, p.name nulls first, b.name, b.unit_code
