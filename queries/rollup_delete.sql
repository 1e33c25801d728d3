-- Remove the rollup's rows of the given quarters (before they are summed again).
-- Returns nothing.
-- $periods DATE[]  first days of the quarters
delete from figure_rollup
where period in (select unnest(cast($periods as date[])))
