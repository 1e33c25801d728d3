-- Keep entry open for one unit × quarter past the entry window (granted by quản trị). One row per unit × quarter (merge: the lake has no keys). Returns nothing.
-- $unit VARCHAR      the unit
-- $period DATE       first day of the quarter
-- $by VARCHAR        who granted it
-- $at TIMESTAMP      when
-- $reason VARCHAR    why
merge into entry_exception as e
using (select $unit as unit_code, cast($period as date) as period) as x
on e.unit_code = x.unit_code and e.period = x.period
when matched then update set granted_by = $by, granted_at = $at, reason = $reason
when not matched then insert (unit_code, period, granted_by, granted_at, reason)
    values (x.unit_code, x.period, $by, $at, $reason)
