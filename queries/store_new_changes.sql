-- The rows of an upload (relation `incoming`) to quarters that hold no values yet, for the dry-run table:
-- all new, as store_changes would give them without comparing. Returns: unit_code, period,
-- indicator_code, old_value (null), value, status ('new'). No parameters.
select
    unit_code,
    period,
    indicator_code,
    cast(null as double) as old_value,
    value,
    'new' as status,
from incoming
order by unit_code, period, indicator_code
