-- The unit × quarters an upload changed that may not change now (submitted, approved or locked):
-- undoing the upload would change them. Grain: one row per unit × quarter.
-- Returns: unit_code, period, state, changed_by, changed_at
-- $upload_id INTEGER  the upload to undo
select distinct h.unit_code, h.period, s.state, s.changed_by, s.changed_at
from value_history as h
join report_state as s on s.unit_code = h.unit_code and s.period = h.period
where h.upload_id = $upload_id
order by h.period, h.unit_code
