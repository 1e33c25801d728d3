-- The indicator catalogue (loaded from data/indicators.csv) and its groups.
create table indicator_group (
    code varchar not null,             -- unique: kept by the catalogue loader
    name_vi varchar not null,
    name_en varchar,
    sort_order integer not null,
    color varchar not null,
);

create table indicator (
    code varchar not null,             -- unique: kept by the catalogue loader
    name_vi varchar not null,
    short_vi varchar,                  -- short label for cards; name_vi when empty
    group_code varchar not null,
    type varchar not null,             -- flow | stock | flag | rate
    good varchar not null,             -- up | down | neutral
    unit varchar not null,             -- display unit of measure
    min_value double,
    max_value double,
    numerator varchar,                 -- rates only
    denominator varchar,               -- rates only
    scale double,                      -- rates only: 100 for a percentage
    decimals integer not null,
    headline boolean not null,         -- shown on the overview cards
    sort_order integer not null,
);
