-- How many units are in force on a date (the scope picker lists them all when they are few).
-- Returns: units (one row)
-- $at DATE  the day
select count(*) as units
from units
where valid_from <= $at
  and (valid_to is null or valid_to >= $at)
