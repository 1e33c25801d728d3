-- Forget the epochs of the rollup (before they are made again from the unit register).
-- No parameters; returns nothing.
delete from figure_epoch
