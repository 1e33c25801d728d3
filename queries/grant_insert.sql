-- Give a person a role over a unit (nothing happens when they hold it already). Returns nothing.
-- $person_id INTEGER     the person
-- $role VARCHAR          xem | nhap | duyet | quantri
-- $unit VARCHAR          the unit (its subtree); null for quantri
-- $at TIMESTAMP          when
-- $by VARCHAR            who granted it
insert into person_grant (person_id, role, unit_code, granted_at, granted_by)
select $person_id, $role, $unit, $at, $by
where not exists (
    select 1 from person_grant
    where person_id = $person_id and role = $role and unit_code is not distinct from $unit
)
