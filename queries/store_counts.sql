-- How many staged rows are new, changed and unchanged.
-- Returns: status, n (one row per status present). No parameters.
select status, count(*) as n
from staged
group by status
