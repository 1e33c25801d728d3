-- Uploads, stored values in long form, and the history of every change.
-- No primary key on value: the writer (reform/store.py) enforces one row per
-- (unit_code, period, indicator_code); an index there makes bulk loads several times slower.
-- No key, sequence or index anywhere in the schema: one SQL text runs on the embedded file and on a
-- DuckLake catalog, which has none of them; uniqueness is kept by writes under the writers' lock.
create table upload (
    id integer not null,               -- max + 1, taken under the writers' lock (queries/upload_next_id.sql)
    file_name varchar not null,
    sha256 varchar not null,
    layout varchar not null,           -- long | wide | demo | ...
    user_name varchar not null,
    created_at timestamp not null,
    rows integer not null,
    inserted integer not null,
    updated integer not null,
    unchanged integer not null,
    status varchar not null,           -- stored | undone
);

create table value (
    unit_code varchar not null,
    period date not null,              -- first day of the quarter
    indicator_code varchar not null,
    value double not null,
    upload_id integer not null,
);

create table value_history (
    upload_id integer not null,        -- the upload that made the change
    unit_code varchar not null,
    period date not null,
    indicator_code varchar not null,
    old_value double,                  -- null: the value was new
    new_value double,                  -- null: the value was removed (undo)
    old_upload_id integer,             -- where the old value came from, for undo
    changed_at timestamp not null,
);
