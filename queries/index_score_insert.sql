-- Keep scored rows (relation `scored`, registered by reform/index_store.py, in the columns of index_score).
-- No parameters.
insert into index_score by name
select * from scored
