-- The lineage mapping a like-for-like comparison uses for a scope: each unit of the scope in force on a
-- date that carries, a year earlier, the figures of units it replaced (merged or split), with the share.
-- Read beside a figure's comparison with the same quarter last year ("Số liệu này từ đâu?").
-- Grain: one row per (unit in force, unit it replaced). Returns: unit_code, unit_name, source_code,
--          source_name, share, effective (DATE)
-- $scope VARCHAR   the unit whose figure is explained (it and every unit below it)
-- $at DATE         first day of the period's last quarter: the units in force then
with
mine as (
    select descendant as code from unit_closure where ancestor = $scope
)
select s.unit_code, u.name as unit_name, s.source_code, o.name as source_name, s.w as share, l.effective
from unit_sources($at) as s
join mine as m on m.code = s.unit_code
join units as u on u.code = s.unit_code and u.valid_from <= $at and (u.valid_to is null or u.valid_to >= $at)
left join (select code, any_value(name) as name from units group by code) as o on o.code = s.source_code
left join (
    select old_code, new_code, min(effective) as effective from unit_lineage group by old_code, new_code
) as l on l.old_code = s.source_code and l.new_code = s.unit_code
where s.source_code <> s.unit_code
order by s.unit_code, s.source_code
