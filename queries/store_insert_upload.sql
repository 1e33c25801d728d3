-- Record one upload under the id the caller took from queries/next_id_upload.sql (no sequence and no
-- "returning": a DuckLake table has neither; the writers' lock makes max + 1 safe). Returns nothing.
-- $id INTEGER, $file_name VARCHAR, $sha256 VARCHAR, $layout VARCHAR, $user_name VARCHAR,
-- $created_at TIMESTAMP, $rows INTEGER, $inserted INTEGER, $updated INTEGER, $unchanged INTEGER
insert into upload (id, file_name, sha256, layout, user_name, created_at, rows, inserted, updated, unchanged, status)
values ($id, $file_name, $sha256, $layout, $user_name, $created_at, $rows, $inserted, $updated, $unchanged, 'stored')
