-- Copy the values of every approved or locked unit × quarter of the given quarters into official_value.
-- Returns nothing.
-- $periods DATE[]  first days of the quarters
insert into official_value (unit_code, period, indicator_code, value, upload_id)
select v.unit_code, v.period, v.indicator_code, v.value, v.upload_id
from value as v
join report_state as s on s.unit_code = v.unit_code and s.period = v.period
where v.period in (select unnest(cast($periods as date[])))
  and s.state in ('approved', 'locked')
