-- The person a sign-in belongs to. Returns: id, email, display_name (no row: never seen).
-- $issuer VARCHAR   the token's "iss"
-- $subject VARCHAR  the token's "sub"
select id, email, display_name
from person
where issuer = $issuer
  and subject = $subject
