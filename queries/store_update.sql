-- Overwrite the stored values that `staged` marks as changed.
-- $upload_id INTEGER  the upload the new values come from
update value
set value = s.value, upload_id = $upload_id
from staged as s
where s.status = 'changed'
  and value.unit_code = s.unit_code
  and value.period = s.period
  and value.indicator_code = s.indicator_code
