-- Keys (unit_code, period, indicator_code) stored more than once in the given quarters: the writer
-- checks none after its rows are in, inside its transaction and the writers' lock.
-- Returns: keys (BIGINT, one row; 0 when every key is once).
-- $periods DATE[]  first days of the quarters written
with
repeated as (
    select unit_code, period, indicator_code
    from value
    where period in (select unnest(cast($periods as date[])))
    group by unit_code, period, indicator_code
    having count(*) > 1
)
select count(*) as keys
from repeated
