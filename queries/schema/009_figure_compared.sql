-- The like-for-like comparison added up in advance (issue: a change "so với cùng kỳ" is computed on
-- the units that reported in both periods). Per epoch, scope, quarter and indicator (as figure_rollup):
-- over the units in force at the epoch that reported the indicator (a rate: both parts) in the quarter
-- and in the same quarter a year earlier, lineage-mapped: num, den of the quarter, num_prev, den_prev of
-- the year before, units_compared. Kept by the writer (reform/rollup.py, queries/rollup_compared_*.sql);
-- the definition it must equal is group_quarter_compared in R_figure_macros.sql. Filled by the first
-- refresh (reform.rollup.refresh, called when the database is opened and this table is empty).
create table figure_compared (
    as_of date not null,
    scope_code varchar not null,
    period date not null,
    indicator_code varchar not null,   -- base indicator, or the rate's numerator
    pair_code varchar,                 -- null, or the rate's denominator
    num double not null,
    den double not null,
    num_prev double not null,
    den_prev double not null,
    units_compared bigint not null,
);
