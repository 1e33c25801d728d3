-- The quarters the kept index holds for a variant.
-- Returns: period (DATE)
-- $official BOOLEAN  the official variant or the working one
select distinct period
from index_score
where official = $official
order by period
