-- Insert every row of an upload (relation `incoming`) to quarters that hold no values yet, as
-- store_insert would without comparing (in quarter and unit order, as it does).
-- $upload_id INTEGER  the upload the values come from
insert into value (unit_code, period, indicator_code, value, upload_id)
select unit_code, period, indicator_code, value, $upload_id
from incoming
order by period, unit_code
