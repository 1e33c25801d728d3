-- Remove the like-for-like rows of the given quarters (before they are summed again).
-- Returns nothing.
-- $periods DATE[]  first days of the quarters (the current side of the comparison)
delete from figure_compared
where period in (select unnest(cast($periods as date[])))
