"""Tổng quan: the latest quarter per group, against the same quarter last year, and who has reported."""

from __future__ import annotations

import pandas as pd
import streamlit as st

import ui
from reform import charts, fmt, periods
from reform import summary as core
from reform.texts import t

TONE_COLOR = {"good": "green", "bad": "red", "neutral": "gray", "none": "gray"}
SPARK_QUARTERS = 8
CARDS_PER_ROW = 3

chosen = ui.analysis_page(t("page_overview"))
period, scope_code, scope_name = chosen.period, chosen.scope, chosen.scope_name

figures = ui.summary(scope_code, period, chosen.official)
units_expected = int(figures["units_expected"].max())
reported = ui.run("units_reported", chosen.official, scope=scope_code, start=period.end, end=period.end)
units_reported = min(int(reported["units_reported"].iloc[0]), units_expected)

st.subheader(f"{fmt.plain(scope_name)}, {period.label}")
basis = "_official" if chosen.official else ""  # official figures count units approved, not units reported
st.progress(
    units_reported / units_expected if units_expected else 0.0,
    text=t("reported" + basis, n=units_reported, m=units_expected),
)
if units_reported < units_expected:
    st.warning(
        t("incomplete" + basis, period=period.label, k=units_expected - units_reported), icon=":material/schedule:"
    )

index_units = ui.index_result(scope_code, period, chosen.official).units.dropna(subset=["score"])
if not index_units.empty:  # the composite index of the units below, when the scope has any
    st.metric(
        t("ci_card_official" if chosen.official else "ci_card"),
        t("ci_card_value", good=int((index_units["score"] >= 70).sum()), n=len(index_units)),
        delta=f"{index_units['name'].iloc[0]}: {fmt.number(float(index_units['score'].iloc[0]), 1)} điểm",
        delta_color="off",
        delta_arrow="off",
        border=True,
        help=t("ci_card_help"),
    )

last = periods.from_date(period.end)
# three years of quarters: the sparklines and the trend chart share one query
trend_start = periods.quarter(last.year - 3, last.last_q).start
trend = ui.run("trend", chosen.official, scope=scope_code, start=trend_start, end=period.end)
sparks = ui.built(  # each card's last quarters, split once rather than filtered from the whole trend per card
    "ov_sparks",
    chosen,
    lambda: {
        code: part["value"].tail(SPARK_QUARTERS).round(2).tolist()
        for code, part in trend.groupby("indicator_code", sort=False)
    },
)


def movers_list(rows: pd.DataFrame, icon: str) -> None:
    """Bulleted indicators with how they moved, or a word that there are none."""
    if rows.empty:
        st.caption(t("movers_none"))
    for _, r in rows.iterrows():
        st.markdown(f"{icon} **{r['short_vi']}**: {core.change_text(r)}")


good, bad = ui.built("ov_movers", chosen, lambda: core.movers(figures))
left, right = st.columns(2)
with left, st.container(border=True):
    st.markdown(f"**{t('movers_good')}**")
    movers_list(good, ":green[:material/check_circle:]")
with right, st.container(border=True):
    st.markdown(f"**{t('movers_bad')}**")
    movers_list(bad, ":orange[:material/error:]")


def card(row: pd.Series) -> None:
    """One indicator as a metric card: value, change against last year, sparkline."""
    series = sparks.get(row["code"], [])
    arrow = "off" if row["tone"] == "none" or not row["change"] else ("up" if row["change"] > 0 else "down")
    shown_unit = row["unit"] if core.is_percent(row["unit"]) or row["type"] == "rate" else ""
    st.metric(
        row["short_vi"],
        fmt.with_unit(row["value"], shown_unit, int(row["decimals"])),
        delta=core.change_text(row, note=False),  # the card is narrow: the comparison base is in its help
        delta_color=TONE_COLOR[row["tone"]],
        delta_arrow=arrow,
        border=True,
        chart_data=series or None,
        help=f"{row['name_vi']} ({row['unit']}). {t('col_units')}: {int(row['units_reported'])}/{units_expected}"
        + (f". {t('compared_help', note=core.compared_note(row))}" if core.compared_note(row) else ""),
    )
    if st.button(t("why_button"), key=f"why_{row['code']}", type="tertiary", icon=":material/help:"):
        ui.why_dialog(scope_code, scope_name, row["code"], period.code, chosen.official)


def detail_table(group: pd.DataFrame) -> pd.DataFrame:
    """Every indicator of a group as readable Vietnamese text."""
    return pd.DataFrame(
        {
            t("col_indicator"): group["name_vi"],
            t("col_value"): [fmt.with_unit(r.value, r.unit, int(r.decimals)) for r in group.itertuples()],
            t("col_previous"): [fmt.with_unit(r.previous, r.unit, int(r.decimals)) for r in group.itertuples()],
            t("col_change"): [core.change_text(r) for _, r in group.iterrows()],
            t("col_units"): [f"{int(r.units_reported)}/{units_expected}" for r in group.itertuples()],
        }
    )


spark = sorted(pd.to_datetime(trend["period"]).unique())[-SPARK_QUARTERS:]
if spark:  # a sparkline says nothing until the reader knows which quarters it covers
    first, final = (periods.from_date(pd.Timestamp(p).date()).label for p in (spark[0], spark[-1]))
    st.caption(t("spark_span", n=len(spark), first=first, last=final))

for _group_code, group in figures.groupby("group_code", sort=False):
    st.markdown(f"### {group['group_name'].iloc[0]}")
    headline = group[group["headline"]]
    for start in range(0, len(headline), CARDS_PER_ROW):
        for col, (_, row) in zip(
            st.columns(CARDS_PER_ROW), headline.iloc[start : start + CARDS_PER_ROW].iterrows(), strict=False
        ):
            with col:
                card(row)
    with st.expander(t("all_indicators", group=group["group_name"].iloc[0])):
        shown = ui.built(f"ov_table_{_group_code}", chosen, lambda group=group: detail_table(group))
        picked = ui.table(shown, key=f"ov_table_{_group_code}", selectable=True)
        if picked is None:
            st.caption(t("why_pick"))
        else:
            st.markdown(f"**{t('why_title')}**")
            ui.why_parts(scope_code, scope_name, group["code"].iloc[picked], period, chosen.official)

previous_label = period.shift_years(-1).label
st.caption(t("compare_note", prev=previous_label) + " " + t("lineage_note"))

names = figures.set_index("code").loc[core.KEY_RATES, "name_vi"].to_dict()
trend_event = ui.chart(
    "ov_trend",
    chosen,
    lambda: charts.trend_figure(
        trend[trend["indicator_code"].isin(core.KEY_RATES)],
        title=t("trend_title", scope=scope_name),
        y_title=t("trend_y"),
        names=names,
    ),
    clickable=True,
)
ui.why_chart(trend_event, lambda p: ui.why_parts(scope_code, scope_name, p[0], periods.parse(p[1]), chosen.official))
