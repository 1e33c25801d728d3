"""Người dùng (quản trị): people, their roles over units, grant and revoke, last sign-in."""

from __future__ import annotations

import pandas as pd
import streamlit as st

import ui
from reform import fmt, policy
from reform.texts import t

ui.page_header(t("page_people"))
who = ui.require_admin()
st.caption(t("people_intro"))
if "pp_flash" in st.session_state:
    st.success(st.session_state.pop("pp_flash"), icon=":material/task_alt:")

people = policy.people(ui.cursor())
unit_label = ui.unit_labeller()
if people.empty:
    st.info(t("people_empty"), icon=":material/group:")
else:
    ui.table(
        pd.DataFrame(
            {
                t("people_email"): people["email"],
                t("people_subject"): people["subject"],
                t("people_role"): people["role"].map(policy.ROLE_NAMES),
                t("people_unit"): [None if pd.isna(u) else unit_label(u) for u in people["unit"]],
                t("people_last"): people["last_sign_in"].dt.strftime("%H:%M %d/%m/%Y"),
            }
        ),
        key="pp_table",
    )

st.subheader(t("people_grant"))
with st.form("pp_grant", clear_on_submit=True, border=False):
    c1, c2, c3 = st.columns([2, 1, 2])
    email = c1.text_input(t("people_who"), key="pp_email", help=t("people_who_help"))
    role = c2.selectbox(t("people_role"), list(policy.ROLES), format_func=policy.ROLE_NAMES.get, key="pp_role")
    unit = ui.unit_picker(c3, t("people_unit"), key="pp_unit")
    if st.form_submit_button(t("people_grant"), type="primary", icon=":material/person_add:"):
        try:
            policy.grant(ui.cursor(), who, email, role, unit, subject=not policy.is_email(email))
        except policy.PolicyError as exc:
            ui.show_error_message(str(exc))
        else:
            st.session_state["pp_flash"] = t(
                "people_granted", role=policy.ROLE_NAMES[role], email=fmt.plain(email.strip())
            )
            st.rerun()

granted = people.dropna(subset=["role"])
if not granted.empty:
    st.subheader(t("people_revoke"))
    options = list(granted.itertuples(index=False))
    picked = st.selectbox(
        t("people_pick"),
        range(len(options)),
        key="pp_pick",
        format_func=lambda i: (
            f"{options[i].email or options[i].subject} · {policy.ROLE_NAMES[options[i].role]}"
            + ("" if pd.isna(options[i].unit) else f" · {options[i].unit}")
        ),
    )
    if st.button(t("people_revoke"), key="pp_revoke", icon=":material/person_remove:"):
        row = options[picked]
        try:
            n = policy.revoke(
                ui.cursor(), who, row.email or row.subject, row.role, None if pd.isna(row.unit) else row.unit
            )
        except policy.PolicyError as exc:
            ui.show_error_message(str(exc))
        else:
            st.session_state["pp_flash"] = t("people_revoked", n=n, email=fmt.plain(row.email or row.subject))
            st.rerun()
