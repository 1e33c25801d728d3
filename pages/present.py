"""Trình chiếu: one slide per screen for the briefing, large type, the slide number in the URL."""

from __future__ import annotations

from html import escape

import streamlit as st

import ui
from reform import briefing, charts, fmt, narrative
from reform.texts import t

# Sized by the window's height (vh), so a slide fits 1280×720 and 1920×1080 alike: the chart takes what the
# title, headline, footer and buttons leave (CHROME, in pixels, measured in the browser test's screenshots).
PROJECTOR_CSS = """
<style>
.pr-title {font-size: clamp(1.5rem, 5vh, 2.6rem); font-weight: 700; line-height: 1.15; color: #111; margin: 0;}
.pr-headline {font-size: clamp(1.05rem, 3vh, 1.75rem); font-weight: 600; color: #1f4f8a; margin: .2rem 0 0 0;}
.pr-text {line-height: 1.35; color: #111; padding-left: 1.1rem; margin: 0;}
.pr-text li {font-size: clamp(.9rem, 2.3vh, 1.4rem); line-height: 1.35; margin-bottom: .35rem; color: #111;}
.pr-footer {font-size: clamp(.8rem, 1.9vh, 1.05rem); color: #333; border-top: 2px solid #1f4f8a; padding-top: .3rem;}
.pr-chart-title {font-size: clamp(.95rem, 2.5vh, 1.3rem); font-weight: 600; color: #222; margin: 0;}
.st-key-pr_pageup, .st-key-pr_pagedown {display: none;}
.block-container, [data-testid="stMainBlockContainer"] {padding-top: 3.6rem; padding-bottom: 1rem;}
.st-key-pr_chart {height: calc(90vh - %(chrome)dpx) !important; min-height: 300px;}
</style>
"""
FULL_SCREEN_CSS = """
<style>
[data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"], header[data-testid="stHeader"] {display: none;}
.block-container, [data-testid="stMainBlockContainer"] {padding: .8rem 2rem .4rem 2rem; max-width: 100%;}
</style>
"""
CHROME = {True: 165, False: 270}  # pixels around the chart: full screen, and under Streamlit's header
# a new slide starts at the top (the number in the comment makes the script run again on every slide)
TO_TOP = "<script>/* %d */ window.parent.document.querySelector('[data-testid=stMain]')?.scrollTo(0, 0);</script>"

keep = charts.keep_quarters  # "Quý III/2026" never broken over two lines on the screen
ui.router_check(banner=st.query_params.get("toan_man_hinh") != "1")
period, scope, _ = ui.period_scope_or_stop()
decks = ui.deck_names()
if st.query_params.get("bai") and st.query_params["bai"] not in decks:  # a deck this person may not see
    st.error(t("deck_forbidden", name=fmt.plain(st.query_params["bai"])), icon=":material/block:")
    st.stop()
name = ui.url_select(t("pr_deck"), ["", *decks], "bai", lambda n: n or t("pr_default"))
st.sidebar.caption(t("pr_keys"))

shown = ui.saved_deck(name) if name else None
official = ui.official_choice(ui.current())  # the default deck's basis; a saved deck keeps its own
deck = shown[1] if shown else ui.deck(briefing.default_spec(ui.cursor(), scope, period.code, official=official))
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


def clicked(key: str) -> None:
    """Remember the figure of the point just clicked; the dialog opens once for it (the selection stays)."""
    point = ui.picked_point(st.session_state.get(key))
    if point and point[0]:
        st.session_state["pr_why"] = point


number = _number()
st.query_params["trang"] = str(number)
full = st.query_params.get("toan_man_hinh") == "1"
st.markdown(PROJECTOR_CSS % {"chrome": CHROME[full]} + (FULL_SCREEN_CSS if full else ""), unsafe_allow_html=True)
st.sidebar.html(TO_TOP % number, unsafe_allow_javascript=True)
slide = deck.slides[number - 1]
if not full:  # first on the page, so it is never below the fold
    st.button(
        t("pr_full"),
        icon=":material/fullscreen:",
        key="pr_full",
        type="primary",
        on_click=lambda: st.query_params.update(toan_man_hinh="1"),
    )

title, headline = escape(keep(slide.title)), escape(keep(slide.headline))
st.markdown(f"<div class='pr-title'>{title}</div><div class='pr-headline'>{headline}</div>", unsafe_allow_html=True)
left, right = st.columns([2.7, 1.5], gap="large")
with left:
    if slide.chart is not None and not slide.chart.is_empty:
        st.markdown(f"<div class='pr-chart-title'>{escape(keep(slide.chart.title))}</div>", unsafe_allow_html=True)
    st.plotly_chart(
        charts.slide_figure(slide.chart, projector=True),
        width="stretch",
        height="stretch",
        key=f"pr_chart_{number}",
        config={"displayModeBar": False},
        on_select=lambda key=f"pr_chart_{number}": clicked(key),  # a click on a bar or point: where it comes from
        selection_mode="points",
    )
with right:
    lines = "".join(f"<li>{escape(keep(b))}</li>" for b in narrative.bullets(slide.sentences))
    st.markdown(f"<ul class='pr-text'>{lines}</ul>", unsafe_allow_html=True)

if "pr_why" in st.session_state:
    scope_of, indicator, period_code = st.session_state.pop("pr_why")
    ui.why_dialog(scope_of, ui.names()[0].get(scope_of, scope_of), indicator, period_code, deck.footer.official)

nav = st.columns([1.25, 1.1, 2.2, 7], vertical_alignment="center")
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
if full:
    nav[2].button(
        t("pr_exit"),
        icon=":material/fullscreen_exit:",
        key="pr_exit",
        on_click=lambda: st.query_params.pop("toan_man_hinh", None),
    )
nav[3].markdown(
    f"<div class='pr-footer'>{escape(deck.footer.text())} · <b>{number}/{total}</b></div>", unsafe_allow_html=True
)
st.button("PageUp", key="pr_pageup", on_click=go, args=(-1,), shortcut="pageup")
st.button("PageDown", key="pr_pagedown", on_click=go, args=(1,), shortcut="pagedown")
if full:  # the slide alone; the footer already says when the figures are invented
    st.stop()
ui.demo_banner()
if slide.notes:
    with st.expander(t("pr_notes")):
        st.text(slide.notes)  # as typed: never Markdown
if shown and shown[0].frozen:
    st.caption(t("pr_frozen", when=f"{shown[0].frozen_at:%H:%M %d/%m/%Y}"))
else:
    st.caption(t("pr_live"))
