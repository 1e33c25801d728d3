-- Remove the official values of the given quarters (before they are copied again). Returns nothing.
-- $periods DATE[]  first days of the quarters
delete from official_value
where period in (select unnest(cast($periods as date[])))
