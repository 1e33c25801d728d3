-- Uploads after a given one, still stored, that changed some of the same values:
-- undoing the given upload first would lose their changes.
-- Returns: id, file_name, created_at, values_touched
-- $upload_id INTEGER
select u.id, u.file_name, u.created_at, count(*) as values_touched
from value_history as mine
join value_history as later using (unit_code, period, indicator_code)
join upload as u on u.id = later.upload_id
where mine.upload_id = $upload_id
  and later.upload_id > $upload_id
  and u.status = 'stored'
  and u.layout <> 'undo'
group by u.id, u.file_name, u.created_at
order by u.id
