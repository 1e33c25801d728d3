-- The stored values a scope's figure is made of ("Số liệu này từ đâu?"), one row per unit, quarter and
-- part, with the upload each came from and the state of its unit × quarter: the inputs the figure macros
-- sum (group_weights of the scope at the period's last quarter, lineage shares as weights). A rate's
-- parts are its numerator and denominator, only where the unit reported both in that quarter.
-- Grain: one row per (unit, quarter, indicator read). Returns: unit_code, unit_name, period,
--          indicator_code, role (value | numerator | denominator), value, weight, upload_id, file_name,
--          uploaded_by, uploaded_at, state (open | submitted | approved | locked)
-- $scope VARCHAR       the unit whose figure is explained (it and every unit below it)
-- $indicator VARCHAR   indicator code (base or derived rate)
-- $start DATE          first day of the period's first quarter
-- $end DATE            first day of the period's last quarter
-- $official BOOLEAN    true: approved and locked values only
with
wanted as (
    select code, type, numerator, denominator
    from indicator
    where code = $indicator
),
codes as (
    select code as indicator_code, 'value' as role from wanted where type <> 'rate'
    union all
    select numerator, 'numerator' from wanted where type = 'rate'
    union all
    select denominator, 'denominator' from wanted where type = 'rate'
),
weights as (
    select unit_code, w from group_weights($scope, $end, 0)
),
source as (
    select unit_code, period, indicator_code, value, upload_id from value where not $official
    union all
    select unit_code, period, indicator_code, value, upload_id from official_value where $official
),
facts as (
    select v.unit_code, v.period, v.indicator_code, c.role, v.value, w.w as weight, v.upload_id
    from source as v
    join codes as c using (indicator_code)
    join weights as w using (unit_code)
    where v.period between $start and $end
),
complete as (  -- a rate counts a unit × quarter only when both its parts are there
    select *
    from facts as f
    where f.role = 'value'
       or (select count(distinct g.role) from facts as g where g.unit_code = f.unit_code and g.period = f.period) = 2
)
select
    f.unit_code,
    u.name as unit_name,
    f.period,
    f.indicator_code,
    f.role,
    f.value,
    f.weight,
    f.upload_id,
    p.file_name,
    p.user_name as uploaded_by,
    p.created_at as uploaded_at,
    coalesce(s.state, 'open') as state,
from complete as f
left join units as u on u.code = f.unit_code
left join upload as p on p.id = f.upload_id
left join report_state as s on s.unit_code = f.unit_code and s.period = f.period
order by f.period, f.unit_code, f.role desc
