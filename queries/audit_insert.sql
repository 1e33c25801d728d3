-- Append one line to the record of who did what (the only statement that writes to audit); its id is one
-- more than the largest (no sequence: a DuckLake catalog has none; run under the writers' lock).
-- Returns nothing.
-- $happened_at TIMESTAMP  when
-- $actor VARCHAR          e-mail or name; "khách" without sign-in
-- $person_id INTEGER      the signed-in person, or null
-- $action VARCHAR         sign_in, upload, undo, freeze, unfreeze, deck_delete, grant, revoke, ...
-- $target VARCHAR         what it was done to, or null
-- $outcome VARCHAR        ok | refused
-- $detail VARCHAR         more words, or null
insert into audit (id, happened_at, actor, person_id, action, target, outcome, detail)
select coalesce(max(id), 0) + 1, $happened_at, $actor, $person_id, $action, $target, $outcome, $detail
from audit
