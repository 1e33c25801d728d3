-- The id of a DuckLake's latest snapshot (every commit makes one).
-- Returns: id (one row). $lake VARCHAR  the lake's catalog name (current_database(), or its attached name)
select id
from ducklake_current_snapshot($lake)
