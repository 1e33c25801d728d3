-- The quarters marked out of date in the kept index, each once.
-- Returns: official (BOOLEAN), period (DATE), in order
-- No parameters.
select distinct official, period
from index_stale
order by official, period
