-- Maintenance of a DuckLake: merge small adjacent Parquet files of each table (many small commits leave many).
-- Returns: one row per merged file. $lake VARCHAR  the lake's catalog name
call ducklake_merge_adjacent_files($lake)
