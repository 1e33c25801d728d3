"""The one Streamlit glue module: cached connection and queries, shared widgets, messages."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TypeVar

import duckdb
import pandas as pd
import plotly.graph_objects as go
import streamlit as st
from streamlit.runtime.scriptrunner import get_script_run_ctx

from reform import approval, briefing, catalog, db, demo, fmt, lake, locks, periods, policy, readcopy, sql, textnorm
from reform import explain as explain_core
from reform import index as reform_index
from reform import summary as summary_core
from reform.config import lang, settings
from reform.deck import Deck
from reform.texts import t


@st.cache_resource(show_spinner=t("loading_demo"))
def _connection(db_path: str, data_dir: str, auto_demo: bool) -> duckdb.DuckDBPyConnection:
    con = db.connect(db_path, data_path=settings().lake_data_path)
    catalog.sync(con, Path(data_dir))
    if auto_demo and sql.run(con, "data_version")["uploads"].iloc[0] == 0:
        demo.load(con, Path(data_dir))
    return con


DB_RETRIES, DB_RETRY_SECONDS = 3, 2.0  # while another process holds the file: retry by itself, then a button


def cursor() -> duckdb.DuckDBPyConnection:
    """A cursor of the process-wide connection: one per script run, never shared between threads. While
    another process holds the database file, the page says so and retries instead of showing an exception
    (a failed open is not cached: the next run opens it again)."""
    s = settings()
    try:
        con = _connection(str(s.db_path), str(s.data_dir), s.auto_demo)
    except duckdb.IOException as exc:
        if not db.held_elsewhere(exc):
            raise
        _wait_for_database()
    st.session_state.pop("_db_retries", None)
    return con.cursor()


def _wait_for_database() -> None:
    """Say that the database is held elsewhere; rerun after a pause a few times, then offer a button."""
    st.warning(t("db_held"), icon=":material/lock_clock:")
    tries = st.session_state.get("_db_retries", 0)
    if tries < DB_RETRIES:
        st.session_state["_db_retries"] = tries + 1
        time.sleep(DB_RETRY_SECONDS)
        st.rerun()
    if st.button(t("db_retry"), key="db_retry", icon=":material/refresh:"):
        st.session_state.pop("_db_retries", None)
        st.rerun()
    st.stop()


def data_version() -> pd.Series:
    """last_upload_id, uploads, last_changed and cache_version of the database, read once per script run:
    it is the key of every cached figure, and a page asked for it a dozen times a run (one query each)."""
    ctx = get_script_run_ctx()
    this_run = ctx.cursors if ctx is not None else None  # a new dict at the start of every run and fragment run
    held = st.session_state.get(_VERSION_HELD)
    if this_run is not None and held is not None and held[0] is this_run:
        return held[1]
    version = _read_version()
    if this_run is not None:
        st.session_state[_VERSION_HELD] = (this_run, version)
    return version


_VERSION_HELD = "_data_version_of_run"


@st.cache_resource(show_spinner=False)
def _read_copies(db_path: str) -> readcopy.ReadCopies | None:
    """The read copy of the lake of this process (reform.readcopy); None on a file, which is read directly."""
    return readcopy.ReadCopies(db_path) if lake.is_lake(db_path) else None


_file_versions: dict[str, tuple[int, pd.Series]] = {}  # file → (locks.writes_ended() when read, its version)


def _read_version() -> pd.Series:
    """The data version. A file: read again only after a write of this process (no other process can write
    it while this one has it open). A lake: from the read copy when it holds the lake as it is now (one
    catalog look-up), else from the lake (a refresh of the copy starts then)."""
    con = cursor()
    path = str(settings().db_path)
    copies = _read_copies(path)
    if copies is None:
        ended = locks.writes_ended()  # taken before the read: a write ending meanwhile moves it past this
        held = _file_versions.get(path)
        if held is not None and held[0] == ended:
            return held[1]
        version = sql.run(con, "data_version").iloc[0]
        _file_versions[path] = (ended, version)
        return version
    fresh = copies.fresh_version(con)
    copy = copies.cursor(fresh) if fresh is not None else None
    return sql.run(copy if copy is not None else con, "data_version").iloc[0]


def reader(version: int) -> duckdb.DuckDBPyConnection:
    """A cursor for the cached figures of a data version: the lake's read copy when it holds that version,
    else the database itself. Only for reads keyed by the data version; writes and what must read its own
    write use cursor()."""
    copies = _read_copies(str(settings().db_path))
    copy = copies.cursor(version) if copies is not None else None
    return copy if copy is not None else cursor()


def forget_data_version() -> None:
    """After a write in this run: the next data_version() reads the database again."""
    st.session_state.pop(_VERSION_HELD, None)


@st.cache_data(max_entries=256, show_spinner=False)
def query(db_path: str, version: int, name: str, **params: object) -> pd.DataFrame:
    """A query result, cached by database, data version and parameters."""
    return sql.run(reader(version), name, **params)


def run(name: str, official: bool = False, **params: object) -> pd.DataFrame:
    """Run a named query through the cache; official: its variant on approved and locked values only."""
    name = sql.official(name) if official else name
    return query(str(settings().db_path), int(data_version()["cache_version"]), name, **params)


@st.cache_data(max_entries=128, show_spinner=False)
def _summary(db_path: str, version: int, scope: str, period_code: str, official: bool = False) -> pd.DataFrame:
    return summary_core.summary(reader(version), scope, periods.parse(period_code), official=official)


def summary(scope: str, period: periods.Period, official: bool = False) -> pd.DataFrame:
    """The figures of a scope for a period (see reform.summary), cached; official: approved values only."""
    return _summary(str(settings().db_path), int(data_version()["cache_version"]), scope, period.code, official)


@st.cache_data(max_entries=32, show_spinner=False)
def _index(db_path: str, version: int, scope: str, period_code: str, official: bool) -> reform_index.IndexResult:
    return reform_index.compute(reader(version), scope, periods.parse(period_code), official=official)


def index_result(scope: str, period: periods.Period, official: bool = False) -> reform_index.IndexResult:
    """The reform index of the scope's child units (see reform.index), cached per data version;
    official: from approved and locked values only."""
    return _index(str(settings().db_path), int(data_version()["cache_version"]), scope, period.code, official)


T = TypeVar("T")


@st.cache_resource(max_entries=512, show_spinner=False)  # figures of a province are some 100 kB each
def _built(db_path: str, version: int, lang: str, what: tuple[str, str], _build: Callable[[], object]) -> object:
    return _build()


def built(key: str, chosen: object, build: Callable[[], T]) -> T:
    """Something a page builds from cached figures (a chart, a table as the reader sees it), built once per
    data version and what it shows, then shared by every session of the process: building them was most of
    a rerun under load (bench/load_bench.py --profile). chosen: every value it depends on besides the data
    version (the page's Filters, a unit code, ...). It is shared, so nothing may change it once built."""
    version = int(data_version()["cache_version"])
    return _built(str(settings().db_path), version, lang(), (key, repr(chosen)), build)


def chart(key: str, chosen: object, build: Callable[[], go.Figure], *, clickable: bool = False) -> object:
    """A page's Plotly chart under its widget key, built once per data version and chosen (see built).
    clickable: a click on a point selects it and reruns the page; the selection event is returned (see
    why_chart)."""
    click = {"on_select": "rerun", "selection_mode": "points"} if clickable else {}
    return st.plotly_chart(built(key, chosen, build), width="stretch", key=key, **click)


def meta(key: str) -> str | None:
    """One database setting (dataset, dataset_label, ...)."""
    df = run("meta_get", key=key)
    return None if df.empty else str(df["value"].iloc[0])


def root_unit() -> tuple[str, str] | None:
    """(code, name) of the top of the hierarchy, or None on an empty register."""
    df = run("root_unit")
    return None if df.empty else (str(df["code"].iloc[0]), str(df["name"].iloc[0]))


def demo_banner() -> None:
    """Say plainly when the figures on screen are invented."""
    if meta("dataset") == "demo":
        st.info(t("demo_banner"), icon=":material/science:")


# --- who is using the app: sign-in and rights (reform.policy decides; this only asks) -------------


def auth_mode() -> str:
    """ "oidc" (sign-in required) or "off" (everyone has every right): REFORM_AUTH, else off only on the demo."""
    mode = settings().auth
    if mode:
        return mode
    return "off" if meta("dataset") == "demo" else "oidc"


def auth_configured() -> bool:
    """Whether .streamlit/secrets.toml has the [auth] section st.login needs."""
    try:
        return "auth" in st.secrets
    except (FileNotFoundError, KeyError, st.errors.StreamlitSecretNotFoundError):  # no secrets file at all
        return False


def person() -> policy.Person | None:
    """Who is using the app on this run; None when nobody may be (signed out, or sign-in not configured).
    Rights are read from the database on every run, so a revoked grant takes effect at once."""
    if auth_mode() == "off":
        return policy.guest()
    if not auth_configured() or not st.user.is_logged_in:
        return None
    claims = st.user.to_dict()
    identity = (str(claims.get("iss") or ""), str(claims.get("sub") or ""))
    if not all(identity):
        return None
    saved = st.session_state.get("_person")
    if saved is None or saved[0] != identity:  # a new session or a new sign-in: record it once
        who = policy.sign_in(
            cursor(),
            issuer=identity[0],
            subject=identity[1],
            email=_text(claims.get("email")),
            name=_text(claims.get("name")),
            email_verified=claims.get("email_verified") is not False,
        )
        st.session_state["_person"] = (identity, who.id, who.label)
        return who
    return policy.load(cursor(), saved[1], saved[2])


def _text(value: object) -> str | None:
    return value if isinstance(value, str) and value.strip() else None


def current() -> policy.Person:
    """The person of this run for a page: the gate in dashboard.py has let them in, so they have a grant;
    a page run any other way stops here."""
    who = person()
    if who is None or not who.has_grant:
        st.stop()
    return who


def gate_page() -> None:
    """The only page for someone who may not use the app: sign-in not configured, signed out, or no grant."""
    if auth_mode() == "oidc" and not auth_configured():
        st.title(t("app_title"))
        st.error(t("auth_missing"), icon=":material/key_off:")
        return
    if not st.user.is_logged_in:
        st.title(t("sign_in_title"))
        st.write(t("sign_in_intro"))
        if st.button(t("sign_in_button"), type="primary", icon=":material/login:", key="auth_sign_in"):
            st.login()
        return
    who = person()
    st.title(t("no_grant_title"))
    st.warning(t("no_grant", who=fmt.plain(who.label) if who else ""), icon=":material/block:")
    if st.button(t("sign_out_button"), icon=":material/logout:", key="auth_sign_out"):
        st.logout()


def who_box(who: policy.Person) -> None:
    """The sidebar's word on who is signed in, with the sign-out button; or the no-sign-in warning."""
    if who.everything:  # dashboard.py says so on every screen
        return
    roles = ", ".join(sorted({policy.ROLE_NAMES[r] + (f" {u}" if u else "") for r, u in who.grants}))
    st.sidebar.caption(t("signed_in_as", who=fmt.plain(who.label), roles=roles))
    if st.sidebar.button(t("sign_out_button"), icon=":material/logout:", key="auth_sign_out_sidebar"):
        st.logout()


@st.cache_data(max_entries=256, show_spinner=False)
def _visible_units(db_path: str, version: int, person_id: int | None, grants: tuple, at: date) -> pd.DataFrame:
    return policy.visible_units(cursor(), policy.Person(person_id, "", grants), at)


def visible_units(who: policy.Person, at: date) -> pd.DataFrame:
    """The units the person may see (policy.visible_units), cached by their grants and the data version: a
    rerun then costs a cache look-up, and a changed grant is a new key."""
    if who.everything:  # every unit: the register alone, read like the figures (no person row to ask about)
        return policy.visible_units(reader(int(data_version()["cache_version"])), who, at)
    return _visible_units(str(settings().db_path), int(data_version()["cache_version"]), who.id, who.grants, at)


@st.cache_data(max_entries=1024, show_spinner=False)
def _may_see(db_path: str, version: int, person_id: int | None, grants: tuple, unit: str) -> bool:
    return policy.may_see(cursor(), policy.Person(person_id, "", grants), unit)


def may_see(who: policy.Person, unit: str) -> bool:
    """policy.may_see, cached like visible_units."""
    if who.everything:
        return True
    return _may_see(str(settings().db_path), int(data_version()["cache_version"]), who.id, who.grants, unit)


def require_admin() -> policy.Person:
    """Stop a quản trị page for anyone else, with a word."""
    who = current()
    if not who.admin:
        st.error(t("not_allowed"), icon=":material/block:")
        st.stop()
    return who


_router_checked = False


def _ensure_router() -> None:
    """Run every page inside dashboard.py's navigation, also for a deep link opened first.

    Streamlit treats a pages/ folder as its old multipage mode (each file run alone, no shared
    sidebar) until some session of the process has run st.navigation. A link such as /upload
    opened on a fresh server would land there: flip the mode once per process and rerun, so the
    router frames the page from then on.
    """
    global _router_checked
    if _router_checked:
        return
    _router_checked = True
    from streamlit.runtime.pages_manager import PagesManager

    if PagesManager.uses_pages_directory:
        PagesManager.uses_pages_directory = False
        st.rerun()


def router_check(*, banner: bool = True) -> None:
    """Start a page that draws its own header (the presentation): run it inside the navigation. A slide in
    full screen leaves the no-sign-in banner out: the slide must fit the projector's window."""
    _ensure_router()
    if banner:
        _off_banner(current())


def _off_banner(who: policy.Person) -> None:
    """Without sign-in every screen says that everyone has every right."""
    if who.everything:
        st.warning(t("auth_off_banner"), icon=":material/lock_open:")


def page_header(title: str) -> None:
    """Start a page: router check, the rights check, title, and the demo-data notice."""
    _ensure_router()
    who = current()
    st.title(title)
    _off_banner(who)
    demo_banner()


def show_error(exc: Exception) -> None:
    """The one place that turns an unexpected error into a message for the reader."""
    st.error(t("error", detail=fmt.plain(exc)), icon=":material/error:")


def clear_caches() -> None:
    """After a write by quản trị: drop every cached figure at once. Cached figures are keyed by the data
    version, so after anyone else's write they are simply not found again; only quản trị may clear every
    reader's caches (it slows everyone down)."""
    forget_data_version()
    if policy.may_clear_cache(current()):
        st.cache_data.clear()


def issues_table(issues: list) -> pd.DataFrame:
    """Issues (row, column, cell, code, message) as a readable table."""
    return pd.DataFrame(
        {
            t("col_row"): [i.row for i in issues],
            t("col_column"): [i.column for i in issues],
            t("col_cell"): [i.cell for i in issues],
            t("col_code"): [i.code for i in issues],
            t("col_message"): [i.message for i in issues],
        }
    )


_ISSUE_COLUMNS = {
    t("col_row"): st.column_config.NumberColumn(width="small"),
    t("col_column"): st.column_config.TextColumn(width="small"),
    t("col_cell"): st.column_config.TextColumn(width="small"),
    t("col_code"): st.column_config.TextColumn(width="small"),
    t("col_message"): st.column_config.TextColumn(width="large"),
}


ISSUES_WRITTEN = 100  # issues written out whole, one a line; all of them are in the table below


def show_report(report) -> None:
    """The one place that turns a validation report into what the uploader sees: each message whole
    (a table cell cuts a long message), then every issue in a table to sort and search."""
    for issues, alert, icon, key in (
        (report.errors, st.error, ":material/error:", "errors"),
        (report.warnings, st.warning, ":material/warning:", "warnings"),
    ):
        if not issues:
            continue
        lines = "\n".join(f"- {fmt.plain(i.message)}" for i in issues[:ISSUES_WRITTEN])
        more = len(issues) - ISSUES_WRITTEN
        tail = "\n\n" + t("issues_more", n=fmt.number(more)) if more > 0 else ""
        alert(t(f"{key}_block", n=len(issues)) + "\n\n" + lines + tail, icon=icon)
        with st.expander(t("issues_table", n=fmt.number(len(issues))), expanded=False):
            table(issues_table(issues), key=f"issues_{key}", column_config=_ISSUE_COLUMNS)


@st.cache_resource(max_entries=4, show_spinner=False)
def _names(db_path: str, version: int) -> tuple[dict[str, str], dict[str, str]]:
    units = sql.run(reader(version), "unit_register")
    cat = sql.run(reader(version), "catalog")
    unit_names = dict(zip(units["code"].tolist(), units["name"].tolist(), strict=True))
    return unit_names, dict(zip(cat["code"], cat["name_vi"], strict=True))


@st.cache_resource(max_entries=4, show_spinner=False)
def _unit_index(db_path: str, version: int) -> list[tuple[str, str]]:
    """(code, folded "code name") of every unit, for the unit search; built on the first search."""
    units = names()[0]
    return list(zip(units, textnorm.fold_many([f"{c} {n}" for c, n in units.items()]), strict=True))


def names() -> tuple[dict[str, str], dict[str, str]]:
    """(unit code → name, indicator code → Vietnamese name), for readable tables; built once per data
    version and shared, so callers must not change them."""
    return _names(str(settings().db_path), int(data_version()["cache_version"]))


def unit_labeller():
    """A format function "CODE · name" over the unit names of the current data version (looked up once)."""
    unit_names = names()[0]
    return lambda code: f"{code} · {unit_names.get(code, '')}"


UNIT_PICK_MAX = 3000  # a register up to this size is offered whole in a unit select box
UNIT_FOUND_MAX = 50  # beyond it the reader types part of a code or name and picks among this many matches


def unit_picker(container, label: str, key: str, who: policy.Person | None = None) -> str | None:
    """A unit chosen from the whole register (or, for someone who may not see everything, from the units they
    may see): a select box when the list is short, else a search box (code or name, diacritics optional)
    and a select box of what matches; None while nothing does."""
    unit_names, shown = names()[0], unit_labeller()
    if who is not None and not who.admin:
        visible = visible_units(who, date.today())["code"].tolist()
        return container.selectbox(label, visible, key=key, format_func=shown) if visible else None
    if len(unit_names) <= UNIT_PICK_MAX:
        return container.selectbox(label, list(unit_names), key=key, format_func=shown)
    query = container.text_input(label, key=f"{key}_find", placeholder=t("unit_find_hint"))
    found = []
    if query.strip():
        found = textnorm.search(
            _unit_index(str(settings().db_path), int(data_version()["cache_version"])), query, UNIT_FOUND_MAX
        )
    if not found:
        container.caption(
            t("unit_not_found", q=query.strip()) if query.strip() else t("unit_find", n=fmt.number(len(unit_names)))
        )
        return None
    return container.selectbox(t("unit_matches", n=len(found)), found, key=key, format_func=shown)


def quarter_options() -> list[str]:
    """Quarter codes from the first stored quarter (or 2023-Q1) to the current one, newest first."""
    today = periods.from_date(date.today())
    stored = run("periods_with_data", scope=root_unit()[0]) if root_unit() else pd.DataFrame()
    first = periods.from_date(min(stored["period"])) if not stored.empty else periods.quarter(2023, 1)
    out, year, q = [], first.year, first.last_q
    while (year, q) <= (today.year, today.last_q):
        out.append(periods.quarter(year, q).code)
        year, q = (year + 1, 1) if q == 4 else (year, q + 1)
    return out[::-1]


def show_error_message(message: str) -> None:
    """A refusal the user can act on (already in Vietnamese)."""
    st.error(fmt.plain(message), icon=":material/block:")


@dataclass(frozen=True)
class Filters:
    """What the reader chose in the sidebar; the same on every analysis page and in the URL."""

    period: periods.Period
    scope: str
    scope_name: str
    group: str
    group_name: str
    indicator: str
    official: bool = False  # số liệu chính thức (approved and locked values only) or tất cả số liệu


def kept_value(key: str, options: list[str] | None = None) -> str | None:
    """What a URL-kept select holds: this page's widget state (if among options), else the URL (?key=code),
    else what the reader chose on another page."""
    wanted = st.session_state.get(key)
    if wanted is None or (options is not None and wanted not in options):
        wanted = st.query_params.get(key, st.session_state.get(f"_kept_{key}"))
    return wanted


def url_select(label: str, options: list[str], key: str, format_func) -> str:
    """A sidebar select box whose value is a code kept in the URL (?key=code) and across pages.

    Streamlit's own bind="query-params" writes the displayed label into the URL when a
    format_func is given; we want short codes there (?ky=2025-Q3&pham_vi=XP01) and
    Vietnamese labels on screen, so the URL is kept in step by hand.
    """
    wanted = kept_value(key, options)
    # set even when unchanged: a widget of another page with the same key would otherwise start at options[0]
    st.session_state[key] = wanted if wanted in options else options[0]
    chosen = st.sidebar.selectbox(label, options, key=key, format_func=format_func)
    st.session_state[f"_kept_{key}"] = chosen
    if st.query_params.get(key) != chosen:
        st.query_params[key] = chosen
    return chosen


def period_scope() -> tuple[periods.Period, str, str] | None:
    """The shared period and scope pickers, kept in the URL: (period, scope code, scope name); None without data."""
    root = root_unit()
    if root is None:
        return None
    available = run("periods_with_data", scope=root[0])
    if available.empty:
        return None
    choices = {p.code: p for p in periods.choices([pd.Timestamp(d).date() for d in available["period"]])}
    st.sidebar.markdown(f"**{t('filters')}**")
    period = choices[url_select(t("period"), list(choices), "ky", lambda c: choices[c].label)]
    who = current()
    units, whole = scope_units(root[0], period) if who.admin else _visible_scope_units(who, period)
    label = {r.code: "\u2003" * int(r.depth) + r.name for r in units.itertuples()}
    scope = url_select(t("scope"), list(label), "pham_vi", lambda c: label[c])
    if not whole:
        st.sidebar.caption(t("scope_drill"))
    return period, scope, label[scope].strip()


SCOPE_LIST_MAX = 400  # a hierarchy up to this size is listed whole in the scope picker


def _visible_scope_units(who: policy.Person, period: periods.Period) -> tuple[pd.DataFrame, bool]:
    """The scope picker of someone who may not see everything: only their units (worked out in SQL). A scope
    in the URL outside them says so and the page stops: nothing of it is shown."""
    units = visible_units(who, period.end)
    wanted = st.query_params.get("pham_vi")
    if wanted and wanted not in set(units["code"]):
        st.error(t("scope_forbidden", code=fmt.plain(wanted)), icon=":material/block:")
        if not may_see(who, wanted):
            policy.record(cursor(), who, "view", wanted, policy.REFUSED, "scope")
        st.stop()
    if units.empty:
        st.info(t("no_visible_units"), icon=":material/block:")
        st.stop()
    top = int(units["depth"].min())
    units = units.assign(depth=units["depth"] - top)
    if len(units) <= SCOPE_LIST_MAX:
        return units[["code", "name", "depth"]], True
    return policy.drill_down(units, kept_value("pham_vi")), False


def scope_units(root: str, period: periods.Period) -> tuple[pd.DataFrame, bool]:
    """What the scope picker lists (code, name, depth) and whether it is the whole tree: the whole tree
    when it is small; else the path to the scope chosen now (from the page or the URL) and the units
    directly below it."""
    if int(run("units_in_force_count", at=period.end)["units"].iloc[0]) <= SCOPE_LIST_MAX:
        return run("units_with_depth", scope=root, at=period.end), True
    wanted = kept_value("pham_vi")
    units = run("scope_options", scope=wanted or root, at=period.end)
    if wanted not in set(units["code"]):
        units = run("scope_options", scope=root, at=period.end)
    return units, False


def period_scope_or_stop() -> tuple[periods.Period, str, str]:
    """The shared period and scope pickers, or a word that there is no data yet and the page stops there."""
    picked = period_scope()
    if picked is None:
        st.info(t("empty_db"), icon=":material/upload_file:")
        st.stop()
    return picked


def _groups() -> dict[str, str]:
    """Indicator groups of the catalogue: code → name, in catalogue order."""
    cat = run("catalog")
    return dict(zip(cat["group_code"], cat["group_name"], strict=False))


def _indicators(group: str) -> dict[str, str]:
    """Indicators of one group: code → Vietnamese name, in catalogue order."""
    cat = run("catalog")
    in_group = cat[cat["group_code"] == group]
    return dict(zip(in_group["code"], in_group["name_vi"], strict=True))


def filters() -> Filters | None:
    """The shared filters (period, scope, group, indicator), kept in the URL; None without data."""
    picked = period_scope()
    if picked is None:
        return None
    period, scope, scope_name = picked
    groups = built("filter_groups", "", _groups)
    group = url_select(t("group"), list(groups), "nhom", groups.get)
    names = built("filter_indicators", group, lambda: _indicators(group))
    indicator = url_select(t("indicator"), list(names), "chi_tieu", names.get)
    return Filters(period, scope, scope_name, group, groups[group], indicator, official_choice(current()))


BASIS = {"chinh_thuc": "basis_official", "tat_ca": "basis_all"}


def official_choice(who: policy.Person) -> bool:
    """The sidebar choice số liệu chính thức / tất cả số liệu, kept in the URL: by default all figures for
    those who upload or approve (they work on them), official ones for viewers."""
    works = who.everything or who.admin or any(role in ("nhap", "duyet") for role, _ in who.grants)
    options = ["tat_ca", "chinh_thuc"] if works else ["chinh_thuc", "tat_ca"]
    return url_select(t("basis"), options, "so_lieu", lambda c: t(BASIS[c])) == "chinh_thuc"


def basis_note(official: bool) -> str:
    """What the screen, a slide footer and a frozen deck say about the figures' basis."""
    return t("basis_note_official" if official else "basis_note_all")


@st.cache_data(max_entries=256, show_spinner=False)
def _explain(db_path: str, version: int, scope: str, indicator: str, period_code: str, official: bool):
    return explain_core.explain(reader(version), scope, indicator, periods.parse(period_code), official=official)


def explain(scope: str, indicator: str, period: periods.Period, official: bool) -> explain_core.Explanation:
    """Where a figure comes from (see reform.explain), cached per data version."""
    version = int(data_version()["cache_version"])
    return _explain(str(settings().db_path), version, scope, indicator, period.code, official)


WHY_ROWS = 500  # parts listed on screen; a national figure is made of thousands


def lineage(scope: str, period: periods.Period) -> pd.DataFrame:
    """The lineage mapping of a scope's comparison with last year (see reform.explain.lineage), cached."""
    return run("explain_lineage", scope=scope, at=period.end)


def why_parts(scope: str, scope_name: str, indicator: str, period: periods.Period, official: bool) -> None:
    """ "Số liệu này từ đâu?": the figure, its numerator and denominator, and the values that make it."""
    found = explain(scope, indicator, period, official)
    info = found.indicator
    value = fmt.with_unit(found.value, info["unit"], 2) if found.value is not None else MISSING_CELL
    st.markdown(
        t(
            "why_figure",
            name=fmt.plain(info["name_vi"]),
            scope=fmt.plain(scope_name),
            period=period.label,
            value=value,
        )
    )
    st.caption(basis_note(official))
    mapped = lineage(scope, period)
    if not mapped.empty:  # the comparison with last year carries these units' figures through the lineage
        st.caption(t("why_lineage", n=fmt.number(len(mapped))))
        table(
            pd.DataFrame(
                {
                    t("col_unit"): mapped["unit_name"],
                    t("why_col_source"): mapped["source_name"].fillna(mapped["source_code"]),
                    t("col_weight"): mapped["share"],
                    t("why_col_effective"): pd.to_datetime(mapped["effective"]).dt.strftime("%d/%m/%Y"),
                }
            ),
            key=f"why_lineage_{scope}_{indicator}_{period.code}_{official}",
        )
    if found.parts.empty:
        st.info(t("why_none"))
        return
    if info["type"] == "rate":
        st.caption(t("why_rate", num=fmt.number(found.numerator, 2), den=fmt.number(found.denominator, 2)))
    elif info["type"] == "flag":
        st.caption(t("why_flag", num=fmt.number(found.numerator, 2), den=fmt.number(found.denominator, 2)))
    st.caption(t("why_parts", n=fmt.number(len(found.parts))))
    parts = found.parts.head(WHY_ROWS)
    table(
        pd.DataFrame(
            {
                t("col_unit"): parts["unit_name"].fillna(parts["unit_code"]),
                t("col_quarter"): [periods.from_date(pd.Timestamp(d).date()).label for d in parts["period"]],
                t("col_part"): [t(f"part_{r}") for r in parts["role"]],
                t("col_value"): parts["value"],
                t("col_weight"): parts["weight"],
                t("col_file"): parts["file_name"],
                t("col_uploaded_by"): parts["uploaded_by"],
                t("col_uploaded_at"): pd.to_datetime(parts["uploaded_at"]).dt.strftime("%d/%m/%Y %H:%M"),
                t("col_state"): parts["state"].map(approval.STATE_NAMES),
            }
        ),
        key=f"why_{scope}_{indicator}_{period.code}_{official}",
    )


def picked_point(event: object) -> list | None:
    """The customdata of the point the reader clicked on a chart drawn with on_select (reform.charts puts
    there what the point is: a unit code, or an indicator and a quarter), or None."""
    try:
        points = event["selection"]["points"]  # type: ignore[index]
    except (KeyError, TypeError):
        return None
    data = points[0].get("customdata") if points else None
    if data is None:
        return None
    return list(data) if isinstance(data, (list, tuple)) else [data]


def why_below(picked: object, explain, hint: str) -> None:
    """Under a table or chart: the parts of the picked row's or point's figure (explain(picked) shows them),
    or a word (hint, a text key) that picking one shows them."""
    if picked is None:
        st.caption(t(hint))
        return
    with st.container(border=True):
        st.markdown(f"**{t('why_title')}**")
        explain(picked)


def why_row(picked: int | None, explain_row) -> None:
    """Under a table drawn with selectable=True: explain_row(position) of the picked row."""
    why_below(picked, explain_row, "why_pick")


def why_chart(event: object, explain_point) -> None:
    """Under a chart drawn with on_select: explain_point(customdata) of the clicked point."""
    why_below(picked_point(event), explain_point, "why_click")


@st.dialog(t("why_title"), width="large")
def why_dialog(scope: str, scope_name: str, indicator: str, period_code: str, official: bool) -> None:
    """The parts of one figure in a dialog (opened from a card's button)."""
    why_parts(scope, scope_name, indicator, periods.parse(period_code), official)


MISSING_CELL = "–"  # what a table shows for a missing value, as fmt does in text (never "None")


def table(
    data: pd.DataFrame,
    *,
    key: str | None = None,
    column_config: dict | None = None,
    height="auto",
    selectable: bool = False,
) -> int | None:
    """The one way pages show a table: full width, no index, missing values as "–". selectable: the reader
    may pick one row (for "Số liệu này từ đâu?"); its position is returned, else None."""
    event = st.dataframe(
        data,
        hide_index=True,
        width="stretch",
        height=height,
        key=key,
        column_config=column_config,
        placeholder=MISSING_CELL,
        **({"on_select": "rerun", "selection_mode": "single-row"} if selectable else {}),
    )
    rows = event.selection.rows if selectable and event is not None else []
    return rows[0] if rows else None


def vietnamese_uploader(max_mb: int) -> None:
    """The uploader's button and its size line in Vietnamese: Streamlit writes them in English with no
    parameter to change them, so the English words are hidden and ours are drawn in their place."""
    css = """
<style>
[data-testid="stFileUploaderDropzone"] button [data-testid="stMarkdownContainer"] p {font-size: 0;}
[data-testid="stFileUploaderDropzone"] button [data-testid="stMarkdownContainer"] p::after
  {content: "%(pick)s"; font-size: .875rem;}
[data-testid="stFileUploaderDropzoneInstructions"] span {font-size: 0;}
[data-testid="stFileUploaderDropzoneInstructions"] span::after {content: "%(drop)s"; font-size: .875rem;}
</style>
"""
    st.markdown(css % {"pick": t("upload_pick"), "drop": t("upload_drop", mb=max_mb)}, unsafe_allow_html=True)


def layout_label(layout: str) -> str:
    """An upload's stored layout ("wide-xlsx", "long-csv", "undo") in words: "Dạng bảng · Excel"."""
    words = {"long": t("layout_short_long"), "wide": t("layout_short_wide"), "undo": t("layout_short_undo")}
    words |= {"xlsx": "Excel", "csv": "CSV"}
    return " · ".join(words.get(part, part) for part in str(layout).split("-"))


def column_number(unit: str, decimals: int | None = None) -> st.column_config.NumberColumn:
    """A sortable number column shown in the reader's locale (1.234,5 in Vietnamese), unit in the help;
    with decimals, every row shows that many (83,9 and 84,0, not 83,85 and 84)."""
    step = None if decimals is None else 10.0**-decimals
    return st.column_config.NumberColumn(format="localized", help=unit, step=step)


def column_percent(unit: str, decimals: int) -> st.column_config.NumberColumn:
    """A sortable percent column, "83,9%" in the reader's locale, for values given as shares (0.839):
    the browser's percent format writes the % sign and the catalogue's decimals."""
    return st.column_config.NumberColumn(format="percent", help=unit, step=10.0 ** -(decimals + 2))


PRINT_CSS = """
<style>
@media print {
  [data-testid="stSidebar"], header[data-testid="stHeader"], [data-testid="stToolbar"],
  .st-key-print_page, [data-testid="stElementToolbar"], [data-testid="stDecoration"] {display: none !important;}
  [data-testid="stMain"], [data-testid="stMainBlockContainer"], .block-container
    {padding: 0 !important; max-width: 100% !important; overflow: visible !important;}
  .stPlotlyChart, [data-testid="stMetric"], [data-testid="stDataFrame"] {break-inside: avoid;}
}
</style>
"""


def _ask_to_print() -> None:
    st.session_state["print_asked"] = st.session_state.get("print_asked", 0) + 1


def print_button() -> None:
    """ "In / Xuất PDF": the browser's print dialog (where "Lưu dưới dạng PDF" is offered), with the page
    laid out for paper: no sidebar, menus or buttons. Streamlit's own Print item is in its English menu,
    which .streamlit/config.toml hides (client.toolbarMode = "minimal")."""
    st.markdown(PRINT_CSS, unsafe_allow_html=True)
    st.button(t("print"), icon=":material/print:", key="print_page", on_click=_ask_to_print, help=t("print_help"))
    asked = st.session_state.pop("print_asked", 0)
    if asked:  # the number makes the script new, so the browser runs it again on the next click
        st.html(f"<script>/* {asked} */ setTimeout(() => window.print(), 300);</script>", unsafe_allow_javascript=True)


def analysis_page(title: str) -> Filters:
    """Start an analysis page: header with the print action, the shared filters, the basis of its figures
    (số liệu chính thức or tất cả số liệu, said on every page) and a stop with a word when there is no data."""
    _ensure_router()
    who = current()
    head, action = st.columns([5, 1], vertical_alignment="bottom")
    head.title(title)
    with action:
        print_button()
    _off_banner(who)
    demo_banner()
    chosen = filters()
    if chosen is None:
        st.info(t("empty_db"), icon=":material/upload_file:")
        st.stop()
    st.caption(basis_note(chosen.official))
    return chosen


CHANGES_SHOWN = 2000  # rows of an old → new table on screen; a national file changes millions


def show_changes(changes: pd.DataFrame, new_column: str, key: str) -> None:
    """An old → new table of value changes: changed values first, then new ones, at most CHANGES_SHOWN rows;
    a sentence instead of an empty table when nothing changed."""
    if changes.empty:
        st.caption(t("changes_none"))
        return
    if len(changes) > CHANGES_SHOWN:
        st.caption(t("changes_first", shown=fmt.number(CHANGES_SHOWN), n=fmt.number(len(changes))))
        changed_first = changes["old_value"].isna().sort_values(kind="stable").index[:CHANGES_SHOWN]
        changes = changes.loc[changed_first]
    table(changes_table(changes, new_column), key=key)


def changes_table(changes: pd.DataFrame, new_column: str) -> pd.DataFrame:
    """Value changes (unit_code, period, indicator_code, old_value, new) as a readable old → new table."""
    unit_label, indicator_names = unit_labeller(), names()[1]
    return pd.DataFrame(
        {
            t("col_unit"): [unit_label(u) for u in changes["unit_code"]],
            t("col_period"): [periods.from_date(pd.Timestamp(d).date()).label for d in changes["period"]],
            t("col_indicator"): [indicator_names.get(c, c) for c in changes["indicator_code"]],
            t("col_old"): [fmt.compact(v) for v in changes["old_value"]],
            t("col_new"): [fmt.compact(v) for v in changes[new_column]],
        }
    )


@st.cache_data(max_entries=32, show_spinner=False)
def _deck_figures(
    db_path: str, version: int, scope: str, period: str, slides: tuple[tuple[str, str], ...], official: bool
) -> Deck:
    spec = briefing.DeckSpec("", scope, period, [briefing.SlideSpec(key, param) for key, param in slides], official)
    return briefing.build_figures(reader(version), spec)


def deck_figures(spec: briefing.DeckSpec) -> Deck:
    """The deck's figures and generated sentences, cached by database, data version and the slides chosen
    (not by notes or edited text, so typing a note never recomputes a figure)."""
    version = int(data_version()["cache_version"])
    slides = tuple((s.key, s.param) for s in spec.slides)
    return _deck_figures(str(settings().db_path), version, spec.scope, spec.period, slides, spec.official)


def deck(spec: briefing.DeckSpec) -> Deck:
    """A deck with live figures and the presenter's notes and edits."""
    return briefing.with_edits(deck_figures(spec), spec)


def saved_deck(name: str) -> tuple[briefing.Saved, Deck] | None:
    """A saved deck and what it shows: its frozen figures if frozen, else live ones; None if there is none."""
    saved = briefing.load(cursor(), name)
    if saved is None:
        return None
    return saved, (briefing.with_edits(saved.snapshot, saved.spec) if saved.frozen else deck(saved.spec))


def deck_names() -> list[str]:
    """Saved decks whose scope the person may see, most recently changed first (not cached: saving does not
    upload data)."""
    who = current()
    return policy.decks(cursor(), who)["name"].tolist()
