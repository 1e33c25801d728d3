"""Cached figures are keyed by the data version read from the store: a change made by another process or
replica (which cannot clear this process's caches) shows on the next run."""

from __future__ import annotations

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
