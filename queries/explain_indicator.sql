-- One indicator and how it adds up (for "Số liệu này từ đâu?"). Grain: one row.
-- Returns: code, name_vi, type, unit, scale, across_quarters (sum | last)
-- $indicator VARCHAR  indicator code
select i.code, i.name_vi, i.type, i.unit, s.scale, s.across_quarters
from indicator as i
join indicator_semantics as s on s.indicator_code = i.code
where i.code = $indicator
