-- A saved deck's author and whether it is frozen. Returns: author_id, frozen. No row: no such deck.
-- $deck VARCHAR  the deck's name
select author_id, frozen_at is not null as frozen
from deck
where name = $deck
