-- What each snapshot of a DuckLake after a given one changed, oldest first.
-- Returns: snapshot_id, changes (a map such as {tables_inserted_into=[7, 8]}), one row per snapshot.
-- $lake VARCHAR  the lake's catalog name; $since BIGINT  the snapshot after which to list
select snapshot_id, changes
from ducklake_snapshots($lake)
where snapshot_id > $since
order by snapshot_id
