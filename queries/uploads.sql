-- Every upload, newest first.
-- Returns: id, created_at, user_name, file_name, layout, rows, inserted, updated, unchanged, status. No parameters.
select id, created_at, user_name, file_name, layout, rows, inserted, updated, unchanged, status
from upload
order by id desc
