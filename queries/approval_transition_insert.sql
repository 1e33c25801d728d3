-- Append the transitions of a move (registered as `moves`: unit_code, action, from_state, to_state).
-- Returns nothing.
-- $period DATE        first day of the quarter
-- $actor VARCHAR      who
-- $person_id INTEGER  the signed-in person, or null
-- $at TIMESTAMP       when
-- $reason VARCHAR     why, or null
insert into report_transition (unit_code, period, action, from_state, to_state, actor, person_id, happened_at, reason)
select unit_code, $period, action, from_state, to_state, $actor, $person_id, $at, $reason
from moves
