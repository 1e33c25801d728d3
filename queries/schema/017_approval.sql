-- Approval of each unit × quarter (issue 14): chưa nộp (no row) → đã nộp → đã duyệt → đã khóa.
-- The rules live in reform/approval.py; these tables hold where each unit × quarter stands and every
-- transition that brought it there. Written to run again harmlessly ("if not exists"). No keys, unique
-- constraints or sequences, as in every table since the lake (issue 15): the writers' lock and
-- invariants.check keep one row per unit × quarter, and transition ids are max + 1 under the lock.
create table if not exists report_state (
    unit_code varchar not null,
    period date not null,              -- first day of the quarter
    state varchar not null,            -- submitted | approved | locked (no row: chưa nộp)
    changed_by varchar not null,       -- who made the last transition (e-mail, name, "khách")
    person_id integer,                 -- null for the command line and for guests
    changed_at timestamp not null,
    reason varchar,
);

-- Every transition, append-only: who, when, from which state to which, and why.
create table if not exists report_transition (
    id bigint not null,                -- max + 1 under the writers' lock (approval_transition_insert.sql)
    unit_code varchar not null,
    period date not null,
    action varchar not null,           -- submit | approve | unapprove | lock | unlock | reopen
    from_state varchar not null,       -- open | submitted | approved | locked
    to_state varchar not null,
    actor varchar not null,
    person_id integer,
    happened_at timestamp not null,
    reason varchar,
);

-- Entry stays open for a unit × quarter past the entry window (meta key entry_window_days) when
-- quản trị grants an exception, with a reason.
create table if not exists entry_exception (
    unit_code varchar not null,
    period date not null,
    granted_by varchar not null,
    granted_at timestamp not null,
    reason varchar not null,
);

-- Official figures (số liệu chính thức): the values of every approved or locked unit × quarter, and
-- the rollup of them kept as figure_rollup and figure_compared are (reform/official.py).
create table if not exists official_value (
    unit_code varchar not null,
    period date not null,
    indicator_code varchar not null,
    value double not null,
    upload_id integer not null,
);

create table if not exists official_rollup (
    as_of date not null,
    scope_code varchar not null,
    period date not null,
    indicator_code varchar not null,
    pair_code varchar,
    num double not null,
    den double not null,
    units_reported bigint not null,
);

create table if not exists official_compared (
    as_of date not null,
    scope_code varchar not null,
    period date not null,
    indicator_code varchar not null,
    pair_code varchar,
    num double not null,
    den double not null,
    num_prev double not null,
    den_prev double not null,
    units_compared bigint not null,
);
