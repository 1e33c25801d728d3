-- Remove the values whose upload row does not exist (a write that never committed). No parameters.
delete from value
where upload_id not in (select id from upload)
