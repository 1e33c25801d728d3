-- Units in force on a date, in register order, for templates.
-- Returns: code, name, type, parent_code
-- $at DATE  the day (first day of the quarter)
select code, name, type, parent_code
from units
where valid_from <= $at
  and (valid_to is null or valid_to >= $at)
order by case when parent_code is null then 0 else 1 end, code
