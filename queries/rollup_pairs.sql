-- The (numerator, denominator) pairs of the catalogue's rates, for the rollup to sum.
-- No parameters; inserts into figure_pair (numerator, denominator).
insert into figure_pair
select distinct numerator, denominator
from indicator
where type = 'rate'
