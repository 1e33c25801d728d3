-- The composite reform index of every quarter of a run of quarters, each scored as its own period, for the
-- children of a scope and all their peers: index_parts.sql with a quarter column, in one statement so the
-- writer keeps many quarters (reform/index_store.py) for the planning cost of one. The quarters must lie
-- in one epoch of the unit register (figure_epoch: the same units in force), as the writer asks for them;
-- the rows of each quarter equal index_parts.sql's for that quarter (a test compares them).
-- Returns: quarter, then the columns of index_parts.sql
-- $scope VARCHAR      the unit whose children (and their peers) are scored
-- $from DATE          first day of the first quarter
-- $to DATE            first day of the last quarter
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
      and u.valid_from <= $to  -- one epoch: the units in force at $to are those of every quarter
      and (u.valid_to is null or u.valid_to >= $to)
),
runs as (
    select cast(unnest(generate_series($from, $to, interval 3 month)) as date) as quarter
),
versions as (
    select r.quarter, 'cur' as side, max(w.valid_from) as valid_from
    from runs as r
    join index_weight as w on w.valid_from <= r.quarter
    group by r.quarter
    union all
    select r.quarter, 'prev' as side, max(w.valid_from) as valid_from
    from runs as r
    join index_weight as w on w.valid_from <= cast(r.quarter - interval 1 year as date)
    group by r.quarter
),
weights as (
    select v.quarter, v.side, w.*, i.type as part_type, i.denominator,
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
    select q.period as quarter, 'cur' as side, q.*
    from rollup_group_quarter_figures((select code from frame), $to, (select depth from level), $from, $to) as q
    where q.indicator_code in (select code from wanted)
    union all
    select cast(q.period + interval 1 year as date) as quarter, 'prev' as side, q.*
    from rollup_group_quarter_figures(
        (select code from frame), $to, (select depth from level),
        cast($from - interval 1 year as date),
        cast($to - interval 1 year as date)
    ) as q
    where q.indicator_code in (select code from wanted)
),
by_side as (  -- a period's figure from its quarters, as in rollup_period_figures
    select
        q.quarter,
        q.group_code,
        q.indicator_code,
        q.side,
        any_value(s.scale) as scale,
        case any_value(s.across_quarters) when 'sum' then sum(q.num) else arg_max(q.num, q.period) end as num,
        case any_value(s.across_quarters) when 'sum' then sum(q.den) else arg_max(q.den, q.period) end as den,
    from quarters as q
    join indicator_semantics as s using (indicator_code)
    group by q.quarter, q.group_code, q.indicator_code, q.side
),
figures as (
    select
        quarter,
        group_code,
        indicator_code,
        max(case when den is null then num else scale * num / nullif(den, 0) end) filter (where side = 'cur')
            as value,
        max(case when den is null then num else scale * num / nullif(den, 0) end) filter (where side = 'prev')
            as previous,
    from by_side
    group by quarter, group_code, indicator_code
),
part_values as (
    select
        w.quarter,
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
    left join figures as f on f.quarter = w.quarter and f.group_code = p.unit_code and f.indicator_code = w.part
    left join figures as d
        on d.quarter = w.quarter and d.group_code = p.unit_code and d.indicator_code = w.denominator
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
        quarter,
        unit_code,
        side,
        pillar,
        sum(points) as pillar_points,
        sum(points) filter (where applicable) as applicable_points,
        sum(points * part_score) filter (where applicable) / sum(points) filter (where applicable) as pillar_score,
    from scored
    group by quarter, unit_code, side, pillar
),
live_points as (  -- the points of the pillars with an applicable part: 100 unless a pillar drops out
    select quarter, unit_code, side, sum(pillar_points) filter (where applicable_points > 0) as live
    from pillars
    group by quarter, unit_code, side
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
    join pillars as p using (quarter, unit_code, side, pillar)
    join live_points as l using (quarter, unit_code, side)
),
totals as (
    select
        quarter,
        unit_code,
        side,
        sum(eff_points * part_score) filter (where applicable) / nullif(sum(eff_points), 0) as score,
        exp(
            sum(eff_points * ln(greatest(part_score, 1))) filter (where applicable) / nullif(sum(eff_points), 0)
        ) as score_geo,
    from weighted
    group by quarter, unit_code, side
),
ranked as (
    select
        t.*,
        case when t.score is null then null else rank() over (
            partition by t.quarter, t.side, p.type order by t.score desc nulls last
        ) end as rank,
        count(t.score) over (partition by t.quarter, t.side, p.type) as peers,
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
    c.quarter,
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
join ranked as rc on rc.quarter = c.quarter and rc.unit_code = p.unit_code and rc.side = 'cur'
left join prev as pv on pv.quarter = c.quarter and pv.unit_code = p.unit_code and pv.part = c.part
left join ranked as rp on rp.quarter = c.quarter and rp.unit_code = p.unit_code and rp.side = 'prev'
order by c.quarter, p.unit_code, c.pillar, c.part
