-- Forget the rollup's weights (before they are made again from the unit register and lineage).
-- No parameters; returns nothing.
delete from figure_weight
