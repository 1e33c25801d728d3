-- Save a deck's choice of slides under its name (new, or replacing the slides of that name);
-- a frozen deck keeps its frozen figures. A merge: the table has no key (a DuckLake catalog has none).
-- Returns nothing.
-- $deck VARCHAR         the deck's name
-- $scope VARCHAR        unit code of the scope
-- $period VARCHAR       period code (2025-Q3, 2025-H1, ...)
-- $spec VARCHAR         JSON of the slides
-- $updated_at TIMESTAMP when
merge into deck as d
using (select $deck as name, $scope as scope, $period as period, $spec as spec, $updated_at as updated_at) as s
on d.name = s.name
when matched then update set scope = s.scope, period = s.period, spec = s.spec, updated_at = s.updated_at
when not matched then insert (name, scope, period, spec, updated_at)
    values (s.name, s.scope, s.period, s.spec, s.updated_at)
