-- Where the history of a value is not continuous: a change whose old value is not the previous change's
-- new value (the first change's old value is null), two changes of a key by one upload, or a key whose
-- last change's new value is not the stored value (null: not stored).
-- Returns: kind (VARCHAR: old_value | repeated | stored), keys (BIGINT), example (VARCHAR), one row per
-- kind found. No parameters.
with
ordered as (
    select
        unit_code,
        period,
        indicator_code,
        upload_id,
        old_value,
        new_value,
        lag(new_value) over by_key as previous,
        lag(upload_id) over by_key as previous_upload,
        row_number() over by_key as nth,
        count(*) over (partition by unit_code, period, indicator_code) as changes,
    from value_history
    window by_key as (partition by unit_code, period, indicator_code order by upload_id, changed_at)
),
breaks as (
    select 'old_value' as kind, unit_code, period, indicator_code
    from ordered
    where old_value is distinct from previous
    union all
    select 'repeated', unit_code, period, indicator_code
    from ordered
    where upload_id = previous_upload
),
last_change as (
    select unit_code, period, indicator_code, new_value
    from ordered
    where nth = changes
),
stored_breaks as (
    select 'stored' as kind, coalesce(l.unit_code, v.unit_code) as unit_code,
        coalesce(l.period, v.period) as period, coalesce(l.indicator_code, v.indicator_code) as indicator_code
    from last_change as l
    full outer join value as v using (unit_code, period, indicator_code)
    where l.new_value is distinct from v.value
),
every_break as (
    select * from breaks
    union all
    select * from stored_breaks
)
select
    kind,
    count(*) as keys,
    min(unit_code || ' ' || period || ' ' || indicator_code) as example,
from every_break
group by kind
order by kind
