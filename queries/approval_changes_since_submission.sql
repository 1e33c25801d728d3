-- Values of a scope's units changed after their unit × quarter was first submitted ("thay đổi sau khi
-- nộp"), old → new. Grain: one row per change. Returns: unit_code, indicator_code, old_value,
--          new_value, changed_at, upload_id
-- $unit VARCHAR   the top unit of the scope
-- $period DATE    first day of the quarter
with
submitted as (
    select t.unit_code, min(t.happened_at) as first_submitted
    from report_transition as t
    join unit_closure as c on c.descendant = t.unit_code and c.ancestor = $unit
    where t.period = $period
      and t.action = 'submit'
    group by t.unit_code
)
select h.unit_code, h.indicator_code, h.old_value, h.new_value, h.changed_at, h.upload_id
from value_history as h
join submitted as s on s.unit_code = h.unit_code
where h.period = $period
  and h.changed_at > s.first_submitted
order by h.changed_at, h.unit_code, h.indicator_code
