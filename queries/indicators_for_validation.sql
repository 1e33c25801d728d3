-- The catalogue as the upload checks need it.
-- Returns: code, name_vi, type, unit, min_value, max_value, decimals, numerator, denominator. No parameters.
select code, name_vi, type, unit, min_value, max_value, decimals, numerator, denominator
from indicator
order by sort_order
