-- The id of the next upload: one more than the largest (run under the writers' lock, in the write's transaction).
-- Returns: id (one row). No parameters.
select coalesce(max(id), 0) + 1 as id
from upload
