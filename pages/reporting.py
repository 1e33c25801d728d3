"""Tình hình báo cáo: who has reported which quarter, the reporting rate, and who is still missing."""

from __future__ import annotations

import pandas as pd
import streamlit as st

import ui
from reform import charts, export, fmt, periods
from reform.texts import t

GRID_QUARTERS = 8
GRID_UNITS = 80  # rows of the status grid: the units with the most gaps
TABLE_ROWS = 1000  # units listed on the page; the whole list is a download


def behind_table(df: pd.DataFrame) -> pd.DataFrame:
    """The units behind as the reader sees them."""
    return pd.DataFrame(
        {
            t("col_unit"): df["name"],
            t("rep_col_parent"): df["parent_name"],
            t("rep_col_status"): df["status"].map(charts.STATUS_LABELS),
            t("rep_col_count"): [
                f"{r}/{e}" for r, e in zip(df["indicators_reported"], df["indicators_expected"], strict=True)
            ],
        }
    )


def behind_csv(df: pd.DataFrame) -> bytes:
    """The whole list of units behind, for the download."""
    table = behind_table(df)
    return export.table_csv(list(table.columns), table.itertuples(index=False))


chosen = ui.analysis_page(t("page_reporting"))
last = periods.from_date(chosen.period.end)
first = periods.quarter(last.year - GRID_QUARTERS // 4, last.last_q)
span = {"first": first.label, "last": last.label}
st.caption(f"{fmt.plain(chosen.scope_name)} · {first.label} – {last.label}")

rate = ui.run("reporting_rate", scope=chosen.scope, start=first.start, end=last.start)
now = rate[rate["period"] == pd.Timestamp(last.start)]
if not now.empty:
    r = now.iloc[0]
    st.markdown(
        t(
            "rep_now",
            period=last.label,
            reported=fmt.number(r["reported"]),
            expected=fmt.number(r["expected"]),
            complete=fmt.number(r["complete"]),
            rate=fmt.percent(r["rate"]),
        )
    )
st.plotly_chart(charts.reporting_rate_figure(rate, title=t("rep_rate", **span)), width="stretch", key="rep_rate_chart")

behind = ui.run("units_behind", scope=chosen.scope, quarter=last.start)
st.markdown(f"**{t('rep_missing', period=last.label, n=fmt.number(len(behind)))}**")
if behind.empty:
    st.success(t("rep_all_done", period=last.label), icon=":material/task_alt:")
else:
    if len(behind) > TABLE_ROWS:
        st.caption(t("rep_first_rows", shown=fmt.number(TABLE_ROWS), n=fmt.number(len(behind))))
    ui.table(behind_table(behind.head(TABLE_ROWS)), key="rep_missing_table")
    st.download_button(
        t("rep_download"),
        data=lambda: behind_csv(behind),
        file_name=f"chua_bao_cao_{last.code}_{chosen.scope}.csv",
        mime="text/csv",
        on_click="ignore",
        icon=":material/download:",
        key="rep_download",
    )

status = ui.run("completeness", scope=chosen.scope, start=first.start, end=last.start, limit=GRID_UNITS)
in_force = int(now["expected"].iloc[0]) if not now.empty else None
st.plotly_chart(
    charts.completeness_figure(status, title=t("rep_grid", **span), in_force=in_force),
    width="stretch",
    key="rep_grid_chart",
)
