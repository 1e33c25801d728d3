-- The unit register with each dissolved unit's successors, for checking uploads.
-- Returns: code, name, valid_from, valid_to, successors (comma-separated new codes or null). No parameters.
-- The successors are joined in per unit, not the register grouped by every column (a national register
-- of tens of thousands of units took half a second that way).
with
successors as (
    select old_code, string_agg(new_code, ', ' order by new_code) as successors,
    from unit_lineage
    group by old_code
)
select
    u.code,
    u.name,
    u.valid_from,
    u.valid_to,
    s.successors,
from units as u
left join successors as s on s.old_code = u.code
order by u.code
