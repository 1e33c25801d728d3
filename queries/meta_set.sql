-- Set one setting of the database.
-- $key VARCHAR, $value VARCHAR
insert or replace into meta (key, value) values ($key, $value)
