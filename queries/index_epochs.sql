-- The epochs of the unit register (runs of quarters with the same units in force), for the writer to
-- score the quarters of one epoch in one statement (index_quarters.sql).
-- Returns: as_of (DATE), first quarter of each epoch, in order. No parameters.
select as_of
from figure_epoch
order by as_of
