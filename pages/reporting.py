"""Tình hình báo cáo: who has reported which quarter, the reporting rate, and who is still missing."""

from __future__ import annotations

from datetime import date

import pandas as pd
import streamlit as st

import ui
from reform import approval, charts, export, fmt, locks, periods
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

rate = ui.run("reporting_rate", chosen.official, scope=chosen.scope, start=first.start, end=last.start)
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
ui.chart("rep_rate_chart", chosen, lambda: charts.reporting_rate_figure(rate, title=t("rep_rate", **span)))

behind = ui.run("units_behind", chosen.official, scope=chosen.scope, quarter=last.start)
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

status = ui.run(
    "completeness", chosen.official, scope=chosen.scope, start=first.start, end=last.start, limit=GRID_UNITS
)
in_force = int(now["expected"].iloc[0]) if not now.empty else None
ui.chart(
    "rep_grid_chart",
    chosen,
    lambda: charts.completeness_figure(status, title=t("rep_grid", **span), in_force=in_force),
)

# --- the approval board: per unit of the scope, the state of the last quarter and what can be done now
who = ui.current()
st.markdown(f"### {t('board_title', period=last.label)}")
if not chosen.period.is_quarter:
    st.caption(t("board_quarter_only", period=last.label))
# read like the figures, from the lake's read copy when it holds this data version (every transition moves
# it); the actions below write with a cursor of the database itself
con = ui.reader(int(ui.data_version()["cache_version"]))
board = approval.board(con, who, chosen.scope, last.start)
counts = board["state"].value_counts()
st.caption(t("board_counts", **{s: int(counts.get(s, 0)) for s in approval.STATES}))
ui.table(
    pd.DataFrame(
        {
            t("col_unit"): board["name"],
            t("col_state"): board["state"].map(approval.STATE_NAMES),
            t("board_col_by"): board["changed_by"],
            t("board_col_at"): pd.to_datetime(board["changed_at"]).dt.strftime("%d/%m/%Y %H:%M"),
            t("board_col_reason"): board["reason"],
            t("board_col_can"): [", ".join(approval.ACTION_NAMES[a] for a in acts) for acts in board["actions"]],
        }
    ),
    key="board_table",
)
doable = board[board["actions"].map(bool)]
if doable.empty:
    st.caption(t("board_nothing"))
else:
    names = dict(zip(doable["unit_code"], doable["name"], strict=True))
    with st.form("board_form", border=True, clear_on_submit=True):  # no reason carried to the next action
        unit = st.selectbox(t("board_unit"), list(names), format_func=names.get, key="board_unit")
        everything = sorted({a for acts in doable["actions"] for a in acts}, key=approval.ACTIONS.index)
        action = st.selectbox(t("board_action"), everything, format_func=approval.ACTION_NAMES.get, key="board_action")
        reason = st.text_input(t("board_reason"), key="board_reason")
        if st.form_submit_button(t("board_act"), type="primary"):
            try:
                done = approval.act(ui.cursor(), who, action, unit, last.start, reason or None)
            except (approval.ApprovalRefused, locks.LockBusy) as exc:
                st.error(str(exc), icon=":material/block:")
            else:
                st.success(t("board_done", unit=names[unit], state=approval.STATE_NAMES[done.state]))
                st.rerun()

changed = approval.changes_since_submission(con, chosen.scope, last.start)
with st.expander(f"{t('board_changes')} ({len(changed)})"):
    if changed.empty:
        st.caption(t("board_no_changes"))
    else:
        ui.table(
            pd.DataFrame(
                {
                    t("col_unit"): changed["unit_code"],
                    t("col_indicator"): changed["indicator_code"],
                    t("col_previous"): changed["old_value"],
                    t("col_value"): changed["new_value"],
                    t("col_uploaded_at"): pd.to_datetime(changed["changed_at"]).dt.strftime("%d/%m/%Y %H:%M"),
                }
            ),
            key="board_changes_table",
        )

if who.admin:  # the entry window and its exceptions: quản trị only (reform.approval checks it again)
    window = approval.window_days(con)
    with st.expander(t("window_title", days=window)):
        with st.form("window_form", border=False):
            days = st.number_input(t("window_days"), min_value=0, step=1, value=window)
            if st.form_submit_button(t("window_save")):
                approval.set_window_days(ui.cursor(), who, int(days))
                st.rerun()
        granted = approval.exceptions(con, chosen.scope, last.start)
        if not granted.empty:
            ui.table(
                pd.DataFrame(
                    {
                        t("col_unit"): granted["name"],
                        t("board_col_by"): granted["granted_by"],
                        t("board_col_at"): pd.to_datetime(granted["granted_at"]).dt.strftime("%d/%m/%Y %H:%M"),
                        t("board_col_reason"): granted["reason"],
                    }
                ),
                key="window_exceptions",
            )
        all_units = dict(zip(board["unit_code"], board["name"], strict=True))
        with st.form("exception_form", border=False, clear_on_submit=True):
            unit = st.selectbox(t("window_unit", period=last.label), list(all_units), format_func=all_units.get)
            why = st.text_input(t("window_reason"), key="exception_reason")
            if st.form_submit_button(t("window_grant")):
                try:
                    approval.grant_exception(ui.cursor(), who, unit, last.start, why)
                except (approval.ApprovalRefused, locks.LockBusy) as exc:
                    st.error(str(exc), icon=":material/block:")
                else:
                    st.rerun()

late = board[board["state"] == approval.OPEN]
if not late.empty:
    st.markdown(f"**{t('board_reminder')}** ({len(late)})")
    due = approval.deadline(con, last.start, date.today())
    st.code(approval.reminder(late["name"].tolist(), last.start, due), language=None, wrap_lines=True)
    header = [t("col_unit"), t("rep_col_parent"), t("col_state")]
    rows = [[r.unit_code + " " + r.name, r.parent_code or "", approval.STATE_NAMES[r.state]] for r in late.itertuples()]
    st.download_button(
        t("board_xlsx"),
        data=lambda: export.table_xlsx(header, rows, title=last.label),
        file_name=f"chua_nop_{last.code}_{chosen.scope}.xlsx",
        mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        on_click="ignore",
        icon=":material/download:",
        key="board_xlsx",
    )
