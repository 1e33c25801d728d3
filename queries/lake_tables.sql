-- The tables of a DuckLake as its catalog lists them now.
-- Returns: table_id, table_name (one row per table). $lake VARCHAR  the lake's catalog name
select table_id, table_name
from ducklake_table_info($lake)
order by table_id
