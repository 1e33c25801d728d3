-- Put back the values one upload replaced (the rows of `undo_rows` with an old value).
-- No parameters.
update value
set value = r.old_value, upload_id = r.old_upload_id
from undo_rows as r
where r.old_value is not null
  and value.unit_code = r.unit_code
  and value.period = r.period
  and value.indicator_code = r.indicator_code
