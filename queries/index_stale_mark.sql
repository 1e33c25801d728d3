-- Mark quarters of one variant out of date in the kept index (their rows are removed by index_score_delete;
-- the readers score them on the spot until index_store.catch_up scores them again). Returns nothing.
-- $official BOOLEAN   the official variant (true) or the working one
-- $periods DATE[]     the quarters (first days)
insert into index_stale
select $official, period
from (select unnest(cast($periods as date[])) as period)
