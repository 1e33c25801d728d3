-- Add a person (by e-mail, or by issuer + subject at a first sign-in) under the id the caller took from
-- queries/next_id_person.sql. Returns nothing.
-- $id INTEGER             the new id
-- $issuer VARCHAR         null when added by e-mail before any sign-in
-- $subject VARCHAR        null when added by e-mail before any sign-in
-- $email VARCHAR          lower-case, or null
-- $display_name VARCHAR   or null
-- $created_at TIMESTAMP   when
insert into person (id, issuer, subject, email, display_name, created_at)
values ($id, $issuer, $subject, $email, $display_name, $created_at)
