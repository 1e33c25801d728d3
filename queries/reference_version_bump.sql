-- Count one more change of the reference tables (unit register, catalogue, index weights, entry window):
-- data_version's cache_version includes this count, so every process's cached figures are keyed anew (a
-- merge: the table has no key, so that a DuckLake catalog runs it too). No parameters.
merge into meta as m
using (select 'reference_version' as key) as s
on m.key = s.key
when matched then update set value = cast(cast(m.value as bigint) + 1 as varchar)
when not matched then insert (key, value) values (s.key, '1')
