-- The upload's values far from their unit's own history, for the outlier warnings (W_OUTLIER).
-- The rule: a count (flow or stock indicator) whose unit and indicator have at least 6 earlier quarters
-- (its own, or carried from the units it replaced: below)
-- with a median absolute deviation (MAD) above 0, a robust z-score 0.6745 * (value - median) / MAD
-- beyond ±3.5, and a jump a person would call wrong (a steady series has a tiny MAD): at least
-- 2.5 × the median + 3, or at most the median / 4 - 1.
-- The median lies between the smallest and the largest earlier value, so only a value at least
-- 2.5 × the smallest + 3 or at most the largest / 4 - 1 can be that far (looser by 1 and 0.5 here, for
-- rounding): median and MAD (slow over millions of small groups) are computed for those alone.
-- The smallest and largest are grouped by a hash of unit and indicator, one number instead of two
-- texts (a third less time over years of a national history). Two pairs sharing a hash would only
-- widen their bounds, so make more candidates, never fewer; a candidate's median and MAD come from
-- its own unit and indicator, so the answer is the same.
-- A value already stored as it is (the same file again, or a file that changes other figures) is not
-- flagged: the warning asks the uploader to check what the upload adds or changes, nothing else.
-- A unit made in a restructuring (merged or split, queries/schema/R_figure_macros.sql unit_sources)
-- has few quarters of its own: before it existed, its history is carried from the units it replaced,
-- Σ share × value per quarter, as the like-for-like comparison carries it (the quarters before its
-- valid_from: it reported none of them itself). Without that, a new commune would pass any figure for six quarters.
-- Relation `incoming` (registered by the caller): the upload's rows (unit_code, period, indicator_code, value).
-- Returns: unit_code, period, indicator_code, value, median, carried (BOOLEAN: the history holds quarters
--          carried from the units it replaced); one row per flagged value, in no particular order
-- $before DATE   only quarters before this one count (first day of the earliest uploaded quarter)
with
uploaded as (
    select distinct unit_code
    from incoming
),
carried as (  -- small: only units made in a restructuring, only the quarters before they existed
    select s.unit_code, v.indicator_code, v.period, sum(s.w * v.value) as value
    from unit_sources($before) as s
    semi join uploaded as i on i.unit_code = s.unit_code
    join units as u
        on u.code = s.unit_code
        and u.valid_from <= $before
        and (u.valid_to is null or u.valid_to >= $before)
    join value as v on v.unit_code = s.source_code
    where s.source_code <> s.unit_code
      and v.period < u.valid_from
    group by s.unit_code, v.indicator_code, v.period
),
history as (
    select v.unit_code, v.indicator_code, v.value
    from value as v
    semi join uploaded as u on u.unit_code = v.unit_code
    where v.period < $before
    union all
    select unit_code, indicator_code, value
    from carried
),
bounds as (
    select hash(unit_code, indicator_code) as pair, min(value) as lowest, max(value) as highest,
    from history
    group by pair
),
candidates as (
    select i.unit_code, i.period, i.indicator_code, i.value,
    from incoming as i
    join bounds as b on b.pair = hash(i.unit_code, i.indicator_code)
    join indicator as d on d.code = i.indicator_code
    where d.type in ('flow', 'stock')
      and (i.value >= 2.5::double * b.lowest + 2 or i.value <= b.highest / 4 - 0.5)
      and not exists (
          select 1
          from value as s
          where s.unit_code = i.unit_code
            and s.period = i.period
            and s.indicator_code = i.indicator_code
            and s.value = i.value
      )
),
stats as (  -- read from value again for the few candidates: cheaper than keeping the whole history
    select unit_code, indicator_code, count(*) as n, median(value) as median, mad(value) as mad,
        bool_or(carried) as carried,
    from (
        select h.unit_code, h.indicator_code, h.value, false as carried
        from value as h
        semi join candidates as c on c.unit_code = h.unit_code and c.indicator_code = h.indicator_code
        where h.period < $before
        union all
        select h.unit_code, h.indicator_code, h.value, true as carried
        from carried as h
        semi join candidates as c on c.unit_code = h.unit_code and c.indicator_code = h.indicator_code
    )
    group by unit_code, indicator_code
),
scored as (
    select
        c.unit_code,
        c.period,
        c.indicator_code,
        c.value,
        s.median,
        s.carried,
        0.6745::double * (c.value - s.median) / s.mad as z,
    from candidates as c
    join stats as s using (unit_code, indicator_code)
    where s.n >= 6
      and s.mad > 0
)
select unit_code, period, indicator_code, value, median, carried
from scored
where abs(z) > 3.5
  and (value >= 2.5::double * median + 3 or value <= median / 4 - 1)
