-- The top of the unit hierarchy (the province), the default scope.
-- Returns: code, name (zero or one row). No parameters.
select code, name
from units
where parent_code is null
order by code
limit 1
