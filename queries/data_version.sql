-- A fingerprint of the stored data that changes with every upload, for cache keys,
-- and when the data last changed.
-- Returns: last_upload_id, uploads, last_changed (one row). No parameters.
select
    coalesce(max(id), 0) as last_upload_id,
    count(*) as uploads,
    max(created_at) as last_changed,
from upload
