-- Append the transitions of a move (registered as `moves`: unit_code, action, from_state, to_state).
-- Ids are max + 1 in unit order (no sequence: the caller holds the writers' lock). Returns nothing.
-- $period DATE        first day of the quarter
-- $actor VARCHAR      who
-- $person_id INTEGER  the signed-in person, or null
-- $at TIMESTAMP       when
-- $reason VARCHAR     why, or null
insert into report_transition (
    id, unit_code, period, action, from_state, to_state, actor, person_id, happened_at, reason
)
select
    (select coalesce(max(id), 0) from report_transition) + row_number() over (order by unit_code),
    unit_code, $period, action, from_state, to_state, $actor, $person_id, $at, $reason
from moves
