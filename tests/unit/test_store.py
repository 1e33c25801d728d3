from datetime import date

import duckdb
import pandas as pd
import pytest

from reform import store

# every write of these tests is followed by invariants.check (tests/conftest.py)
pytestmark = pytest.mark.usefixtures("checked_writes")

Q3 = date(2025, 7, 1)


def units_and_lineage() -> tuple[pd.DataFrame, pd.DataFrame]:
    units = pd.DataFrame(
        [
            ("TU", "Tỉnh ủy", "tinh_uy", None, date(2020, 1, 1), None),
            ("A", "Đảng bộ xã A", "dang_bo_xa", "TU", date(2020, 1, 1), None),
        ],
        columns=store.UNIT_COLUMNS,
    )
    return units, pd.DataFrame(columns=store.LINEAGE_COLUMNS)


def rows(*items: tuple[str, str, float]) -> pd.DataFrame:
    return pd.DataFrame([(u, Q3, i, v) for u, i, v in items], columns=store.VALUE_COLUMNS)


def snapshot(con: duckdb.DuckDBPyConnection) -> list[tuple]:
    return con.execute("select unit_code, period, indicator_code, value, upload_id from value order by all").fetchall()


def write(con: duckdb.DuckDBPyConnection, df: pd.DataFrame, name: str = "q3.xlsx") -> store.WriteResult:
    return store.write_values(con, df, file_name=name, digest=store.sha256(name.encode()), layout="long", user="vp")


@pytest.fixture
def con(empty_con: duckdb.DuckDBPyConnection) -> duckdb.DuckDBPyConnection:
    store.replace_units(empty_con, *units_and_lineage())
    return empty_con


def test_first_write_inserts_and_records_history(con) -> None:
    res = write(con, rows(("A", "kt_tcd", 5), ("A", "kt_dv", 12)))
    assert (res.rows, res.inserted, res.updated, res.unchanged) == (2, 2, 0, 0)
    assert con.execute("select count(*) from value_history where old_value is null").fetchone()[0] == 2
    assert con.execute("select file_name, user_name, status from upload").fetchall() == [("q3.xlsx", "vp", "stored")]


def test_same_rows_twice_change_nothing_the_second_time(con) -> None:
    write(con, rows(("A", "kt_tcd", 5)))
    before = snapshot(con)
    res = write(con, rows(("A", "kt_tcd", 5)), name="again.xlsx")
    assert (res.inserted, res.updated, res.unchanged) == (0, 0, 1)
    assert snapshot(con) == before
    assert con.execute("select count(*) from value_history").fetchone()[0] == 1


def test_a_correction_replaces_the_value_and_keeps_the_old_one_in_history(con) -> None:
    first = write(con, rows(("A", "kt_tcd", 5), ("A", "kt_dv", 12)))
    second = write(con, rows(("A", "kt_tcd", 7)), name="sua.xlsx")
    assert (second.inserted, second.updated, second.unchanged) == (0, 1, 0)
    assert con.execute("select value, upload_id from value where indicator_code = 'kt_tcd'").fetchall() == [
        (7.0, second.upload_id)
    ]
    story = con.execute(
        "select old_value, new_value, old_upload_id, upload_id from value_history "
        "where indicator_code = 'kt_tcd' order by changed_at, upload_id"
    ).fetchall()
    assert story == [(None, 5.0, None, first.upload_id), (5.0, 7.0, first.upload_id, second.upload_id)]
    assert con.execute("select value from value where indicator_code = 'kt_dv'").fetchone() == (12.0,)


def test_an_upload_larger_than_its_quarter_adds_changes_and_keeps_what_is_alike(con) -> None:
    first = write(con, rows(("A", "kt_tcd", 5), ("A", "kt_dv", 12)))
    more = rows(("A", "kt_tcd", 7), ("A", "kt_dv", 12), ("A", "hop_tong", 3))
    preview = store.preview_values(con, more)
    assert (preview.rows, preview.inserted, preview.updated, preview.unchanged) == (3, 1, 1, 1)
    changes = preview.changes
    assert changes["indicator_code"].tolist() == ["hop_tong", "kt_tcd"]
    assert changes["status"].tolist() == ["new", "changed"] and changes["value"].tolist() == [3.0, 7.0]
    assert changes["old_value"].isna().tolist() == [True, False] and changes["old_value"].iloc[1] == 5.0
    second = write(con, more, name="bo_sung.xlsx")
    assert (second.inserted, second.updated, second.unchanged) == (1, 1, 1)
    assert snapshot(con) == [
        ("A", Q3, "hop_tong", 3.0, second.upload_id),
        ("A", Q3, "kt_dv", 12.0, first.upload_id),
        ("A", Q3, "kt_tcd", 7.0, second.upload_id),
    ]
    assert con.execute(
        "select indicator_code, old_value, new_value, old_upload_id from value_history "
        "where upload_id = $u order by all",
        {"u": second.upload_id},
    ).fetchall() == [("hop_tong", None, 3.0, None), ("kt_tcd", 5.0, 7.0, first.upload_id)]


def test_a_large_upload_is_compared_and_stored_alike(con) -> None:
    codes = [f"x{i:05d}" for i in range(12_000)]  # over the size registered as an Arrow table
    big = pd.DataFrame({"unit_code": "A", "period": Q3, "indicator_code": codes, "value": 1.0})
    assert store.preview_values(con, big).inserted == 12_000
    write(con, big)
    again = big.assign(value=[2.0 if i % 3 == 0 else 1.0 for i in range(12_000)])
    preview = store.preview_values(con, again)
    assert (preview.inserted, preview.updated, preview.unchanged, len(preview.changes)) == (0, 4_000, 8_000, 4_000)
    assert preview.changes["indicator_code"].tolist() == codes[::3] and set(preview.changes["status"]) == {"changed"}
    res = write(con, again)
    assert (res.inserted, res.updated, res.unchanged) == (0, 4_000, 8_000)
    assert con.execute("select sum(value), count(*) from value").fetchone() == (16_000.0, 12_000)
    assert con.execute("select count(*) from value_history").fetchone()[0] == 16_000


def test_duplicates_are_refused_and_nothing_is_stored(con) -> None:
    write(con, rows(("A", "kt_tcd", 5)))
    before = snapshot(con)
    with pytest.raises(store.StoreError, match="trùng"):
        write(con, rows(("A", "kt_dv", 1), ("A", "kt_dv", 2)))
    assert snapshot(con) == before
    assert con.execute("select count(*) from upload").fetchone()[0] == 1


def test_a_failure_midway_rolls_the_whole_write_back(con) -> None:
    write(con, rows(("A", "kt_tcd", 5)))
    before = snapshot(con)
    bad = rows(("A", "kt_tcd", 9), ("A", "kt_dv", 3))
    bad.loc[1, "value"] = None  # violates value NOT NULL at the insert, after the update ran
    with pytest.raises(duckdb.Error):
        write(con, bad)
    assert snapshot(con) == before
    assert con.execute("select count(*) from upload").fetchone()[0] == 1
    assert con.execute("select count(*) from value_history").fetchone()[0] == 1


def test_units_with_an_unknown_parent_are_refused(empty_con) -> None:
    units, lineage = units_and_lineage()
    units.loc[1, "parent_code"] = "KHONG_CO"
    with pytest.raises(store.StoreError, match="KHONG_CO"):
        store.replace_units(empty_con, units, lineage)
    assert empty_con.execute("select count(*) from units").fetchone()[0] == 0


def test_the_closure_lists_a_unit_and_everything_below_it(demo_con) -> None:
    below_h01 = {
        r[0] for r in demo_con.execute("select descendant from unit_closure where ancestor = 'H01'").fetchall()
    }
    assert below_h01 == {"H01"} | {f"H01X{i:02d}" for i in range(1, 13)}
    assert demo_con.execute("select count(*) from unit_closure where ancestor = 'TU'").fetchone()[0] == 150
