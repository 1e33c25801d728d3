-- Remove the kept index of some quarters of one variant (before they are scored again).
-- $official BOOLEAN  the official variant (true) or the working one
-- $periods DATE[]    the quarters (first days)
delete from index_score
where official = $official
  and list_contains(cast($periods as date[]), period)
