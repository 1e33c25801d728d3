-- Sum unit_period_count of the given quarters over each unit and everything below it into
-- scope_period_count (run after rollup_counts_insert). Returns nothing.
-- $periods DATE[]  first days of the quarters
insert into scope_period_count
select c.ancestor as scope_code, v.period, cast(sum(v.values_stored) as bigint) as values_stored
from unit_period_count as v
join unit_closure as c on c.descendant = v.unit_code
where v.period in (select unnest(cast($periods as date[])))
group by c.ancestor, v.period
order by v.period, c.ancestor
