-- Append one line to the record of who did what (the only statement that writes to audit).
-- Returns nothing.
-- $happened_at TIMESTAMP  when
-- $actor VARCHAR          e-mail or name; "khách" without sign-in
-- $person_id INTEGER      the signed-in person, or null
-- $action VARCHAR         sign_in, upload, undo, freeze, unfreeze, deck_delete, grant, revoke, ...
-- $target VARCHAR         what it was done to, or null
-- $outcome VARCHAR        ok | refused
-- $detail VARCHAR         more words, or null
insert into audit (happened_at, actor, person_id, action, target, outcome, detail)
values ($happened_at, $actor, $person_id, $action, $target, $outcome, $detail)
