-- A person's grants. Returns: role, unit_code (null for quantri: every unit).
-- $person_id INTEGER  the person
select role, unit_code
from person_grant
where person_id = $person_id
order by role, unit_code
