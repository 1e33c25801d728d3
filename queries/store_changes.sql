-- The rows of an upload (relation `incoming`) that would change something, for the dry-run table (old → new).
-- Returns: unit_code, period, indicator_code, old_value, value, status (new | changed).
-- $periods DATE[]  the quarters of the upload (first days): only their stored values are compared
with
stored as (
    select unit_code, period, indicator_code, value
    from value
    where period in (select unnest(cast($periods as date[])))
)
select
    i.unit_code,
    i.period,
    i.indicator_code,
    v.value as old_value,
    i.value,
    case when v.value is null then 'new' else 'changed' end as status,
from incoming as i
left join stored as v using (unit_code, period, indicator_code)
where v.value is null or v.value is distinct from i.value
order by i.unit_code, i.period, i.indicator_code
