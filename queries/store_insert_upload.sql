-- Record one upload and return its id (one row: id).
-- $file_name VARCHAR, $sha256 VARCHAR, $layout VARCHAR, $user_name VARCHAR, $created_at TIMESTAMP,
-- $rows INTEGER, $inserted INTEGER, $updated INTEGER, $unchanged INTEGER
insert into upload (file_name, sha256, layout, user_name, created_at, rows, inserted, updated, unchanged, status)
values ($file_name, $sha256, $layout, $user_name, $created_at, $rows, $inserted, $updated, $unchanged, 'stored')
returning id
