-- Keep entry open for one unit × quarter past the entry window (granted by quản trị). Returns nothing.
-- $unit VARCHAR      the unit
-- $period DATE       first day of the quarter
-- $by VARCHAR        who granted it
-- $at TIMESTAMP      when
-- $reason VARCHAR    why
insert or replace into entry_exception (unit_code, period, granted_by, granted_at, reason)
values ($unit, $period, $by, $at, $reason)
