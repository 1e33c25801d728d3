-- Count the values each unit stored in each of the given quarters into unit_period_count.
-- Returns nothing.
-- $periods DATE[]  first days of the quarters
insert into unit_period_count
select unit_code, period, count(*) as values_stored
from value
where period in (select unnest(cast($periods as date[])))
group by unit_code, period
order by period, unit_code
