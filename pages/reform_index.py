"""Chỉ số CCHC: the scope's child units ranked on the composite index, one unit's parts, the weights, a what-if."""

from __future__ import annotations

import pandas as pd
import streamlit as st

import ui
from reform import fmt, index_charts
from reform import index as core
from reform.texts import t

ui.page_header(t("page_index"))
period, scope, scope_name = ui.period_scope_or_stop()
official = ui.official_choice(ui.current())  # the sidebar's số liệu chính thức / tất cả số liệu
result = ui.index_result(scope, period, official)
st.caption(t("ci_caption", scope=scope_name, period=period.label))
if official:
    st.info(t("ci_official"), icon=":material/verified:")
else:
    st.warning(t("ci_provisional"), icon=":material/pending:")
if result.weights.empty:
    st.info(t("ci_no_weights"), icon=":material/table:")
    st.stop()
if result.units.empty:
    st.info(t("ci_none"), icon=":material/account_tree:")
    st.stop()

units = result.units
st.markdown(f"**{core.sentence(result)}**")


def _rank(rank: object, peers: object) -> str:
    return "–" if pd.isna(rank) else f"{int(rank)}/{int(peers)}"


def _interval(low: object, high: object) -> str:
    return "–" if pd.isna(low) else (f"{int(low)}" if low == high else f"{int(low)}–{int(high)}")


def _change(change: object) -> str:
    if pd.isna(change):
        return "–"
    return "không đổi" if change == 0 else (f"↑ {int(change)}" if change > 0 else f"↓ {int(-change)}")


ui.table(
    pd.DataFrame(
        {
            t("ci_col_unit"): units["name"],
            t("ci_col_score"): units["score"].round(1),
            t("ci_col_tier"): units["tier"],
            t("ci_col_rank"): [_rank(r.rank, r.peers) for r in units.itertuples()],
            t("ci_col_interval"): [_interval(r.rank_low, r.rank_high) for r in units.itertuples()],
            t("ci_col_borderline"): ["sát ngưỡng" if b is True else "" for b in units["borderline"]],
            t("ci_col_prev_rank"): [_rank(r.previous_rank, r.peers) for r in units.itertuples()],
            t("ci_col_change"): [_change(c) for c in units["rank_change"]],
            t("ci_col_geo"): units["score_geo"].round(1),
        }
    ),
    key="ci_table",
    column_config={t("ci_col_score"): ui.column_number("/100"), t("ci_col_geo"): ui.column_number("/100")},
)
st.caption(t("ci_rank_note", draws=fmt.number(core.DRAWS)))

weights = result.weights
since = pd.Timestamp(weights["valid_from"].iloc[0]).strftime("%d/%m/%Y")
st.markdown(f"**{t('ci_weights', version=result.version, since=since)}**")
ui.table(
    pd.DataFrame(
        {
            t("ci_col_pillar"): weights["pillar_name_vi"],
            t("ci_col_part"): weights["part_name_vi"],
            t("ci_col_floor"): weights["floor"],
            t("ci_col_target"): weights["target"],
            t("ci_col_points"): weights["points"],
        }
    ),
    key="ci_weights",
)
st.caption(t("ci_na_note", n=fmt.number(core.MIN_CASES)))

st.plotly_chart(
    index_charts.ranking_figure(units, title=t("ci_ranking", period=period.label), provisional=result.provisional),
    width="stretch",
    key="ci_chart",
)

names = dict(zip(units["unit_code"], units["name"], strict=True))
unit = st.selectbox(t("ci_unit"), list(names), format_func=names.get, key="ci_unit")
mine = result.parts[result.parts["unit_code"] == unit].merge(weights[["part", "part_name_vi"]], on="part", how="left")
mine = mine.assign(label=mine["part_name_vi"])
st.plotly_chart(
    index_charts.parts_figure(mine, title=t("ci_parts", unit=names[unit])), width="stretch", key="ci_parts_chart"
)
ui.table(
    pd.DataFrame(
        {
            t("ci_col_pillar"): mine["pillar_name_vi"],
            t("ci_col_part"): mine["part_name_vi"],
            t("ci_col_value"): [fmt.number(v, 1) for v in mine["value"]],
            t("ci_col_floor"): mine["floor"],
            t("ci_col_target"): mine["target"],
            t("ci_col_part_score"): [
                fmt.number(s, 1) if a else t("ci_na")
                for s, a in zip(mine["part_score"], mine["applicable"], strict=True)
            ],
            t("ci_col_points"): mine["points"],
            t("ci_col_eff"): mine["eff_points"].round(2),
        }
    ),
    key="ci_parts_table",
)

with st.expander(t("ci_whatif")):
    st.caption(t("ci_whatif_help"))
    edit_col, result_col = st.columns([2, 3])
    with edit_col:
        edited = st.data_editor(
            weights[["part", "part_name_vi", "points"]],
            disabled=["part", "part_name_vi"],
            hide_index=True,
            key="ci_whatif_editor",
            placeholder=ui.MISSING_CELL,
            column_config={"part": None, "part_name_vi": t("ci_col_part"), "points": t("ci_col_points")},
        )
    points = dict(zip(edited["part"], edited["points"].fillna(0).clip(lower=0), strict=True))
    with result_col:
        if sum(points.values()) <= 0:
            st.error(t("ci_whatif_help"))
        else:
            tried = core.what_if(result, points).merge(units[["unit_code", "name", "rank"]], on="unit_code")
            tried = tried.sort_values("score", ascending=False, na_position="last")
            ui.table(
                pd.DataFrame(
                    {
                        t("ci_col_unit"): tried["name"],
                        t("ci_col_score"): tried["score"].round(1),
                        t("ci_whatif_rank"): tried["rank_x"],
                        t("ci_whatif_move"): [_change(c) for c in tried["rank_y"] - tried["rank_x"]],
                    }
                ),
                key="ci_whatif_table",
            )
