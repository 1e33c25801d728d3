-- Stage the rows of an upload (relation `incoming`: unit_code, period, indicator_code, value)
-- against what is stored, into the temp table `staged`:
-- unit_code, period, indicator_code, value, old_value, old_upload_id, status (new | changed | unchanged).
-- No parameters.
create or replace temp table staged as
select
    i.unit_code,
    i.period,
    i.indicator_code,
    i.value,
    v.value as old_value,
    v.upload_id as old_upload_id,
    case
        when v.value is null then 'new'
        when v.value = i.value then 'unchanged'
        else 'changed'
    end as status,
from incoming as i
left join value as v using (unit_code, period, indicator_code)
