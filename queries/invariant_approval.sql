-- Ways the approval tables break their rules (reform/invariants.py): a state not among the three, a
-- unit not in the register, an approved or locked unit with a unit below it in force that is not
-- approved or locked (approval goes bottom-up), a state that is not the last transition's, and keys
-- stored twice (no table has a unique constraint: one SQL text for the file and the lake).
-- Grain: one row per kind of break. Returns: kind, n, example. No parameters.
with
bad_state as (
    select 'state' as kind, unit_code || ' ' || cast(period as varchar) as example
    from report_state
    where state not in ('submitted', 'approved', 'locked')
),
unknown_unit as (
    select 'unit' as kind, unit_code || ' ' || cast(period as varchar) as example
    from report_state
    where unit_code not in (select code from units)
),
not_bottom_up as (
    select 'bottom_up' as kind, p.unit_code || ' ' || cast(p.period as varchar) as example
    from report_state as p
    join units as c on c.parent_code = p.unit_code
        and c.valid_from <= p.period and (c.valid_to is null or c.valid_to >= p.period)
    left join report_state as s on s.unit_code = c.code and s.period = p.period
    where p.state in ('approved', 'locked')
      and coalesce(s.state, 'open') not in ('approved', 'locked')
),
last_move as (
    select unit_code, period, arg_max(to_state, id) as to_state
    from report_transition
    group by unit_code, period
),
unrecorded as (
    select 'transition' as kind, coalesce(s.unit_code, m.unit_code) || ' '
        || cast(coalesce(s.period, m.period) as varchar) as example
    from report_state as s
    full outer join last_move as m on m.unit_code = s.unit_code and m.period = s.period
    where coalesce(s.state, 'open') <> coalesce(m.to_state, 'open')
),
twice as (
    select 'twice' as kind, unit_code || ' ' || cast(period as varchar) as example
    from report_state
    group by unit_code, period
    having count(*) > 1
    union all
    select 'twice' as kind, 'exception ' || unit_code || ' ' || cast(period as varchar) as example
    from entry_exception
    group by unit_code, period
    having count(*) > 1
    union all
    select 'twice' as kind, 'transition id ' || cast(id as varchar) as example
    from report_transition
    group by id
    having count(*) > 1
),
breaks as (
    select * from twice
    union all
    select * from bad_state
    union all
    select * from unknown_unit
    union all
    select * from not_bottom_up
    union all
    select * from unrecorded
)
select kind, count(*) as n, min(example) as example
from breaks
group by kind
order by kind
