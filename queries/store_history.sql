-- Append the changes in `staged` (new and changed values) to value_history.
-- $upload_id INTEGER  the upload making the change
-- $changed_at TIMESTAMP
insert into value_history
select
    $upload_id,
    unit_code,
    period,
    indicator_code,
    old_value,
    value,
    old_upload_id,
    $changed_at,
from staged
where status <> 'unchanged'
