-- Maintenance of a DuckLake: delete files no snapshot uses any more, scheduled for deletion before the cutoff
-- (a query running since then may still read newer ones). Never the cleanup_all form, and never orphaned files:
-- that deleted a concurrent writer's not yet committed file.
-- Returns: one row per deleted file. $lake VARCHAR  the catalog name; $older_than TIMESTAMPTZ  the cutoff
call ducklake_cleanup_old_files($lake, older_than => $older_than)
