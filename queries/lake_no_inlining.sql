-- Store every write of a new DuckLake (attached as "lake") in Parquet files, none inline in the catalog
-- (a setting kept in the catalog). Returns nothing. No parameters.
call lake.set_option('data_inlining_row_limit', 0)
