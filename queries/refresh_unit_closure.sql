-- Rebuild unit_closure (ancestor, descendant, depth) from units.parent_code.
-- No parameters. Run after the unit register changes.
insert into unit_closure
with recursive tree(ancestor, descendant, depth) as (
    select code, code, 0 from units
    union all
    select u.parent_code, t.descendant, t.depth + 1
    from tree as t
    join units as u on u.code = t.ancestor
    where u.parent_code is not null
)
select ancestor, descendant, depth from tree
