-- How many rows of an upload (relation `incoming`: unit_code, period, indicator_code, value) are new,
-- changed and unchanged against the stored values.
-- Returns: status, n (one row per status present).
-- $periods DATE[]  the quarters of the upload (first days): only their stored values are compared
with
stored as (
    select unit_code, period, indicator_code, value
    from value
    where period in (select unnest(cast($periods as date[])))
),
compared as (
    select
        case
            when v.value is null then 'new'
            when v.value = i.value then 'unchanged'
            else 'changed'
        end as status,
    from incoming as i
    left join stored as v using (unit_code, period, indicator_code)
)
select status, count(*) as n
from compared
group by status
