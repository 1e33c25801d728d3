-- Whether the catalogue's rate pairs differ from those the rollup holds (then it must be made again).
-- Returns: stale (BOOLEAN, one row). No parameters.
with
catalogue as (
    select distinct numerator, denominator from indicator where type = 'rate'
),
differences as (
    (select * from catalogue except select * from figure_pair)
    union all
    (select * from figure_pair except select * from catalogue)
)
select count(*) > 0 as stale
from differences
