-- Maintenance of a DuckLake: forget snapshots older than the given age (time travel before it ends).
-- Returns: one row per expired snapshot. $lake VARCHAR  the catalog name; $older_than TIMESTAMPTZ  the cutoff
call ducklake_expire_snapshots($lake, older_than => $older_than)
