-- Append every row of an upload (relation `incoming`) to quarters that hold no values yet to
-- value_history, as new values (no old value), as store_history would without comparing.
-- $upload_id INTEGER  the upload making the change
-- $changed_at TIMESTAMP
insert into value_history
select
    $upload_id,
    unit_code,
    period,
    indicator_code,
    cast(null as double),
    value,
    cast(null as integer),
    $changed_at,
from incoming
