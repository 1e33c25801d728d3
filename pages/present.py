"""Trình chiếu: one slide per screen for the briefing, large type, the slide number in the URL."""

from __future__ import annotations

from html import escape

import streamlit as st

import ui
from reform import briefing, charts, fmt, narrative
from reform.texts import t

PROJECTOR_CSS = """
<style>
.pr-title {font-size: 2.6rem; font-weight: 700; line-height: 1.15; color: #111; margin: 0 0 .3rem 0;}
.pr-headline {font-size: 1.75rem; font-weight: 600; color: #1f4f8a; margin: 0 0 .8rem 0;}
.pr-text {font-size: 1.35rem; line-height: 1.45; color: #111; padding-left: 1.1rem;}
.pr-text li {font-size: 1.4rem; line-height: 1.45; margin-bottom: .4rem; color: #111;}
.pr-footer {font-size: 1.05rem; color: #333; border-top: 2px solid #1f4f8a; padding-top: .4rem; margin-top: .6rem;}
.st-key-pr_pageup, .st-key-pr_pagedown {display: none;}
</style>
"""
FULL_SCREEN_CSS = """
<style>
[data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"], header[data-testid="stHeader"] {display: none;}
.block-container {padding-top: 1rem; max-width: 100%;}
</style>
"""

ui.router_check()
period, scope, _ = ui.period_scope_or_stop()
decks = ui.deck_names()
if st.query_params.get("bai") and st.query_params["bai"] not in decks:  # a deck this person may not see
    st.error(t("deck_forbidden", name=fmt.plain(st.query_params["bai"])), icon=":material/block:")
    st.stop()
name = ui.url_select(t("pr_deck"), ["", *decks], "bai", lambda n: n or t("pr_default"))
st.sidebar.caption(t("pr_keys"))

shown = ui.saved_deck(name) if name else None
deck = shown[1] if shown else ui.deck(briefing.default_spec(ui.cursor(), scope, period.code))
total = len(deck.slides)
if not total:
    st.info(t("pr_empty"), icon=":material/slideshow:")
    st.stop()


def _number() -> int:
    try:
        return min(max(int(st.query_params.get("trang", 1)), 1), total)
    except ValueError:
        return 1


def go(step: int) -> None:
    """Move by step slides and keep the slide number in the URL."""
    st.query_params["trang"] = str(min(max(_number() + step, 1), total))


number = _number()
st.query_params["trang"] = str(number)
full = st.query_params.get("toan_man_hinh") == "1"
st.markdown(PROJECTOR_CSS + (FULL_SCREEN_CSS if full else ""), unsafe_allow_html=True)
slide = deck.slides[number - 1]

st.markdown(
    f"<div class='pr-title'>{escape(slide.title)}</div><div class='pr-headline'>{escape(slide.headline)}</div>",
    unsafe_allow_html=True,
)
left, right = st.columns([3, 1.25], gap="large")
with left:
    st.plotly_chart(
        charts.slide_figure(slide.chart, projector=True),
        width="stretch",
        key="pr_chart",
        config={"displayModeBar": False},
    )
with right:
    lines = "".join(f"<li>{escape(b)}</li>" for b in narrative.bullets(slide.sentences))
    st.markdown(f"<ul class='pr-text'>{lines}</ul>", unsafe_allow_html=True)
st.markdown(f"<div class='pr-footer'>{escape(deck.footer.text())} · {number}/{total}</div>", unsafe_allow_html=True)

nav = st.columns([1, 1, 1.6, 4])
nav[0].button(
    t("pr_prev"),
    icon=":material/chevron_left:",
    key="pr_prev",
    on_click=go,
    args=(-1,),
    shortcut="left",
    disabled=number == 1,
)
nav[1].button(
    t("pr_next"),
    icon=":material/chevron_right:",
    key="pr_next",
    on_click=go,
    args=(1,),
    shortcut="right",
    disabled=number == total,
)
st.button("PageUp", key="pr_pageup", on_click=go, args=(-1,), shortcut="pageup")
st.button("PageDown", key="pr_pagedown", on_click=go, args=(1,), shortcut="pagedown")
if full:
    nav[2].button(
        t("pr_exit"),
        icon=":material/fullscreen_exit:",
        key="pr_exit",
        on_click=lambda: st.query_params.pop("toan_man_hinh", None),
    )
else:
    nav[2].button(
        t("pr_full"),
        icon=":material/fullscreen:",
        key="pr_full",
        on_click=lambda: st.query_params.update(toan_man_hinh="1"),
    )
ui.demo_banner()
if slide.notes:
    with st.expander(t("pr_notes")):
        st.text(slide.notes)  # as typed: never Markdown
if shown and shown[0].frozen:
    st.caption(t("pr_frozen", when=f"{shown[0].frozen_at:%H:%M %d/%m/%Y}"))
else:
    st.caption(t("pr_live"))
