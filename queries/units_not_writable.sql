-- Of a list of unit codes, those a person may not upload for: no nhap grant over the unit or a unit
-- above it (quản trị may upload for every unit). Returns: unit_code.
-- $person_id INTEGER   the person
-- $units VARCHAR[]     the units of the file's rows
with
asked as (
    select distinct unnest($units) as unit_code
),
writable as (
    select c.descendant as unit_code
    from person_grant as g
    join unit_closure as c on c.ancestor = g.unit_code
    where g.person_id = $person_id
      and g.role = 'nhap'
)
select a.unit_code
from asked as a
where not exists (select 1 from person_grant where person_id = $person_id and role = 'quantri')
  and a.unit_code not in (select unit_code from writable)
order by a.unit_code
