-- Record a sign-in on a person: bind the identity (a person added by e-mail gets it at the first
-- sign-in), refresh the name and e-mail, and the time. Returns nothing.
-- $id INTEGER             the person
-- $issuer VARCHAR         the token's "iss"
-- $subject VARCHAR        the token's "sub"
-- $email VARCHAR          lower-case, or null (then the stored one stays)
-- $display_name VARCHAR   or null (then the stored one stays)
-- $at TIMESTAMP           when
update person
set issuer = $issuer,
    subject = $subject,
    email = coalesce($email, email),
    display_name = coalesce($display_name, display_name),
    last_sign_in = $at
where id = $id
