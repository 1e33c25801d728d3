-- One indicator for a unit and its peers (units of the same type at the same level of the
-- hierarchy, in force at $end) per quarter, each counting itself and everything below it
-- (read from the rollup the writer keeps).
-- Returns: unit_code, period, value, peer_median, peers, rank (1 = best; null for neutral indicators)
-- $unit VARCHAR       the unit whose profile is shown
-- $indicator VARCHAR  indicator code (base or derived rate)
-- $start DATE         first quarter (first day)
-- $end DATE           last quarter (first day)
with
root as (
    select code from units where parent_code is null order by code limit 1
),
level as (
    select c.depth
    from unit_closure as c
    where c.ancestor = (select code from root)
      and c.descendant = $unit
),
peers as (
    select p.code
    from units as p
    join unit_closure as c on c.descendant = p.code and c.ancestor = (select code from root)
    where p.type = (select type from units where code = $unit)
      and c.depth = (select depth from level)
),
figures as (
    select
        q.group_code as unit_code,
        q.period,
        case when q.den is null then q.num else s.scale * q.num / nullif(q.den, 0) end as value,
    from rollup_group_quarter_figures(
        (select code from root), $end, (select depth from level), $start, $end
    ) as q
    join indicator_semantics as s using (indicator_code)
    where q.indicator_code = $indicator
      and q.group_code in (select code from peers)
),
direction as (
    select good from indicator where code = $indicator
)
select
    f.unit_code,
    f.period,
    f.value,
    median(f.value) over (partition by f.period) as peer_median,
    count(f.value) over (partition by f.period) as peers,
    case
        when d.good = 'neutral' or f.value is null then null
        when d.good = 'up' then rank() over (partition by f.period order by f.value desc)
        else rank() over (partition by f.period order by f.value asc)
    end as rank,
from figures as f
cross join direction as d
order by f.period, f.unit_code
