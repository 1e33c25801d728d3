-- Remove the marks of some quarters of one variant (after they are scored again). Returns nothing.
-- $official BOOLEAN  the variant
-- $periods DATE[]    the quarters (first days)
delete from index_stale
where official = $official
  and list_contains(cast($periods as date[]), period)
