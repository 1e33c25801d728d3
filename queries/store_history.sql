-- Append the rows of an upload (relation `incoming`) that are new or change a stored value to value_history,
-- with the value they replace and the upload it came from (run before store_update and store_insert).
-- $upload_id INTEGER  the upload making the change
-- $changed_at TIMESTAMP
-- $periods DATE[]  the quarters of the upload (first days)
insert into value_history
with
stored as (
    select unit_code, period, indicator_code, value, upload_id
    from value
    where period in (select unnest(cast($periods as date[])))
)
select
    $upload_id,
    i.unit_code,
    i.period,
    i.indicator_code,
    v.value,
    i.value,
    v.upload_id,
    $changed_at,
from incoming as i
left join stored as v using (unit_code, period, indicator_code)
where v.value is null or v.value is distinct from i.value
