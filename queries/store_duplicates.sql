-- How many rows of an upload (relation `incoming`: unit_code, period, indicator_code, value) share their
-- (unit_code, period, indicator_code) with another row: every row of such a key is counted.
-- Returns: rows (BIGINT, one row; 0 when every key is once). No parameters.
with
repeated as (
    select count(*) as n
    from incoming
    group by unit_code, period, indicator_code
    having count(*) > 1
)
select cast(coalesce(sum(n), 0) as bigint) as rows
from repeated
