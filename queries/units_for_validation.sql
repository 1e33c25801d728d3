-- The unit register with each dissolved unit's successors, for checking uploads.
-- Returns: code, name, valid_from, valid_to, successors (comma-separated new codes or null). No parameters.
select
    u.code,
    u.name,
    u.valid_from,
    u.valid_to,
    string_agg(l.new_code, ', ' order by l.new_code) as successors,
from units as u
left join unit_lineage as l on l.old_code = u.code
group by u.code, u.name, u.valid_from, u.valid_to
order by u.code
