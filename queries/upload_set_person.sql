-- Record the signed-in person who made an upload. Returns nothing.
-- $upload_id INTEGER  the upload
-- $person_id INTEGER  the person
update upload
set person_id = $person_id
where id = $upload_id
