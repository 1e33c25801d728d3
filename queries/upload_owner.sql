-- Who made an upload. Returns: person_id (null: the command line, a guest, or before sign-in existed),
-- status. No row: no such upload.
-- $upload_id INTEGER  the upload
select person_id, status
from upload
where id = $upload_id
