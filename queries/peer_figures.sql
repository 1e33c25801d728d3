-- One indicator for a unit per quarter, against its peers: the units of the same type at the same
-- level below the same Tỉnh ủy (the unit's nearest Tỉnh ủy above it, or the root when there is none;
-- a province's peers are the other provinces), in force at $end, each counting itself and everything
-- below it (read from the rollup the writer keeps).
-- Returns: unit_code, period, value, peer_median, peers (peers with a value, the unit included),
--          rank (1 = best among them; ties share a rank; null for neutral indicators or without a value),
--          peer_scope (the name of the unit the peers are below)
-- $unit VARCHAR       the unit whose profile is shown
-- $indicator VARCHAR  indicator code (base or derived rate)
-- $start DATE         first quarter (first day)
-- $end DATE           last quarter (first day)
with
root as (
    select code from units where parent_code is null order by code limit 1
),
frame as (
    select coalesce(
        (
            select c.ancestor
            from unit_closure as c
            join units as a on a.code = c.ancestor
            where c.descendant = $unit
              and c.depth > 0
              and a.type = 'tinh_uy'
            order by c.depth
            limit 1
        ),
        (select code from root)
    ) as code
),
level as (
    select c.depth
    from unit_closure as c
    where c.ancestor = (select code from frame)
      and c.descendant = $unit
),
peers as (
    select p.code
    from units as p
    join unit_closure as c on c.descendant = p.code and c.ancestor = (select code from frame)
    where p.type = (select type from units where code = $unit)
      and c.depth = (select depth from level)
),
figures as (
    select
        q.group_code as unit_code,
        q.period,
        case when q.den is null then q.num else s.scale * q.num / nullif(q.den, 0) end as value,
    from rollup_indicator_quarter_figures(
        (select code from frame), $end, (select depth from level), $start, $end, $indicator
    ) as q
    join indicator_semantics as s using (indicator_code)
    where q.group_code in (select code from peers)
),
mine as (
    select period, value
    from figures
    where unit_code = $unit
),
compared as (
    select
        m.period,
        any_value(m.value) as value,
        median(f.value) as peer_median,
        count(f.value) as peers,
        count(*) filter (where f.value > m.value) as above,
        count(*) filter (where f.value < m.value) as below,
    from mine as m
    join figures as f using (period)
    group by m.period
),
direction as (
    select good from indicator where code = $indicator
)
select
    $unit as unit_code,
    c.period,
    c.value,
    c.peer_median,
    c.peers,
    case
        when d.good = 'neutral' or c.value is null then null
        when d.good = 'up' then c.above + 1
        else c.below + 1
    end as rank,
    (select name from units where code = (select code from frame)) as peer_scope,
from compared as c
cross join direction as d
order by c.period
