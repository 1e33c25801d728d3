-- The quarters in which an upload (or undo) after a given one wrote a value that the relation `incoming`
-- (unit_code, period, indicator_code, value) also writes: a preview computed when that upload was the last
-- one no longer describes what storing the file would change. Values of other keys do not matter.
-- Returns: period (DATE), one row per quarter, in order.
-- $after_upload INTEGER the last upload id when the preview was computed
-- $periods DATE[]  first days of the quarters of the file
with
later as (
    select unit_code, period, indicator_code
    from value_history
    where upload_id > $after_upload
      and period in (select unnest(cast($periods as date[])))
)
select distinct l.period
from later as l
semi join incoming as i using (unit_code, period, indicator_code)
order by l.period
