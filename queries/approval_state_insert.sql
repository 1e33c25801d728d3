-- Store the new state of the units a transition moves (registered as `moves`: unit_code, to_state);
-- a unit moved back to chưa nộp (open) keeps no row. Returns nothing.
-- $period DATE        first day of the quarter
-- $actor VARCHAR      who
-- $person_id INTEGER  the signed-in person, or null
-- $at TIMESTAMP       when
-- $reason VARCHAR     why, or null
insert into report_state (unit_code, period, state, changed_by, person_id, changed_at, reason)
select unit_code, $period, to_state, $actor, $person_id, $at, $reason
from moves
where to_state <> 'open'
