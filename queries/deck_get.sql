-- One saved briefing deck by name (zero or one row).
-- Returns: name, scope, period, spec, updated_at, frozen_at, frozen_upload_id, snapshot
-- $deck VARCHAR  the deck's name
select name, scope, period, spec, updated_at, frozen_at, frozen_upload_id, snapshot
from deck
where name = $deck
