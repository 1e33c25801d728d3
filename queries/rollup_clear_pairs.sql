-- Forget the rate pairs the rollup was made for (before they are taken again from the catalogue).
-- No parameters; returns nothing.
delete from figure_pair
