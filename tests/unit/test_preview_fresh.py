"""The dry-run table of an upload to quarters that hold no values yet is made from the rows alone, when it is
first read: the same table, with the same types, as the statement on the database gives."""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd
import pytest

from reform import store
from reform.db import registered

EMPTY_QUARTER = date(2027, 1, 1)


def random_rows(con, n: int, seed: int) -> pd.DataFrame:
    """n distinct (unit, indicator) rows of a quarter with no values, in a random order."""
    rng = np.random.default_rng(seed)
    units = [r[0] for r in con.execute("select code from units order by code").fetchall()]
    codes = [r[0] for r in con.execute("select code from indicator where type <> 'rate' order by code").fetchall()]
    picked = rng.choice(len(units) * len(codes), size=min(n, len(units) * len(codes)), replace=False)
    return pd.DataFrame(
        {
            "unit_code": [units[i // len(codes)] for i in picked],
            "period": EMPTY_QUARTER,
            "indicator_code": [codes[i % len(codes)] for i in picked],
            "value": rng.integers(0, 500, size=len(picked)).astype(float),
        }
    )


def on_the_database(con, rows: pd.DataFrame) -> pd.DataFrame:
    with registered(con, incoming=store.relation(rows)):
        return store._frame(con, "store_new_changes")


@pytest.mark.parametrize(("n", "seed"), [(1, 1), (300, 2), (12_000, 3)])
def test_a_first_upload_of_a_quarter_shows_the_table_the_statement_gives(demo_con, n, seed) -> None:
    rows = random_rows(demo_con, n, seed)
    assert demo_con.execute("select count(*) from value where period = $p", {"p": EMPTY_QUARTER}).fetchone()[0] == 0
    preview = store.preview_values(demo_con, rows)
    assert (preview.rows, preview.inserted, preview.updated, preview.unchanged) == (len(rows), len(rows), 0, 0)
    expected = on_the_database(demo_con, rows)
    pd.testing.assert_frame_equal(preview.changes, expected)
    assert preview.changes is preview.changes  # made once
    assert set(expected["status"]) == {"new"} and expected["old_value"].isna().all()
    assert len(rows) < 10_000 or len(expected) >= 10_000  # both ways of reading a result are exercised


def test_an_upload_to_a_quarter_with_values_compares_them_as_before(demo_con) -> None:
    q = demo_con.execute("select max(period) from value").fetchone()[0]
    stored = demo_con.execute(
        "select unit_code, period, indicator_code, value from value where period = $p order by all limit 50", {"p": q}
    ).df()
    rows = stored.assign(value=stored["value"] + np.arange(50) % 2)  # every other value changed
    preview = store.preview_values(demo_con, rows)
    assert (preview.inserted, preview.updated, preview.unchanged) == (0, 25, 25)
    assert len(preview.changes) == 25 and set(preview.changes["status"]) == {"changed"}
