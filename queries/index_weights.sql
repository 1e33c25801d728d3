-- The weights of the composite reform index in force on a date: the version with the latest
-- valid_from on or before it, one row per part, in catalogue order (none before the first version).
-- Returns: version, valid_from, pillar, pillar_name_vi, part, part_name_vi, type, floor, target, points
-- $on DATE  the first day of the period scored
with
version_in_force as (
    select max(valid_from) as valid_from
    from index_weight
    where valid_from <= $on
)
select
    w.version,
    w.valid_from,
    w.pillar,
    w.pillar_name_vi,
    w.part,
    i.name_vi as part_name_vi,
    i.type,
    w.floor,
    w.target,
    w.points,
from index_weight as w
join version_in_force as v on v.valid_from = w.valid_from
join indicator as i on i.code = w.part
left join indicator_group as g on g.code = w.pillar
order by g.sort_order nulls last, w.pillar, i.sort_order
