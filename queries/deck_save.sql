-- Save a deck's choice of slides under its name (new, or replacing the slides of that name);
-- a frozen deck keeps its frozen figures.
-- Returns nothing.
-- $deck VARCHAR         the deck's name
-- $scope VARCHAR        unit code of the scope
-- $period VARCHAR       period code (2025-Q3, 2025-H1, ...)
-- $spec VARCHAR         JSON of the slides
-- $updated_at TIMESTAMP when
insert into deck (name, scope, period, spec, updated_at)
values ($deck, $scope, $period, $spec, $updated_at)
on conflict (name) do update set
    scope = excluded.scope,
    period = excluded.period,
    spec = excluded.spec,
    updated_at = excluded.updated_at
