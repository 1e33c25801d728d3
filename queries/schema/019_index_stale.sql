-- The quarters whose kept index (index_score) is out of date: a write to a large quarter changes its values
-- and rollup in its transaction and marks the quarter (and the quarter a year later) here instead of scoring
-- every peer there; the writer scores them right after that transaction commits (reform/index_store.py
-- catch_up) and removes the marks. A marked quarter keeps no index_score rows, so the readers score it on
-- the spot as they do a cumulative period. invariants.check: every quarter's kept index equals a rebuild or
-- the quarter is marked here (and holds no rows).
-- Grain: official × period; a quarter may be marked by several writes (no keys in a lake).
create table if not exists index_stale (
    official boolean not null,         -- the variant: true official, false every stored value
    period date not null,              -- first day of the quarter
);
