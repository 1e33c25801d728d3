-- Every version of the weights of the composite reform index, each in the order of index_weights.sql
-- (the order the index scores its parts in).
-- Returns: version, valid_from, pillar, part. No parameters.
select w.version, w.valid_from, w.pillar, w.part,
from index_weight as w
join indicator as i on i.code = w.part
left join indicator_group as g on g.code = w.pillar
order by w.valid_from, g.sort_order nulls last, w.pillar, i.sort_order
