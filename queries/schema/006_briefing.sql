-- Briefing mode: decks saved by name, pinned to their figures when frozen; and the phrase that
-- the generated commentary uses for each indicator ("kiểm tra {value} tổ chức đảng").
alter table indicator add column phrase_vi varchar;

create table deck (
    name varchar not null,             -- one row per name (queries/deck_save.sql merges)
    scope varchar not null,            -- unit code of the scope
    period varchar not null,           -- period code: 2025-Q3, 2025-H1, 2025-9M, 2025-FY
    spec varchar not null,             -- JSON: the slides in order, with their parameter, notes and edited text
    updated_at timestamp not null,
    frozen_at timestamp,               -- null: the deck shows live figures
    frozen_upload_id integer,          -- the last upload the frozen figures include
    snapshot varchar,                  -- JSON of the built deck at freeze time (reform.deck.Deck.to_dict)
);
