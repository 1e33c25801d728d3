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
figures = ui.summary(chosen.scope, period, chosen.official).set_index("code")
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

ranked = ui.run(
    "rank", chosen.official, scope=chosen.scope, indicator=chosen.indicator, start=period.start, end=period.end
)
if ranked.empty:
    st.info(
        t("ind_no_children", scope=fmt.plain(chosen.scope_name), period=period.label), icon=":material/account_tree:"
    )
    st.stop()
children = ui.run("children_started", scope=chosen.scope, end=period.end).set_index("code")
started = pd.to_datetime(children.loc[ranked["unit_code"], "valid_from"]).dt.date.to_numpy()
mapped = started > previous.end  # did not exist a year ago: its previous figure comes through the lineage
changes = [  # like for like: each child's change on its units that reported in both periods
    core.compare(v, p, ind["type"], ind["good"])
    for v, p in zip(ranked["value_compared"], ranked["previous_compared"], strict=True)
]
is_rate = core.is_percent(unit_label) or ind["type"] == "rate"


def _shown(x: float | None, places: int) -> float:
    """Rounded once, half away from zero, as the sentences round it."""
    return float("nan") if fmt.missing(x) else fmt.rounded(float(x), places)


table = pd.DataFrame(
    {
        t("col_unit"): ranked["name"],
        t("col_value"): [_shown(v, decimals) for v in ranked["value"]],
        t("col_previous"): [_shown(v, decimals) for v in ranked["previous"]],
        t("col_change"): [_shown(c.change, max(decimals, 1) if is_rate else decimals) for c in changes],
        t("yoy_col_change_pct"): [_shown(c.change_pct, 1) for c in changes],
        t("yoy_col_note"): [t("yoy_mapped") if m else "" for m in mapped],
    }
)
if is_rate:  # a rate changes in points; a % change of a percentage would mislead
    table = table.drop(columns=t("yoy_col_change_pct"))
if not mapped.any():  # a note column with nothing in it says nothing
    table = table.drop(columns=t("yoy_col_note"))
percent_cols = [t("yoy_col_change_pct")] + ([t("col_value"), t("col_previous")] if core.is_percent(unit_label) else [])
for col in percent_cols:  # shown by the percent format, which takes shares: 83,9% is 0.839
    if col in table:
        table[col] = table[col] / 100
number = (
    ui.column_percent(unit_label, decimals) if core.is_percent(unit_label) else ui.column_number(unit_label, decimals)
)
picked = ui.table(
    table,
    key="yoy_table",
    selectable=True,
    height="content",  # the page is this table: every child unit without an inner scroll
    column_config={
        t("col_value"): number,
        t("col_previous"): number,
        t("col_change"): ui.column_number("điểm %" if is_rate else unit_label, decimals),
        t("yoy_col_change_pct"): ui.column_percent("%", 1),
    },
)
notes = [t("lineage_note")] + ([t("yoy_footnote")] if mapped.any() else []) + ([t("yoy_points")] if is_rate else [])
notes += [t("yoy_dash_value", period=period.label)] if ranked["value"].isna().any() else []
notes += [t("yoy_dash_previous", prev=previous.label)] if ranked["previous"].isna().any() else []
zero_before = ((ranked["previous"] == 0) & ranked["value"].notna()).any()
notes += [t("yoy_dash_pct")] if zero_before and not is_rate else []
st.caption(" ".join(notes))
ui.why_row(
    picked,
    lambda i: ui.why_parts(
        str(ranked["unit_code"].iloc[i]), str(ranked["name"].iloc[i]), chosen.indicator, period, chosen.official
    ),
)
