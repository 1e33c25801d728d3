"""Entry point: `streamlit run dashboard.py`. Page config, navigation, shared sidebar."""

from __future__ import annotations

import streamlit as st

import ui
from reform.texts import t

st.set_page_config(page_title=t("app_title"), page_icon=":material/account_balance:", layout="wide")

# Sign-in first: someone who may not use the app (signed out, no grant, sign-in not configured) gets one
# page that says so, whatever the URL, and nothing else.
PAGE_PATHS = ("indicators", "year_on_year", "reporting", "unit_profile", "present", "deck", "upload", "uploads")
who = ui.person()
if who is None or not who.has_grant:
    # every page's address leads to the same gate (not to a "page not found" over it)
    gate = [st.Page(ui.gate_page, title=t("sign_in_title"), icon=":material/login:", default=True)]
    gate += [st.Page(ui.gate_page, title=t("sign_in_title"), url_path=p) for p in (*PAGE_PATHS, "people", "audit")]
    st.navigation(gate, position="hidden").run()
    st.stop()

pages = {
    t("nav_analysis"): [
        st.Page("pages/overview.py", title=t("page_overview"), icon=":material/dashboard:", default=True),
        st.Page("pages/indicators.py", title=t("page_indicators"), icon=":material/stacked_line_chart:"),
        st.Page("pages/year_on_year.py", title=t("page_yoy"), icon=":material/compare_arrows:"),
        st.Page("pages/reporting.py", title=t("page_reporting"), icon=":material/fact_check:"),
        st.Page("pages/unit_profile.py", title=t("page_profile"), icon=":material/badge:"),
        st.Page("pages/reform_index.py", title=t("page_index"), icon=":material/leaderboard:"),
    ],
    t("nav_briefing"): [
        st.Page("pages/present.py", title=t("page_present"), icon=":material/slideshow:"),
        st.Page("pages/deck.py", title=t("page_deck"), icon=":material/edit_note:"),
    ],
    t("nav_data"): [
        st.Page("pages/upload.py", title=t("page_upload"), icon=":material/upload_file:"),
        st.Page("pages/uploads.py", title=t("page_uploads"), icon=":material/history:"),
    ],
}
if who.admin:
    pages[t("nav_admin")] = [
        st.Page("pages/people.py", title=t("page_people"), icon=":material/group:"),
        st.Page("pages/audit.py", title=t("page_audit"), icon=":material/receipt_long:"),
    ]
page = st.navigation(pages)
ui.cursor()  # open the database first: while another process holds it, the page says so in its main area

with st.sidebar:
    st.markdown(f"**{t('app_title')}**  \n{t('app_subtitle')}")
    version = ui.data_version()
    if version["uploads"]:
        st.caption(t("data_updated", when=version["last_changed"].strftime("%H:%M %d/%m/%Y")))
    if ui.meta("dataset") == "demo":
        st.caption(t("demo_banner"))
    ui.who_box(who)

page.run()
