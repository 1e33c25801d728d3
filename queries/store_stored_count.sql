-- How many values are stored in the given quarters (what an upload to them is compared with).
-- Returns: n (BIGINT, one row).
-- $periods DATE[]  first days of the quarters
select count(*) as n
from value
where period in (select unnest(cast($periods as date[])))
