-- Every quarter that the value table or the rollup holds (what a full refresh goes over).
-- Returns: period (DATE). No parameters.
select period from value
union
select period from figure_rollup
union
select period from figure_compared
union
select period from unit_period_count
union
select period from scope_period_count
