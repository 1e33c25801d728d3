-- Whether a person may see a unit: a grant of any role over it or a unit above it, or quản trị.
-- Returns: allowed (boolean, one row).
-- $person_id INTEGER  the person
-- $unit VARCHAR       the unit asked about
select exists (
    select 1
    from person_grant as g
    left join unit_closure as c on c.ancestor = g.unit_code and c.descendant = $unit
    where g.person_id = $person_id
      and (g.role = 'quantri' or c.descendant is not null)
) as allowed
