-- Set one setting of the database (a merge: the table has no key, so that a DuckLake catalog runs it too).
-- $key VARCHAR, $value VARCHAR
merge into meta as m
using (select $key as key, $value as value) as s
on m.key = s.key
when matched then update set value = s.value
when not matched then insert (key, value) values (s.key, s.value)
