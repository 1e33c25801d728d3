-- Whether a person may see a unit: a grant of any role over it or a unit above it, or quản trị.
-- Returns: allowed (boolean, one row).
-- $person_id INTEGER  the person
-- $unit VARCHAR       the unit asked about
with
mine as (
    select role, unit_code from person_grant where person_id = $person_id
),
above as (
    select ancestor from unit_closure where descendant = $unit
)
select
    exists (select 1 from mine where role = 'quantri')
    or exists (select 1 from mine join above on above.ancestor = mine.unit_code) as allowed
