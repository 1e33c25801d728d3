-- Uploads, stored values in long form, and the history of every change.
-- No primary key on value: the writer (reform/store.py) enforces one row per
-- (unit_code, period, indicator_code); an index there makes bulk loads several times slower.
create sequence upload_id_seq start 1;

create table upload (
    id integer primary key default nextval('upload_id_seq'),
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
