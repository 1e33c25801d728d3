-- Insert the rows of an upload (relation `incoming`) whose (unit, quarter, indicator) is not stored yet.
-- $upload_id INTEGER  the upload the values come from
-- $periods DATE[]  the quarters of the upload (first days)
-- In quarter and unit order, for the zone maps of the row groups. Not by indicator as well: a row group
-- holds thousands of units, so every indicator anyway, and sorting by that third key made the insert of
-- a national file take half as long again (1.6 s against 2.5 s).
insert into value (unit_code, period, indicator_code, value, upload_id)
with
stored as (
    select unit_code, period, indicator_code
    from value
    where period in (select unnest(cast($periods as date[])))
)
select i.unit_code, i.period, i.indicator_code, i.value, $upload_id
from incoming as i
anti join stored as v using (unit_code, period, indicator_code)
order by i.period, i.unit_code
