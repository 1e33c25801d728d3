"""Tải lên: download the template, upload a report, see every issue, confirm, stored."""

from __future__ import annotations

import streamlit as st

import ui
from reform import approval, fmt, importer, locks, periods, policy, store, template
from reform.config import settings
from reform.ingest import IngestError
from reform.texts import t

ui.page_header(t("page_upload"))
st.caption(t("upload_intro"))
if "up_flash" in st.session_state:  # what the last upload stored, read back, instead of a second check of the file
    st.success(st.session_state.pop("up_flash"), icon=":material/task_alt:")
    stored_id = st.session_state.pop("up_stored_id", None)
    if stored_id is not None:
        with st.expander(t("stored_title"), expanded=True):
            ui.show_changes(ui.run("upload_changes", upload_id=stored_id), "new_value", key="up_stored")
    st.caption(t("upload_another"))

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
    upload_mb = max(1, settings().max_upload_bytes // (1024 * 1024))
    ui.vietnamese_uploader(upload_mb)
    # a new key after each save empties the picker, so the stored file's bytes are let go
    generation = st.session_state.get("up_generation", 0)
    uploaded = st.file_uploader(
        t("upload_file"),
        type=["xlsx", "xls", "csv", "txt", "tsv"],
        key="up_file" if generation == 0 else f"up_file_{generation}",
        help=t("upload_help", mb=upload_mb),
        max_upload_size=upload_mb,
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
if "up_refused" in st.session_state:
    # this run has already checked the file again against what is stored now: the figures below are new
    ui.show_error_message(st.session_state.pop("up_refused"))
    st.button(t("recheck_button"), key="up_recheck", icon=":material/refresh:")

with st.container(border=True):  # what was understood comes before any figure or issue
    st.markdown(f"**{t('understood_title')}**")
    st.markdown("\n".join(f"- {fmt.plain(line)}" for line in importer.understood(prepared)))

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


def _commit(checked: importer.Prepared, by: policy.Person) -> None:
    """Store what the uploader saw and confirmed (bound when the button was drawn, not the file re-read on this
    run): refused, with nothing stored, when another upload wrote the same values since it was checked."""
    try:
        result = importer.commit(ui.cursor(), checked, user=by.label, person=by)
    except (store.StaleUpload, approval.Locked, locks.LockBusy) as exc:
        st.session_state["up_refused"] = str(exc)
        st.session_state["up_ack"] = False  # warnings of the new check are acknowledged anew
        return
    ui.clear_caches()
    if result is None:
        st.session_state["up_flash"] = t("nothing_new")
        return
    st.session_state["up_flash"] = t("committed", id=result.upload_id, inserted=result.inserted, updated=result.updated)
    generation = st.session_state.get("up_generation", 0)
    st.session_state["up_stored_id"] = result.upload_id
    st.session_state["up_generation"] = generation + 1
    st.session_state.pop("up_file" if generation == 0 else f"up_file_{generation}", None)


st.button(
    t("commit_button"),
    type="primary",
    disabled=not acknowledged,
    key="up_commit",
    icon=":material/save:",
    on_click=_commit,
    args=(prepared, who),
)
