-- The folder of a DuckLake's data files, as its catalog stores it.
-- Returns: data_path (one row). $lake VARCHAR  the lake's catalog name (current_database())
select data_path
from ducklake_settings($lake)
