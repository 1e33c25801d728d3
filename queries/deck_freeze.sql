-- Pin a deck to its figures as they stand (or, with nulls, let it show live figures again).
-- Returns nothing.
-- $deck VARCHAR               the deck's name
-- $frozen_at TIMESTAMP        when it was frozen; null to unfreeze
-- $frozen_upload_id INTEGER   the last upload the figures include; null to unfreeze
-- $snapshot VARCHAR           JSON of the built deck; null to unfreeze
update deck
set frozen_at = $frozen_at,
    frozen_upload_id = $frozen_upload_id,
    snapshot = $snapshot
where name = $deck
