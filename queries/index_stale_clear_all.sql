-- Remove every mark (a rebuild of the whole kept index makes every quarter current). Returns nothing.
-- No parameters.
delete from index_stale
