-- How many values each unit and everything below it stored per quarter (periods_with_data),
-- whatever the units' validity: unit_period_count summed over unit_closure. Kept by the writer
-- (reform/rollup.py) with the rest of the rollup; backfilled here from unit_period_count.
create table scope_period_count (
    scope_code varchar not null,
    period date not null,
    values_stored bigint not null,
);

insert into scope_period_count
select c.ancestor as scope_code, v.period, cast(sum(v.values_stored) as bigint) as values_stored
from unit_period_count as v
join unit_closure as c on c.descendant = v.unit_code
group by c.ancestor, v.period
order by v.period, c.ancestor;
