-- The indicator catalogue with its group, in display order.
-- Returns: code, name_vi, short_vi, group_code, group_name, group_color, type, good, unit, decimals,
-- headline, numerator, denominator, phrase_vi. No parameters.
select
    i.code,
    i.name_vi,
    coalesce(nullif(i.short_vi, ''), i.name_vi) as short_vi,
    i.group_code,
    g.name_vi as group_name,
    g.color as group_color,
    i.type,
    i.good,
    i.unit,
    i.decimals,
    i.headline,
    i.numerator,
    i.denominator,
    coalesce(i.phrase_vi, '') as phrase_vi,
from indicator as i
join indicator_group as g on g.code = i.group_code
order by g.sort_order, i.sort_order
