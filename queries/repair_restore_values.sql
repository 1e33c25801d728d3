-- Put back, from the history, the values that a write without an upload row replaced (its history rows
-- still name them): the value removed by repair_delete_values comes back as it was before.
-- Run after repair_delete_values and before repair_delete_history. No parameters.
insert into value
select h.unit_code, h.period, h.indicator_code, h.old_value, h.old_upload_id
from value_history as h
where h.upload_id not in (select id from upload)
  and h.old_value is not null
  and h.old_upload_id in (select id from upload)
  and not exists (
      select 1
      from value as v
      where v.unit_code = h.unit_code
        and v.period = h.period
        and v.indicator_code = h.indicator_code
  )
