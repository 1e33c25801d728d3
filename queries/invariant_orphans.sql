-- Rows of value and value_history whose upload row does not exist (a write that never committed as far
-- as anyone knew: a torn replay of the write-ahead log), per table and quarter.
-- Returns: tbl (VARCHAR: value | value_history), period (DATE), upload_id (INTEGER), n (BIGINT). No parameters.
with
orphan_values as (
    select 'value' as tbl, period, upload_id
    from value
    where upload_id not in (select id from upload)
),
orphan_history as (
    select 'value_history' as tbl, period, upload_id
    from value_history
    where upload_id not in (select id from upload)
),
orphans as (
    select * from orphan_values
    union all
    select * from orphan_history
)
select tbl, period, upload_id, count(*) as n
from orphans
group by tbl, period, upload_id
order by tbl, period, upload_id
