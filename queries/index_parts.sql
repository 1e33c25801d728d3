-- The composite reform index (Chỉ số CCHC) of the child units of a scope and of their peers, one row
-- per unit and part, for a period and for the same period one year earlier (lineage-mapped, scored
-- with the weights version in force then). Peers are as in peer_figures.sql: the units of the same
-- type at the same level below the same Tỉnh ủy; the rows hold every unit at the children's level
-- below that Tỉnh ủy, and rank within its type. Figures are read from the rollup as rollup_period_figures
-- reads them (rollup_group_quarter_figures), only for the parts and their denominators.
-- A part scores 100 × clip((value − floor) / (target − floor), 0, 1) (a flag: the share of units with
-- "Có", 100 or 0 for a single unit); a rate whose denominator is below $min_cases, or with no value,
-- is not applicable and its points go to the other parts of its pillar (a pillar with no applicable
-- part hands its points to the other pillars); eff_points, the points a part weighs in the unit's score,
-- sum to 100 over the applicable parts. score: the weighted sum over 100; score_geo: the
-- weighted geometric mean (part scores floored at 1) as a check; tier: the Quy định 366 band.
-- Returns: unit_code, name, type, is_child, version, pillar, pillar_name_vi, part, part_type, floor,
--          target, points (table points), value, den, applicable, part_score, eff_points,
--          pillar_points, pillar_score, score, score_geo, tier, rank, peers,
--          previous_version, previous_value, previous_applicable, previous_score, previous_rank
-- $scope VARCHAR      the unit whose children are scored
-- $start DATE         first day of the period's first quarter
-- $end DATE           first day of the period's last quarter
-- $min_cases DOUBLE   the smallest denominator a rate part is scored on
with
frame as (
    select coalesce(
        (
            select c.ancestor
            from unit_closure as c
            join units as a on a.code = c.ancestor
            where c.descendant = $scope
              and a.type = 'tinh_uy'
            order by c.depth
            limit 1
        ),
        (select code from units where parent_code is null order by code limit 1)
    ) as code
),
level as (
    select c.depth + 1 as depth
    from unit_closure as c
    where c.ancestor = (select code from frame)
      and c.descendant = $scope
),
peers as (
    select
        u.code as unit_code,
        u.name,
        u.type,
        u.code in (select descendant from unit_closure where ancestor = $scope and depth = 1) as is_child,
    from unit_closure as c
    join units as u on u.code = c.descendant
    where c.ancestor = (select code from frame)
      and c.depth = (select depth from level)
      and u.valid_from <= $end
      and (u.valid_to is null or u.valid_to >= $end)
),
versions as (
    select 'cur' as side, max(valid_from) as valid_from
    from index_weight
    where valid_from <= $start
    union all
    select 'prev' as side, max(valid_from) as valid_from
    from index_weight
    where valid_from <= cast($start - interval 1 year as date)
),
weights as (
    select v.side, w.*, i.type as part_type, i.denominator,
    from versions as v
    join index_weight as w on w.valid_from = v.valid_from
    join indicator as i on i.code = w.part
),
wanted as (  -- the parts and their denominators: the figures of no other indicator are read
    select part as code from weights
    union
    select denominator from weights where denominator is not null
),
quarters as (  -- as rollup_period_figures reads them, without the like-for-like pairs the index never uses
    select 'cur' as side, q.*
    from rollup_group_quarter_figures((select code from frame), $end, (select depth from level), $start, $end) as q
    where q.indicator_code in (select code from wanted)
    union all
    select 'prev' as side, q.*
    from rollup_group_quarter_figures(
        (select code from frame), $end, (select depth from level),
        cast($start - interval 1 year as date),
        cast($end - interval 1 year as date)
    ) as q
    where q.indicator_code in (select code from wanted)
),
by_side as (  -- a period's figure from its quarters, as in rollup_period_figures
    select
        q.group_code,
        q.indicator_code,
        q.side,
        any_value(s.scale) as scale,
        case any_value(s.across_quarters) when 'sum' then sum(q.num) else arg_max(q.num, q.period) end as num,
        case any_value(s.across_quarters) when 'sum' then sum(q.den) else arg_max(q.den, q.period) end as den,
    from quarters as q
    join indicator_semantics as s using (indicator_code)
    group by q.group_code, q.indicator_code, q.side
),
figures as (
    select
        group_code,
        indicator_code,
        max(case when den is null then num else scale * num / nullif(den, 0) end) filter (where side = 'cur')
            as value,
        max(case when den is null then num else scale * num / nullif(den, 0) end) filter (where side = 'prev')
            as previous,
    from by_side
    group by group_code, indicator_code
),
part_values as (
    select
        p.unit_code,
        w.side,
        w.version,
        w.pillar,
        w.pillar_name_vi,
        w.part,
        w.part_type,
        w.floor,
        w.target,
        w.points,
        case w.side when 'cur' then f.value else f.previous end as value,
        case w.side when 'cur' then d.value else d.previous end as den,
    from peers as p
    cross join weights as w
    left join figures as f on f.group_code = p.unit_code and f.indicator_code = w.part
    left join figures as d on d.group_code = p.unit_code and d.indicator_code = w.denominator
),
scored as (
    select
        *,
        value is not null and (part_type = 'flag' or coalesce(den, 0) >= $min_cases) as applicable,
        100 * greatest(0, least(1, (value - floor) / (target - floor))) as part_score,
    from part_values
),
pillars as (
    select
        unit_code,
        side,
        pillar,
        sum(points) as pillar_points,
        sum(points) filter (where applicable) as applicable_points,
        sum(points * part_score) filter (where applicable) / sum(points) filter (where applicable) as pillar_score,
    from scored
    group by unit_code, side, pillar
),
live_points as (  -- the points of the pillars with an applicable part: 100 unless a pillar drops out
    select unit_code, side, sum(pillar_points) filter (where applicable_points > 0) as live
    from pillars
    group by unit_code, side
),
weighted as (
    select
        s.*,
        case
            when s.applicable then s.points * p.pillar_points / p.applicable_points * 100 / l.live
            else 0
        end as eff_points,
        p.pillar_points,
        p.pillar_score,
    from scored as s
    join pillars as p using (unit_code, side, pillar)
    join live_points as l using (unit_code, side)
),
totals as (
    select
        unit_code,
        side,
        sum(eff_points * part_score) filter (where applicable) / nullif(sum(eff_points), 0) as score,
        exp(
            sum(eff_points * ln(greatest(part_score, 1))) filter (where applicable) / nullif(sum(eff_points), 0)
        ) as score_geo,
    from weighted
    group by unit_code, side
),
ranked as (
    select
        t.*,
        case when t.score is null then null else rank() over (
            partition by t.side, p.type order by t.score desc nulls last
        ) end as rank,
        count(t.score) over (partition by t.side, p.type) as peers,
    from totals as t
    join peers as p using (unit_code)
),
cur as (
    select * from weighted where side = 'cur'
),
prev as (
    select * from weighted where side = 'prev'
)
select
    p.unit_code,
    p.name,
    p.type,
    p.is_child,
    c.version,
    c.pillar,
    c.pillar_name_vi,
    c.part,
    c.part_type,
    c.floor,
    c.target,
    c.points,
    c.value,
    c.den,
    c.applicable,
    c.part_score,
    c.eff_points,
    c.pillar_points,
    c.pillar_score,
    rc.score,
    rc.score_geo,
    case
        when rc.score is null then null
        when rc.score >= 90 then 'Hoàn thành xuất sắc'
        when rc.score >= 70 then 'Hoàn thành tốt'
        when rc.score >= 50 then 'Hoàn thành'
        else 'Không hoàn thành'
    end as tier,
    rc.rank,
    rc.peers,
    pv.version as previous_version,
    pv.value as previous_value,
    pv.applicable as previous_applicable,
    rp.score as previous_score,
    rp.rank as previous_rank,
from peers as p
join cur as c on c.unit_code = p.unit_code
join ranked as rc on rc.unit_code = p.unit_code and rc.side = 'cur'
left join prev as pv on pv.unit_code = p.unit_code and pv.part = c.part
left join ranked as rp on rp.unit_code = p.unit_code and rp.side = 'prev'
order by p.unit_code, c.pillar, c.part
