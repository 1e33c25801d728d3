-- Epochs of the unit register: runs of quarters in which the same units are in force. Each starts
-- at the first quarter start on or after a valid_from or a valid_to + 1 day and lasts until the next.
-- No parameters; inserts into figure_epoch (as_of, until).
insert into figure_epoch
with
boundaries as (
    select valid_from as b from units
    union
    select cast(valid_to + interval 1 day as date) from units where valid_to is not null
),
starts as (
    select distinct
        case
            when b = cast(date_trunc('quarter', b) as date) then b
            else cast(date_trunc('quarter', b) + interval 3 month as date)
        end as as_of
    from boundaries
)
select as_of, lead(as_of) over (order by as_of) as until
from starts
