"""Lịch sử tải lên: every upload, what it changed, undo, and the story of one value."""

from __future__ import annotations

import pandas as pd
import streamlit as st

import ui
from reform import fmt, locks, periods, policy, store
from reform.texts import t

ui.page_header(t("page_uploads"))
st.caption(t("uploads_intro"))
if "ul_flash" in st.session_state:
    st.success(st.session_state.pop("ul_flash"), icon=":material/task_alt:")

who = ui.current()
# someone who is not quản trị sees their own uploads (another's file may hold units they may not see)
uploads = ui.run("uploads") if who.admin else ui.run("uploads_of", person_id=who.id)
if uploads.empty:
    st.info(t("uploads_empty"), icon=":material/history:")
    st.stop()
_, indicator_names = ui.names()
status = {"stored": t("status_stored"), "undone": t("status_undone")}
ui.table(
    pd.DataFrame(
        {
            t("col_id"): uploads["id"],
            t("col_when"): uploads["created_at"].dt.strftime("%H:%M %d/%m/%Y"),
            t("col_who"): uploads["user_name"],
            t("col_file"): uploads["file_name"],
            t("col_layout"): uploads["layout"].map(ui.layout_label),
            t("sum_new"): uploads["inserted"],
            t("sum_changed"): uploads["updated"],
            t("sum_unchanged"): uploads["unchanged"],
            t("col_status"): uploads["status"].map(status),
        }
    ),
    key="ul_table",
    column_config={c: ui.column_number(t("unit_values")) for c in (t("sum_new"), t("sum_changed"), t("sum_unchanged"))},
)

labels = {int(r.id): f"Số {r.id} · {r.file_name} · {r.created_at:%d/%m/%Y %H:%M}" for r in uploads.itertuples()}
chosen = st.selectbox(t("uploads_pick"), list(labels), key="ul_pick", format_func=labels.get)
changes = ui.run("upload_changes", upload_id=chosen)
st.markdown(f"**{t('uploads_changes')}**")
ui.show_changes(changes, "new_value", key="ul_changes")

row = uploads.set_index("id").loc[chosen]
if row["status"] == "stored" and row["layout"] != "undo":
    sure = st.checkbox(t("undo_confirm", id=chosen), key="ul_confirm")
    if st.button(t("undo_button"), disabled=not sure, key="ul_undo", icon=":material/undo:"):
        if not policy.may_undo(ui.cursor(), who, chosen):
            policy.record(ui.cursor(), who, "undo", chosen, policy.REFUSED, "not_owner")
            ui.show_error_message(t("undo_not_yours"))
            st.stop()
        try:
            res = store.undo(ui.cursor(), chosen, user=who.label)
        except (store.UndoRefused, locks.LockBusy) as exc:
            policy.record(ui.cursor(), who, "undo", chosen, policy.REFUSED, str(exc))
            ui.show_error_message(str(exc))
        else:
            policy.record(ui.cursor(), who, "undo", chosen)
            ui.clear_caches()
            st.session_state["ul_flash"] = t("undone", id=chosen, restored=res.restored, removed=res.removed)
            st.rerun()

st.subheader(t("story_title"))
c1, c2, c3 = st.columns(3)
unit = ui.unit_picker(c1, t("col_unit"), key="ul_story_unit", who=who)
quarter = c2.selectbox(
    t("col_period"), ui.quarter_options(), key="ul_story_period", format_func=lambda c: periods.parse(c).label
)
indicator = c3.selectbox(
    t("col_indicator"), list(indicator_names), key="ul_story_indicator", format_func=indicator_names.get
)
if unit is None:  # the picker has said what to type
    st.stop()
story = ui.run("value_story", unit=unit, period=periods.parse(quarter).start, indicator=indicator)
if story.empty:
    st.caption(t("story_empty"))
else:
    ui.table(
        pd.DataFrame(
            {
                t("col_when"): story["changed_at"].dt.strftime("%H:%M %d/%m/%Y"),
                t("col_id"): story["upload_id"],
                t("col_file"): story["file_name"],
                t("col_who"): story["user_name"],
                t("col_old"): [fmt.compact(v) for v in story["old_value"]],
                t("col_new"): [fmt.compact(v) for v in story["new_value"]],
            }
        ),
        key="ul_story",
    )
