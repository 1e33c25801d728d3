-- Record an undo in value_history: the current value goes back to what the undone upload replaced.
-- $undo_upload_id INTEGER, $changed_at TIMESTAMP
insert into value_history
select $undo_upload_id, unit_code, period, indicator_code, new_value, old_value, upload_id, $changed_at
from undo_rows
