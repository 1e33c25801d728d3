-- The quarters that hold values of a variant: the kept index scores each of them and each quarter a year
-- later (whose rank change reads them), and no other.
-- Returns: period (DATE), in order
-- $official BOOLEAN  approved and locked values (official_value) or every stored value (value)
select distinct period from value where not $official
union
select distinct period from official_value where $official
order by period
