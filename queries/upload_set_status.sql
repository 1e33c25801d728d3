-- Change an upload's status (stored | undone).
-- $upload_id INTEGER, $status VARCHAR
update upload set status = $status where id = $upload_id
