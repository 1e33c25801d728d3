-- Delete a saved deck. Returns nothing.
-- $deck VARCHAR  the deck's name
delete from deck
where name = $deck
