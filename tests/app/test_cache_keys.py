"""Cached figures are keyed by the data version read from the store: a change made by another process or
replica (which cannot clear this process's caches) shows on the next run."""

from __future__ import annotations

import json

import duckdb

from reform import store
from tests.unit.test_cache_version import renamed_register


def shown_units(at) -> list[str]:
    return next(df.value for df in at.dataframe if "Cùng kỳ" in df.value.columns)["Đơn vị"].tolist()


def test_a_register_change_made_elsewhere_shows_on_the_next_run(open_page, demo_db) -> None:
    at = open_page(demo_db, "pages/year_on_year.py")
    before = shown_units(at)
    con = duckdb.connect(str(demo_db))  # as another replica would: no st.cache_data.clear() in this process
    code = con.execute("select code from units where name = $n", {"n": before[0]}).fetchone()[0]
    store.replace_units(con, *renamed_register(con, code, "Đảng ủy mang tên mới"))
    con.close()
    at.run()
    assert not at.exception
    after = shown_units(at)
    assert "Đảng ủy mang tên mới" in after and before[0] not in after
    assert len(after) == len(before)


def test_the_data_version_of_a_file_is_read_again_only_after_a_write(open_page, demo_db, monkeypatch) -> None:
    """Every cached figure of a run is keyed by one data version (a query each, once). Nothing but this process
    writes the file while it has it open, so the version is read again only after one of its writes ends."""
    from reform import sql

    at = open_page(demo_db, "pages/overview.py")
    reads = []
    real = sql.run
    monkeypatch.setattr(sql, "run", lambda con, name, **p: (reads.append(name), real(con, name, **p))[1])
    con = duckdb.connect(str(demo_db))  # the same database as the page's (one per file in a process)
    code = con.execute("select code from units order by code limit 1").fetchone()[0]
    store.replace_units(con, *renamed_register(con, code, "Đảng ủy mang tên mới"))
    at.run()
    assert not at.exception
    assert reads.count("data_version") == 1
    at.run()
    assert reads.count("data_version") == 1  # no write since: the version read before
    store.replace_units(con, *renamed_register(con, code, "Đảng ủy mang tên khác"))
    con.close()
    at.run()
    assert not at.exception and reads.count("data_version") == 2


def chart_titles(at) -> list[str]:
    return [json.loads(c.proto.spec)["layout"]["title"]["text"] for c in at.get("plotly_chart")]


def test_a_shared_chart_follows_the_filters_and_another_session_gets_the_same(open_page, demo_db) -> None:
    """Charts are built once per data version and filters and shared by sessions: a changed period is a new
    chart (never the one cached for the other period), and another session with the same filters sees the same."""
    at = open_page(demo_db, "pages/indicators.py")
    at.selectbox(key="ky").set_value("2025-Q3").run()
    q3 = chart_titles(at)
    at.selectbox(key="ky").set_value("2025-Q2").run()
    q2 = chart_titles(at)
    assert not at.exception and len(q3) == len(q2) == 3
    assert all("III/2025" in t for t in q3) and all("II/2025" in t and "III/2025" not in t for t in q2)
    other = open_page(demo_db, "pages/indicators.py")
    other.selectbox(key="ky").set_value("2025-Q2").run()
    assert chart_titles(other) == q2
