-- Record the author of a deck that has none yet. Returns nothing.
-- $deck VARCHAR          the deck's name
-- $author_id INTEGER     the person
update deck
set author_id = $author_id
where name = $deck
  and author_id is null
