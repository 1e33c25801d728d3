-- Maintenance of a DuckLake (python -m reform maintain): write rows kept inline in the catalog to Parquet.
-- Returns: one row per table flushed. $lake VARCHAR  the lake's catalog name (current_database())
call ducklake_flush_inlined_data($lake)
