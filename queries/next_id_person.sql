-- The id of the next person: one more than the largest (run under the writers' lock).
-- Returns: id (one row). No parameters.
select coalesce(max(id), 0) + 1 as id
from person
