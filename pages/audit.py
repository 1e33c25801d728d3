"""Nhật ký (quản trị): who did what, when, to what, and the outcome; filtered."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pandas as pd
import streamlit as st

import ui
from reform import policy
from reform.texts import t

AUDIT_SHOWN = 2000  # lines on screen, newest first

ui.page_header(t("page_audit"))
ui.require_admin()
st.caption(t("audit_intro"))

everything = policy.audit(ui.cursor())
c1, c2, c3, c4 = st.columns(4)
since = c1.date_input(t("audit_since"), value=date.today() - timedelta(days=30), key="au_since", format="DD/MM/YYYY")
every = t("audit_all")
actor = c2.selectbox(t("audit_actor"), [every, *sorted(everything["actor"].unique())], key="au_actor")
action = c3.selectbox(t("audit_action"), [every, *sorted(everything["action"].unique())], key="au_action")
outcome = c4.selectbox(t("audit_outcome"), [every, policy.OK, policy.REFUSED], key="au_outcome")
log = policy.audit(
    ui.cursor(),
    since=datetime.combine(since, datetime.min.time()) if since else None,
    actor=None if actor == every else actor,
    action=None if action == every else action,
    outcome=None if outcome == every else outcome,
)
if log.empty:
    st.info(t("audit_empty"), icon=":material/receipt_long:")
    st.stop()
ui.table(
    pd.DataFrame(
        {
            t("col_when"): log["happened_at"].dt.strftime("%H:%M:%S %d/%m/%Y"),
            t("audit_actor"): log["actor"],
            t("audit_action"): log["action"],
            t("col_target"): log["target"],
            t("audit_outcome"): log["outcome"],
            t("col_detail"): log["detail"],
        }
    ).head(AUDIT_SHOWN),
    key="au_table",
)
