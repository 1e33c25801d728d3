-- Of the rows about to be stored (registered as `incoming`: unit_code, period, ...), the unit × quarters
-- that may not change: submitted, approved or locked, or past the entry window with no exception.
-- Grain: one row per unit × quarter. Returns: unit_code, period, state (submitted | approved | locked |
--          window), changed_by, changed_at
-- $closed_periods DATE[]  the quarters whose entry window has closed (empty: every window open)
with
keys as (
    select distinct unit_code, cast(period as date) as period
    from incoming
),
held as (
    select k.unit_code, k.period, s.state, s.changed_by, s.changed_at
    from keys as k
    join report_state as s on s.unit_code = k.unit_code and s.period = k.period
),
late as (
    select k.unit_code, k.period, 'window' as state, cast(null as varchar) as changed_by,
        cast(null as timestamp) as changed_at
    from keys as k
    where k.period in (select unnest(cast($closed_periods as date[])))
      and not exists (
          select 1 from entry_exception as x where x.unit_code = k.unit_code and x.period = k.period
      )
      and not exists (
          select 1 from report_state as s where s.unit_code = k.unit_code and s.period = k.period
      )
)
select * from held
union all
select * from late
order by period, unit_code
