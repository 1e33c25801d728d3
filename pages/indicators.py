"""Chỉ tiêu theo nhóm: one indicator of the chosen group, its trend, the child units against last year,
their ranking and a units × quarters heatmap."""

from __future__ import annotations

import pandas as pd
import streamlit as st

import ui
from reform import charts, fmt, periods
from reform.texts import t

HEATMAP_QUARTERS = 8

chosen = ui.analysis_page(t("page_indicators"))
period, scope = chosen.period, chosen.scope
ind = ui.run("catalog").set_index("code").loc[chosen.indicator]
unit_label, decimals = ind["unit"], int(ind["decimals"])
st.subheader(f"{ind['name_vi']} ({unit_label})")
st.caption(f"{fmt.plain(chosen.group_name)} · {fmt.plain(chosen.scope_name)} · {period.label}")

last = periods.from_date(period.end)
trend = ui.run(
    "trend", chosen.official, scope=scope, start=periods.quarter(last.year - 4, last.last_q).start, end=period.end
)
trend = trend[trend["indicator_code"] == chosen.indicator]
trend_event = ui.chart(
    "ind_trend_chart",
    chosen,
    lambda: charts.trend_figure(
        trend,
        title=t("ind_trend", name=ind["short_vi"], scope=chosen.scope_name, period=period.label),
        y_title=unit_label,
        names={chosen.indicator: ind["short_vi"]},
        decimals=decimals,
    ),
    clickable=True,
)
ui.why_chart(
    trend_event,
    lambda p: ui.why_parts(scope, chosen.scope_name, p[0], periods.parse(p[1]), chosen.official),
)

ranked = ui.run("rank", chosen.official, scope=scope, indicator=chosen.indicator, start=period.start, end=period.end)
if ranked.empty:
    st.info(
        t("ind_no_children", scope=fmt.plain(chosen.scope_name), period=period.label), icon=":material/account_tree:"
    )
    st.stop()

yoy_event = ui.chart(
    "ind_yoy_chart",
    chosen,
    lambda: charts.dumbbell_figure(
        ranked,
        title=t("ind_yoy", name=ind["short_vi"], period=period.label),
        x_title=unit_label,
        color=ind["group_color"],
        decimals=decimals,
    ),
    clickable=True,
)
unit_names = dict(zip(ranked["unit_code"], ranked["name"], strict=True))
ui.why_chart(
    yoy_event,
    lambda p: ui.why_parts(p[0], unit_names.get(p[0], p[0]), chosen.indicator, period, chosen.official),
)
st.caption(t("lineage_note"))


def rank_change(now: object, before: object) -> str:
    """ "↑ lên 3 bậc" when the unit climbed three places, "↓ xuống 2 bậc", "= giữ nguyên", or "mới" without
    a rank last year: places in the ranking, written out so they are never read as values."""
    if pd.isna(now):
        return ""
    if pd.isna(before):
        return t("rank_new")
    moved = int(before) - int(now)
    if moved == 0:
        return t("rank_same")
    return t("rank_up", n=moved) if moved > 0 else t("rank_down", n=-moved)


st.markdown(f"**{t('ind_ranking', period=period.label)}**")
if ind["good"] == "neutral":
    st.caption(t("ind_neutral"))
picked = ui.table(
    pd.DataFrame(
        {
            # the rank and its move side by side, the values after the unit's name: a move of places
            # never stands next to a value it could be read against
            t("col_rank"): ranked["rank"].astype("Int64"),
            t("col_rank_change"): [
                rank_change(a, b) for a, b in zip(ranked["rank"], ranked["previous_rank"], strict=True)
            ],
            t("col_unit"): ranked["name"],
            t("col_value"): [fmt.with_unit(v, unit_label, decimals) for v in ranked["value"]],
            t("col_previous"): [fmt.with_unit(v, unit_label, decimals) for v in ranked["previous"]],
        }
    ),
    key="ind_ranking_table",
    selectable=True,
)
ui.why_row(
    picked,
    lambda i: ui.why_parts(
        str(ranked["unit_code"].iloc[i]), str(ranked["name"].iloc[i]), chosen.indicator, period, chosen.official
    ),
)

first = periods.from_date(period.end)
heat_start = periods.quarter(first.year - (HEATMAP_QUARTERS // 4), first.last_q)
heat = ui.run(
    "group_trend", chosen.official, scope=scope, indicator=chosen.indicator, start=heat_start.start, end=period.end
)
heat = heat.merge(ranked[["unit_code", "name"]], on="unit_code")
ui.chart(
    "ind_heatmap_chart",
    chosen,
    lambda: charts.heatmap_figure(
        heat,
        title=t("ind_heatmap", name=ind["short_vi"], first=heat_start.label, last=last.label),
        unit_label=unit_label,
        decimals=decimals,
        reverse=ind["good"] == "down",
    ),
)
