-- Insert the values that `staged` marks as new.
-- $upload_id INTEGER  the upload the values come from
insert into value (unit_code, period, indicator_code, value, upload_id)
select unit_code, period, indicator_code, value, $upload_id
from staged
where status = 'new'
order by period, unit_code, indicator_code
