-- The composite reform index kept per quarter (issue 16): every unit's parts, score, rank among its
-- peers and rank interval over the Monte Carlo draws, for the working figures and for the official ones
-- (approved and locked values only). The writer refreshes the quarters a write touches and the quarter a
-- year later (whose rank change reads them) in the write's transaction (reform/index_store.py); the
-- pages, the card, the slide and the command read it instead of scoring thousands of peers per view.
-- Grain: official × period × peer frame (frame_code, level) × unit × part. A unit is kept once per peer
-- frame it is ranked in: the units at `level` below `frame_code`, the nearest Tỉnh ủy (as index_parts.sql).
-- No keys or sequences (the lake has none): rows are deleted and inserted per variant and quarter under
-- the writers' lock, and invariants.check compares them with a rebuild.
create table if not exists index_score (
    official boolean not null,         -- true: from official_rollup; false: every stored value (tạm tính)
    period date not null,              -- first day of the quarter
    frame_code varchar not null,       -- the Tỉnh ủy (or the root) the peers are counted below
    level integer not null,            -- the peers' depth below frame_code
    unit_code varchar not null,
    name varchar,
    type varchar,
    version varchar,                   -- the weights version the quarter was scored with
    pillar varchar,
    pillar_name_vi varchar,
    part varchar,
    part_type varchar,
    floor double,
    target double,
    points double,
    value double,
    den double,
    applicable boolean,
    part_score double,
    eff_points double,
    pillar_points double,
    pillar_score double,
    score double,
    score_geo double,
    tier varchar,
    rank bigint,
    peers bigint,
    previous_version varchar,
    previous_value double,
    previous_applicable boolean,
    previous_score double,
    previous_rank bigint,
    median_rank double,                -- over the draws (reform/index.py robustness)
    rank_low double,                   -- 5 % of the draws rank the unit here or better
    rank_high double,                  -- 95 %
    tier_change_share double,
    borderline boolean,
);
