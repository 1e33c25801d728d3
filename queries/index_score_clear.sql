-- Remove the whole kept index (before a rebuild of every quarter).
-- No parameters.
delete from index_score
