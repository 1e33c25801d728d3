-- What one upload changed: each value it inserted or replaced, with the value it replaced.
-- Returns: unit_code, period, indicator_code, old_value, new_value, old_upload_id, current_value
-- $upload_id INTEGER
select
    h.unit_code,
    h.period,
    h.indicator_code,
    h.old_value,
    h.new_value,
    h.old_upload_id,
    v.value as current_value,
from value_history as h
left join value as v using (unit_code, period, indicator_code)
where h.upload_id = $upload_id
order by h.unit_code, h.period, h.indicator_code
