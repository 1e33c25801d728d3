-- The grants queries/grant_delete.sql would take away, with the same parameters. Returns: role, unit_code.
-- $person_id INTEGER  the person
-- $role VARCHAR       only this role; null: any
-- $unit VARCHAR       only grants over this unit; null: any
select role, unit_code
from person_grant
where person_id = $person_id
  and ($role is null or role = $role)
  and ($unit is null or unit_code = $unit)
