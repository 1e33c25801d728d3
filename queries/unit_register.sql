-- The unit register. Returns: code, name, type, parent_code, valid_from, valid_to. No parameters.
select code, name, type, parent_code, valid_from, valid_to
from units
order by code
