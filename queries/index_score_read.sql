-- The kept index of the child units of a scope for one quarter: one row per child unit and part, in the
-- columns of index_parts.sql (is_child always true) with the rank interval of the draws, read from the
-- peer frame the scope's children are ranked in (as index_parts.sql chooses it).
-- Returns: the columns of index_parts.sql (is_child after type), then median_rank, rank_low, rank_high,
--          tier_change_share, borderline
-- $scope VARCHAR     the unit whose children are read
-- $period DATE       first day of the quarter
-- $official BOOLEAN  the official variant or the working one
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
children as (
    select descendant as unit_code
    from unit_closure
    where ancestor = $scope
      and depth = 1
)
select
    s.unit_code,
    s.name,
    s.type,
    true as is_child,
    s.* exclude (official, period, frame_code, level, unit_code, name, type),
from index_score as s
where s.official = $official
  and s.period = $period
  and s.frame_code = (select code from frame)
  and s.level = (select depth from level)
  and s.unit_code in (select unit_code from children)
order by s.unit_code
