-- Overwrite the stored values that the rows of an upload (relation `incoming`) change.
-- $upload_id INTEGER  the upload the new values come from
-- $periods DATE[]  the quarters of the upload (first days)
with
stored as (
    select unit_code, period, indicator_code, value
    from value
    where period in (select unnest(cast($periods as date[])))
),
changed as (
    select i.unit_code, i.period, i.indicator_code, i.value
    from incoming as i
    join stored as v using (unit_code, period, indicator_code)
    where v.value is distinct from i.value
)
update value
set value = c.value, upload_id = $upload_id
from changed as c
where value.unit_code = c.unit_code
  and value.period = c.period
  and value.indicator_code = c.indicator_code
