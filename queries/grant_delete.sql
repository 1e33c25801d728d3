-- Take grants away from a person: those of a role and/or a unit, or all of them (queries/grant_matching.sql
-- lists them first: a DuckLake table has no "delete … returning"). Returns nothing.
-- $person_id INTEGER  the person
-- $role VARCHAR       only this role; null: any
-- $unit VARCHAR       only grants over this unit; null: any
delete from person_grant
where person_id = $person_id
  and ($role is null or role = $role)
  and ($unit is null or unit_code = $unit)
