-- Remove the values one upload inserted (the rows of `undo_rows` without an old value).
-- No parameters.
delete from value
using undo_rows as r
where r.old_value is null
  and value.unit_code = r.unit_code
  and value.period = r.period
  and value.indicator_code = r.indicator_code
