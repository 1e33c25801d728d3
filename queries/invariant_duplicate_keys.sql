-- Keys (unit_code, period, indicator_code) stored more than once in value: the writer keeps each once.
-- Returns: keys (BIGINT, one row), example (VARCHAR: one such key, or null). No parameters.
with
repeated as (
    select unit_code, period, indicator_code
    from value
    group by unit_code, period, indicator_code
    having count(*) > 1
)
select
    count(*) as keys,
    min(unit_code || ' ' || period || ' ' || indicator_code) as example,
from repeated
