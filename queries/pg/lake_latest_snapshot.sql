-- PostgreSQL, on a DuckLake's catalog database: the id of the lake's latest snapshot (every commit makes one).
-- What lake_current_snapshot.sql answers through DuckDB, asked of the catalog directly: a fraction of a
-- millisecond against a few, and every page run of every replica asks it.
-- Returns: id (one row). No parameters.
select max(snapshot_id) as id
from ducklake_snapshot
