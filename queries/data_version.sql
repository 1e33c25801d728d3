-- A fingerprint of the stored data that changes with every upload, for cache keys,
-- and when the data last changed. cache_version also changes with every approval transition (the
-- official figures and the states change then, not the values).
-- Returns: last_upload_id, uploads, last_changed, cache_version (one row). No parameters.
select
    coalesce(max(id), 0) as last_upload_id,
    count(*) as uploads,
    max(created_at) as last_changed,
    cast(coalesce(max(id), 0) as bigint) * 1000000000
        + (select coalesce(max(id), 0) from report_transition) as cache_version,
from upload
