-- People and rights (issue 13). Identity comes from the sign-in (issuer + subject of the OpenID
-- Connect token); rights come from these tables, never from the token. Deny by default: a person
-- with no grant may do nothing. Written to run again harmlessly ("if not exists"): a test or
-- a repair that replays migrations from an earlier version finds these tables already there.
-- (issuer, subject) and (person_id, role, unit_code) are unique: kept by the writes under the writers'
-- lock (queries/person_insert.sql, grant_insert.sql), as the schema has no keys (see 003).
create table if not exists person (
    id integer not null,               -- max + 1 under the writers' lock (no key or sequence: see 003)
    issuer varchar,                    -- null until the first sign-in of a person added by e-mail
    subject varchar,                   -- the token's "sub"; with issuer, the only key ever matched on
    email varchar,                     -- lower-case; used once, to bind a first sign-in (bootstrap)
    display_name varchar,
    created_at timestamp not null,
    last_sign_in timestamp,
);

-- One row per person × role × unit. Roles: xem (view the unit and below), nhap (upload for the unit
-- and below, and view it), duyet (approve: pages come with the approval issue), quantri (everything;
-- unit_code null).
create table if not exists person_grant (
    person_id integer not null,
    role varchar not null,
    unit_code varchar,
    granted_at timestamp not null,
    granted_by varchar not null,
);

-- Who did what: append-only (the only statement that touches it is queries/audit_insert.sql).
create table if not exists audit (
    id bigint not null,                -- max + 1 under the writers' lock
    happened_at timestamp not null,
    actor varchar not null,            -- the person's e-mail or name; "khách" without sign-in
    person_id integer,                 -- null for the command line and for guests
    action varchar not null,           -- sign_in, upload, undo, freeze, unfreeze, deck_delete, grant, revoke, ...
    target varchar,                    -- what it was done to: an upload id, a deck name, a unit code, a person
    outcome varchar not null,          -- ok | refused
    detail varchar,
);

-- Who uploaded (person) and who wrote a deck: ownership for undo and deck edits.
alter table upload add column if not exists person_id integer;
alter table deck add column if not exists author_id integer;
