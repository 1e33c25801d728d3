-- A fingerprint of the stored data that changes with every upload, for cache keys,
-- and when the data last changed. cache_version also changes with every approval transition (the
-- official figures and the states change then, not the values) and with every change of the reference
-- tables (unit register, catalogue, index weights, entry window: meta's reference_version), read from the
-- store so that every process and replica keys its caches anew after a change made on any of them.
-- Returns: last_upload_id, uploads, last_changed, reference_version, cache_version (one row). No parameters.
with reference as (
    select coalesce(max(cast(value as bigint)), 0) as version,
    from meta
    where key = 'reference_version'
),

transitions as (
    select coalesce(max(id), 0) as last_id,
    from report_transition
)

select
    coalesce(max(u.id), 0) as last_upload_id,
    count(u.id) as uploads,
    max(u.created_at) as last_changed,
    any_value(r.version) as reference_version,
    -- one number of the three (DuckDB's hash is the same in every process); half of it, to fit a bigint
    cast(hash(coalesce(max(u.id), 0), any_value(t.last_id), any_value(r.version)) >> 1 as bigint) as cache_version,
from reference as r
cross join transitions as t
left join upload as u on true
