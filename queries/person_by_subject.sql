-- People named by their subject at the identity server (added by subject by an administrator, or
-- signed in), oldest first. Returns: id, issuer, subject, email.
-- $subject VARCHAR  the token's "sub" as the administrator typed it
select id, issuer, subject, email
from person
where subject = $subject
order by id
