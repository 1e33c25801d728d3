-- One setting of the database. Returns: value (zero or one row).
-- $key VARCHAR
select value from meta where key = $key
