"""Tải lên: download the template, upload a report, see every issue, confirm, stored."""

from __future__ import annotations

import streamlit as st

import ui
from reform import fmt, importer, periods, policy, template
from reform.config import settings
from reform.ingest import IngestError
from reform.texts import t

ui.page_header(t("page_upload"))
st.caption(t("upload_intro"))
if "up_flash" in st.session_state:
    st.success(st.session_state.pop("up_flash"), icon=":material/task_alt:")

if ui.root_unit() is None:
    st.info(t("no_units"), icon=":material/account_tree:")
    st.stop()
who = ui.current()
if not policy.may_upload(who):
    st.info(t("upload_not_allowed"), icon=":material/visibility:")
    st.stop()

# --- 1. template ------------------------------------------------------------------------------
st.subheader(t("template_title"))
st.caption(t("template_help"))
quarters = ui.quarter_options()
col_period, col_units = st.columns([1, 3])
with col_period:
    tpl_period = st.selectbox(
        t("template_period"), quarters, key="up_tpl_period", format_func=lambda c: periods.parse(c).label
    )
unit_label = ui.unit_labeller()

in_force = ui.run("units_in_force", at=periods.parse(tpl_period).start)
if not who.admin:  # the template offers only the units this person may upload for
    refused = set(policy.units_not_writable(ui.cursor(), who, in_force["code"].tolist()))
    in_force = in_force[~in_force["code"].isin(refused)]
stem = f"mau_bao_cao_{tpl_period}"
with col_units:
    if len(in_force) <= ui.UNIT_PICK_MAX:
        offered, everyone = list(in_force["code"]), None
    else:  # a long register: the units below one unit, picked from the units that have units below them
        above = in_force[in_force["code"].isin(set(in_force["parent_code"].dropna()))]
        top = st.selectbox(
            t("template_under"),
            list(above["code"]),
            key="up_tpl_top",
            format_func=unit_label,
        )
        st.caption(t("template_under_help", n=fmt.number(len(in_force))))
        offered = ui.run("units_with_depth", scope=top, at=periods.parse(tpl_period).start)["code"].tolist()
        everyone, stem = offered, f"{stem}_{top}"
    if not who.admin and everyone is None:  # never "every unit in force": only this person's units
        everyone = offered
    tpl_units = (
        st.multiselect(
            t("template_units") if everyone is None else t("template_units_under", n=fmt.number(len(offered))),
            offered,
            key="up_tpl_units",
            placeholder=t("all_units"),
            format_func=unit_label,
        )
        if len(offered) <= ui.UNIT_PICK_MAX
        else []  # too many to pick one by one: the template holds them all
    )
st.download_button(
    t("template_button"),
    data=lambda: template.build(ui.cursor(), periods.parse(tpl_period), tpl_units or everyone),
    file_name=f"{stem}.xlsx",
    mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    icon=":material/download:",
    key="up_tpl_download",
)

# --- 2. upload, check, confirm ------------------------------------------------------------------
st.subheader(t("upload_title"))
col_file, col_period = st.columns([3, 1])
with col_file:
    uploaded = st.file_uploader(
        t("upload_file"),
        type=["xlsx", "csv", "txt", "tsv"],
        key="up_file",
        max_upload_size=max(1, settings().max_upload_bytes // (1024 * 1024)),
    )
with col_period:
    auto = t("upload_period_auto")
    chosen = st.selectbox(
        t("upload_period"),
        [auto, *quarters],
        key="up_period",
        format_func=lambda c: c if c == auto else periods.parse(c).label,
    )
st.caption(t("upload_by", who=fmt.plain(who.label)))  # the signed-in person, never typed

if uploaded is None:
    st.stop()

data = uploaded.getvalue()
period = None if chosen == auto else periods.parse(chosen)
bar = st.progress(0.0, text=t("upload_checking"))
try:
    prepared = importer.prepare(
        ui.cursor(),
        data,
        uploaded.name,
        period=period,
        progress=lambda f, text: bar.progress(f, text=text),
        person=None if who.everything else who,
    )
except IngestError as exc:
    bar.empty()
    st.error(t("upload_unreadable", message=fmt.plain(exc.message)), icon=":material/block:")
    st.stop()
bar.empty()

summary = prepared.summary()
foreign = [i for i in prepared.report.errors if i.code == "E_NOT_YOUR_UNIT"]
if foreign and st.session_state.get("up_refused") != prepared.digest:  # the refused attempt, recorded once
    st.session_state["up_refused"] = prepared.digest
    policy.record(ui.cursor(), who, "upload", None, policy.REFUSED, f"E_NOT_YOUR_UNIT {prepared.file_name}")
cols = st.columns(6)
for col, (key, value) in zip(
    cols,
    [
        ("sum_rows", summary["rows"]),
        ("sum_new", summary["inserted"]),
        ("sum_changed", summary["updated"]),
        ("sum_unchanged", summary["unchanged"]),
        ("sum_errors", len(summary["errors"])),
        ("sum_warnings", len(summary["warnings"])),
    ],
    strict=True,
):
    col.metric(t(key), fmt.number(value), border=True)
st.caption(
    t(
        "file_read_as",
        layout=t(f"layout_{summary['layout']}"),
        encoding=summary["encoding"] or "Excel",
        skipped=summary["skipped_rows"],
    )
)
ui.show_report(prepared.report)

changes = prepared.preview.changes
if not changes.empty:
    with st.expander(t("changes_title"), expanded=not prepared.report.errors):
        ui.show_changes(changes, "value", key="up_changes")

if prepared.report.errors:
    st.stop()
if summary["inserted"] + summary["updated"] == 0:
    st.info(t("nothing_new"), icon=":material/check_circle:")
    st.stop()
acknowledged = True
if prepared.report.warnings:
    acknowledged = st.checkbox(t("warnings_ack"), key="up_ack")
if st.button(t("commit_button"), type="primary", disabled=not acknowledged, key="up_commit", icon=":material/save:"):
    result = importer.commit(ui.cursor(), prepared, user=who.label, person=who)
    ui.clear_caches()
    st.session_state["up_flash"] = t("committed", id=result.upload_id, inserted=result.inserted, updated=result.updated)
    st.rerun()
