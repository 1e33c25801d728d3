-- The history of one stored value: every change, with the upload that made it.
-- Returns: changed_at, upload_id, file_name, user_name, old_value, new_value
-- $unit VARCHAR, $period DATE, $indicator VARCHAR
select h.changed_at, h.upload_id, u.file_name, u.user_name, h.old_value, h.new_value
from value_history as h
join upload as u on u.id = h.upload_id
where h.unit_code = $unit
  and h.period = $period
  and h.indicator_code = $indicator
order by h.changed_at, h.upload_id
