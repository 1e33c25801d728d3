"""Hồ sơ đơn vị: one unit's indicator over time against the median of its peers, and its rank history."""

from __future__ import annotations

import pandas as pd
import streamlit as st

import ui
from reform import charts, fmt, periods
from reform.texts import t

PROFILE_QUARTERS = 12

chosen = ui.analysis_page(t("page_profile"))
last = periods.from_date(chosen.period.end)
unit, unit_name = chosen.scope, chosen.scope_name
if chosen.scope == ui.root_unit()[0]:  # the top has no peers: open on its first unit rather than on nothing
    below = ui.run("children_started", scope=chosen.scope, end=last.start)
    if below.empty:
        st.info(t("prof_pick"), icon=":material/account_tree:")
        st.stop()
    # the first unit (register order) with a figure for the indicator: a unit of zeros shows nothing
    ranked = ui.run(
        "rank",
        chosen.official,
        scope=chosen.scope,
        indicator=chosen.indicator,
        start=chosen.period.start,
        end=chosen.period.end,
    )
    shown = ranked[ranked["value"].fillna(0) != 0].sort_values("unit_code")["unit_code"]
    unit = str(shown.iloc[0]) if not shown.empty else str(below["code"].iloc[0])
    unit_name = ui.names()[0].get(unit, unit)
    st.info(t("prof_first_child", unit=unit_name, scope=chosen.scope_name), icon=":material/account_tree:")
cat = ui.run("catalog").set_index("code")
ind = cat.loc[chosen.indicator]
first = periods.quarter(last.year - PROFILE_QUARTERS // 4, last.last_q)
mine = ui.run("peer_figures", chosen.official, unit=unit, indicator=chosen.indicator, start=first.start, end=last.start)
# peers are units of the same type under the same Tỉnh ủy: their median and the rank are for those who may see them all
peers_visible = ui.may_see(ui.current(), ui.root_unit()[0])
frame = str(mine["peer_scope"].iloc[0]) if not mine.empty else ""
span = {"first": first.label, "last": last.label, "frame": frame}
st.subheader(fmt.plain(unit_name))
if not peers_visible:
    st.caption(t("prof_no_peers"))
else:
    ui.chart(
        "prof_chart",
        (chosen, unit),
        lambda: charts.profile_figure(
            mine,
            title=t("prof_vs_peers", name=ind["short_vi"], **span),
            unit_name=unit_name,
            y_title=ind["unit"],
            color=ind["group_color"],
            decimals=int(ind["decimals"]),
            median_name=t("prof_median", frame=frame),
        ),
    )
    n_peers = int(mine["peers"].max()) if not mine.empty else 0
    ui.chart(
        "prof_rank_chart",
        (chosen, unit),
        lambda: charts.rank_history_figure(
            mine, title=t("prof_rank", unit=unit_name, peers=n_peers, **span), color=ind["group_color"]
        ),
    )

figures = ui.summary(unit, chosen.period, chosen.official)
group = figures[figures["group_code"] == chosen.group]
st.markdown(f"**{t('prof_table', unit=fmt.plain(unit_name), period=chosen.period.label)}**")
ui.table(
    pd.DataFrame(
        {
            t("col_indicator"): group["name_vi"],
            t("col_value"): [fmt.with_unit(r.value, r.unit, int(r.decimals)) for r in group.itertuples()],
            t("col_previous"): [fmt.with_unit(r.previous, r.unit, int(r.decimals)) for r in group.itertuples()],
        }
    ),
    key="prof_table",
)
