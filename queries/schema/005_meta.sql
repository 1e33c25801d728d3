-- Facts about the database itself: which data set it holds (demo or real),
-- and the fingerprint of the catalogue files it was loaded from.
create table meta (
    key varchar not null,              -- one row per key (queries/meta_set.sql merges)
    value varchar not null,
);
