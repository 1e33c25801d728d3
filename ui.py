"""The one Streamlit glue module: cached connection and queries, shared widgets, messages."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pandas as pd
import streamlit as st

from reform import catalog, db, demo, periods, sql
from reform import summary as summary_core
from reform.config import settings
from reform.texts import t


@st.cache_resource(show_spinner=t("loading_demo"))
def _connection(db_path: str, data_dir: str, auto_demo: bool) -> duckdb.DuckDBPyConnection:
    con = db.connect(db_path)
    catalog.sync(con, Path(data_dir))
    if auto_demo and sql.run(con, "data_version")["uploads"].iloc[0] == 0:
        demo.load(con, Path(data_dir))
    return con


def cursor() -> duckdb.DuckDBPyConnection:
    """A cursor of the process-wide connection: one per script run, never shared between threads."""
    s = settings()
    return _connection(str(s.db_path), str(s.data_dir), s.auto_demo).cursor()


def data_version() -> pd.Series:
    """last_upload_id, uploads and last_changed of the database (not cached: it is the cache key)."""
    return sql.run(cursor(), "data_version").iloc[0]


@st.cache_data(max_entries=256, show_spinner=False)
def query(db_path: str, version: int, name: str, **params: object) -> pd.DataFrame:
    """A query result, cached by database, data version and parameters."""
    return sql.run(cursor(), name, **params)


def run(name: str, **params: object) -> pd.DataFrame:
    """Run a named query through the cache."""
    return query(str(settings().db_path), int(data_version()["last_upload_id"]), name, **params)


@st.cache_data(max_entries=128, show_spinner=False)
def _summary(db_path: str, version: int, scope: str, period_code: str) -> pd.DataFrame:
    return summary_core.summary(cursor(), scope, periods.parse(period_code))


def summary(scope: str, period: periods.Period) -> pd.DataFrame:
    """The figures of a scope for a period (see reform.summary), cached."""
    return _summary(str(settings().db_path), int(data_version()["last_upload_id"]), scope, period.code)


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


def period_picker(key: str, scope: str) -> periods.Period | None:
    """A select box of the quarters that hold data, newest first; None when there are none."""
    available = run("periods_with_data", scope=scope)
    if available.empty:
        return None
    options = [periods.from_date(d).code for d in available["period"]]
    chosen = st.selectbox(t("period"), options, key=key, format_func=lambda c: periods.parse(c).label)
    return periods.parse(chosen)


def show_error(exc: Exception) -> None:
    """The one place that turns an unexpected error into a message for the reader."""
    st.error(t("error", detail=str(exc)), icon=":material/error:")
