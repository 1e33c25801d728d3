-- The weights of the composite reform index (Chỉ số CCHC): data/index_weights.csv, loaded with the
-- catalogue (reform/weights.py). Every version is kept, so a quarter is scored with the version in
-- force at its start, also after a newer table is adopted.
create table if not exists index_weight (  -- "if not exists": an old file re-migrated from 007 keeps it
    version varchar not null,          -- e.g. 2025.1; a changed table is a new version
    valid_from date not null,          -- the first quarter start the version applies to
    pillar varchar not null,           -- an indicator group code (kiem_tra, hoi_hop, cntt, the_che)
    pillar_name_vi varchar not null,
    part varchar not null,             -- a rate or flag of the catalogue, never neutral
    floor double not null,             -- the value that scores 0
    target double not null,            -- the value that scores 100
    points double not null,            -- the part's share of 100 points
);
