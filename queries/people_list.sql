-- Every person with each of their grants (one row per grant; a person without a grant once, with
-- role and unit null). Returns: person_id, email, issuer, subject, display_name, last_sign_in, role, unit.
select
    p.id as person_id,
    p.email,
    p.issuer,
    p.subject,
    p.display_name,
    p.last_sign_in,
    g.role,
    g.unit_code as unit,
from person as p
left join person_grant as g on g.person_id = p.id
order by coalesce(p.email, p.subject), g.role, g.unit_code
