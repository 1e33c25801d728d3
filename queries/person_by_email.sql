-- People with an e-mail address (lower-case), oldest first. Returns: id, issuer, subject, email.
-- $email VARCHAR  the address, lower-case
select id, issuer, subject, email
from person
where email = $email
order by id
