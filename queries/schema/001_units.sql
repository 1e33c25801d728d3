-- Unit register, lineage of merged/split units, and the ancestor → descendant closure.
-- A unit reports its own work; a scope is a unit plus every unit below it (unit_closure).
create table units (
    code varchar not null,             -- upper-case ASCII, the only key ever matched on (unique: kept by the writer)
    name varchar not null,             -- Vietnamese name, NFC
    type varchar not null,             -- data/unit_types.csv
    parent_code varchar,               -- null for the root (the Tỉnh ủy)
    valid_from date not null,
    valid_to date,                     -- null: still in force
);

create table unit_lineage (
    old_code varchar not null,
    new_code varchar not null,
    share double not null,             -- part of the old unit that went to the new one, 0 < share <= 1
    effective date not null,           -- first day the new unit stands in for the old one
);

create table unit_closure (
    ancestor varchar not null,
    descendant varchar not null,
    depth integer not null,            -- 0 for the unit itself
);
