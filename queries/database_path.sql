-- The file of the connection's current database (the writers' lock is kept per file).
-- Returns: path, type (one row; path null for a database in memory; type duckdb or ducklake, whose path is
-- its catalog, e.g. postgres:dbname=…). No parameters.
select path, type
from duckdb_databases()
where database_name = current_database()
