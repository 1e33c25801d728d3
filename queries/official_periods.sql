-- The quarters the official tables must cover: any with an approved or locked unit, or with official
-- rows left. Grain: one row per quarter. Returns: period. No parameters.
select period from report_state where state in ('approved', 'locked')
union
select period from official_value
union
select period from official_rollup
order by period
