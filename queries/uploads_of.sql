-- One person's uploads, newest first (what Lịch sử tải lên lists for someone who is not quản trị).
-- Returns: id, created_at, user_name, file_name, layout, rows, inserted, updated, unchanged, status
-- $person_id INTEGER  the person
select id, created_at, user_name, file_name, layout, rows, inserted, updated, unchanged, status
from upload
where person_id = $person_id
order by id desc
