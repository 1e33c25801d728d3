-- Remove the per-scope value counts of the given quarters (before they are counted again).
-- Returns nothing.
-- $periods DATE[]  first days of the quarters
delete from scope_period_count
where period in (select unnest(cast($periods as date[])))
