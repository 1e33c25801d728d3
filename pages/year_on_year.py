"""So sánh cùng kỳ: one indicator for every child unit, now and a year ago, with the change."""

from __future__ import annotations

import pandas as pd
import streamlit as st

import ui
from reform import fmt
from reform import summary as core
from reform.texts import t

chosen = ui.analysis_page(t("page_yoy"))
period = chosen.period
previous = period.shift_years(-1)
figures = ui.summary(chosen.scope, period).set_index("code")
ind = figures.loc[chosen.indicator]
unit_label, decimals = ind["unit"], int(ind["decimals"])
st.subheader(t("yoy_head", name=ind["name_vi"], period=period.label, prev=previous.label))
st.markdown(
    t(
        "yoy_scope_line",
        scope=fmt.plain(chosen.scope_name),
        value=fmt.with_unit(ind["value"], unit_label, decimals),
        change=core.change_text(ind),
    )
)

ranked = ui.run("rank", scope=chosen.scope, indicator=chosen.indicator, start=period.start, end=period.end)
if ranked.empty:
    st.info(
        t("ind_no_children", scope=fmt.plain(chosen.scope_name), period=period.label), icon=":material/account_tree:"
    )
    st.stop()
children = ui.run("children_started", scope=chosen.scope, end=period.end).set_index("code")
started = pd.to_datetime(children.loc[ranked["unit_code"], "valid_from"]).dt.date.to_numpy()
mapped = started > previous.end  # did not exist a year ago: its previous figure comes through the lineage
changes = [
    core.compare(v, p, ind["type"], ind["good"]) for v, p in zip(ranked["value"], ranked["previous"], strict=True)
]
is_rate = core.is_percent(unit_label) or ind["type"] == "rate"
table = pd.DataFrame(
    {
        t("col_unit"): ranked["name"],
        t("col_value"): ranked["value"].round(decimals + 1),
        t("col_previous"): ranked["previous"].round(decimals + 1),
        t("col_change"): [float("nan") if c.change is None else round(c.change, decimals + 1) for c in changes],
        t("yoy_col_change_pct"): [float("nan") if c.change_pct is None else round(c.change_pct, 1) for c in changes],
        t("yoy_col_note"): [t("yoy_mapped") if m else "" for m in mapped],
    }
)
if is_rate:  # a rate changes in points; a % change of a percentage would mislead
    table = table.drop(columns=t("yoy_col_change_pct"))
number = ui.column_number(unit_label)
ui.table(
    table,
    key="yoy_table",
    height="content",  # the page is this table: every child unit without an inner scroll
    column_config={
        t("col_value"): number,
        t("col_previous"): number,
        t("col_change"): ui.column_number("điểm %" if is_rate else unit_label),
        t("yoy_col_change_pct"): ui.column_number("%"),
    },
)
notes = [t("lineage_note")] + ([t("yoy_footnote")] if mapped.any() else []) + ([t("yoy_points")] if is_rate else [])
st.caption(" ".join(notes))
