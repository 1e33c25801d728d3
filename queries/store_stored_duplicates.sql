-- Keys of the upload (relation `incoming`: unit_code, period, indicator_code, value) stored more than once
-- after the write: the writer checks none, inside its transaction and the writers' lock (only the keys it
-- wrote: a correction of one unit does not count a whole quarter).
-- Returns: keys (BIGINT, one row; 0 when every key is once).
-- $periods DATE[]  first days of the quarters written
with
written as (
    select v.unit_code, v.period, v.indicator_code
    from value as v
    semi join incoming as i using (unit_code, period, indicator_code)
    where v.period in (select unnest(cast($periods as date[])))
),
repeated as (
    select unit_code, period, indicator_code
    from written
    group by unit_code, period, indicator_code
    having count(*) > 1
)
select count(*) as keys
from repeated
