-- Saved briefing decks, most recently changed first.
-- Returns: name, scope, period, updated_at, frozen_at, frozen_upload_id. No parameters.
select name, scope, period, updated_at, frozen_at, frozen_upload_id
from deck
order by updated_at desc, name
