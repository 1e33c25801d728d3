-- The staged rows that would change something, for the dry-run table (old → new).
-- Returns: unit_code, period, indicator_code, old_value, value, status. No parameters.
select unit_code, period, indicator_code, old_value, value, status
from staged
where status <> 'unchanged'
order by unit_code, period, indicator_code
