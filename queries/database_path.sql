-- The file of the connection's current database (the writers' lock is kept per file).
-- Returns: path (one row; null for a database in memory). No parameters.
select path
from duckdb_databases()
where database_name = current_database()
