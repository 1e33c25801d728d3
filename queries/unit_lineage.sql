-- The lineage of merged and split units. Returns: old_code, new_code, share. No parameters.
select old_code, new_code, share
from unit_lineage
order by old_code, new_code
