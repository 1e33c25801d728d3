"""Writes racing from two threads of one process (the way Streamlit serves two sessions) have exactly one
order: no key stored twice, history continuous, the rollup equal to a rebuild; a commit whose preview
went stale is refused with nothing stored. Each race runs many times, each time in a new quarter."""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import date

import duckdb
import pandas as pd
import pytest

from reform import importer, invariants, periods, sql, store

TRIALS = 20  # per race; each runs in its own quarter of one database
UNITS = ["A", "B", "C"]


def register() -> tuple[pd.DataFrame, pd.DataFrame]:
    units = [("TU", "Tỉnh ủy", "tinh_uy", None, date(2000, 1, 1), None)]
    units += [(u, f"Đảng bộ xã {u}", "dang_bo_xa", "TU", date(2000, 1, 1), None) for u in UNITS]
    return pd.DataFrame(units, columns=store.UNIT_COLUMNS), pd.DataFrame(columns=store.LINEAGE_COLUMNS)


@pytest.fixture
def con(empty_con: duckdb.DuckDBPyConnection) -> duckdb.DuckDBPyConnection:
    store.replace_units(empty_con, *register())
    return empty_con


def quarter(i: int) -> date:
    return periods.quarter(2001 + i // 4, i % 4 + 1).start


def rows(q: date, units: list[str], value: float) -> pd.DataFrame:
    items = [(u, q, ind, value + n) for u in units for n, ind in enumerate(["kt_tcd", "kt_dv", "hop_tong"])]
    return pd.DataFrame(items, columns=store.VALUE_COLUMNS)


def write(cur: duckdb.DuckDBPyConnection, df: pd.DataFrame, **kw: object) -> store.WriteResult:
    return store.write_values(cur, df, file_name="t.csv", digest="x", layout="long", user="t", **kw)


def race(con: duckdb.DuckDBPyConnection, *jobs: Callable[[duckdb.DuckDBPyConnection], object]) -> list[object]:
    """Run the jobs at once, each on its own cursor, released together; what each returned or raised."""
    start = threading.Barrier(len(jobs))
    out: list[object] = [None] * len(jobs)

    def run(i: int, job: Callable[[duckdb.DuckDBPyConnection], object]) -> None:
        cur = con.cursor()
        try:
            start.wait()
            out[i] = job(cur)
        except Exception as exc:  # what the loser sees is what the test checks
            out[i] = exc
        finally:
            cur.close()

    threads = [threading.Thread(target=run, args=(i, job)) for i, job in enumerate(jobs)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return out


def confirmed(con: duckdb.DuckDBPyConnection, df: pd.DataFrame) -> Callable[[duckdb.DuckDBPyConnection], object]:
    """An upload as the page makes it: previewed now (before the race), committed in the race."""
    seen = store.preview_values(con, df).version
    return lambda cur: write(cur, df, seen_version=seen)


def unconfirmed(df: pd.DataFrame) -> Callable[[duckdb.DuckDBPyConnection], object]:
    """A write without a preview (as the command line makes it, holding the lock from check to commit)."""
    return lambda cur: write(cur, df)


def undoing(upload_id: int) -> Callable[[duckdb.DuckDBPyConnection], object]:
    return lambda cur: store.undo(cur, upload_id, user="t")


def stored(con: duckdb.DuckDBPyConnection, q: date) -> dict[tuple[str, str], float]:
    df = con.execute("select unit_code, indicator_code, value from value where period = $q", {"q": q}).df()
    return {(r.unit_code, r.indicator_code): r.value for r in df.itertuples()}


def outcome(results: list[object]) -> tuple[int, list[str]]:
    """How many stored, and the messages of the others (anything but a refusal fails the test)."""
    won = [r for r in results if isinstance(r, store.WriteResult | store.UndoResult)]
    lost = [r for r in results if r not in won]
    for r in lost:
        assert isinstance(r, store.StaleUpload | store.UndoRefused), repr(r)
    return len(won), [str(r) for r in lost]


def test_two_confirmed_uploads_of_a_new_quarter_store_once(con) -> None:
    for i in range(TRIALS):
        q = quarter(i)
        won, lost = outcome(race(con, confirmed(con, rows(q, UNITS, 3)), confirmed(con, rows(q, UNITS, 5))))
        assert won == 1 and "Một lần tải lên khác vừa ghi vào " + periods.from_date(q).label in lost[0]
        assert set(stored(con, q).values()) in ({3, 4, 5}, {5, 6, 7})  # one file's figures, never a sum
    assert invariants.check(con) == []


def test_two_unconfirmed_writes_of_a_new_quarter_go_one_after_the_other(con) -> None:
    for i in range(TRIALS):
        q = quarter(i)
        first, second = race(con, unconfirmed(rows(q, UNITS, 3)), unconfirmed(rows(q, UNITS, 5)))
        assert isinstance(first, store.WriteResult) and isinstance(second, store.WriteResult)
        earlier, later = sorted([first, second], key=lambda r: r.upload_id)
        # the second is compared with what the first stored: every value changed, none new
        assert (earlier.inserted, later.inserted, later.updated) == (9, 0, 9)
        assert len(stored(con, q)) == 9
    assert invariants.check(con) == []


def test_two_corrections_of_an_existing_quarter(con) -> None:
    for i in range(TRIALS):
        q = quarter(i)
        write(con, rows(q, UNITS, 1))
        won, _ = outcome(race(con, confirmed(con, rows(q, UNITS, 3)), confirmed(con, rows(q, UNITS, 5))))
        assert won == 1 and set(stored(con, q).values()) in ({3, 4, 5}, {5, 6, 7})
        both = race(con, unconfirmed(rows(q, UNITS, 8)), unconfirmed(rows(q, UNITS, 9)))
        assert all(isinstance(r, store.WriteResult) for r in both)
    assert invariants.check(con) == []


def test_two_uploads_of_a_unit_missing_from_an_existing_quarter(con) -> None:
    for i in range(TRIALS):
        q = quarter(i)
        write(con, rows(q, ["A", "B"], 1))
        won, _ = outcome(race(con, confirmed(con, rows(q, ["C"], 3)), confirmed(con, rows(q, ["C"], 5))))
        assert won == 1 and len(stored(con, q)) == 9
        assert int(sql.run(con, "units_reported", scope="TU", start=q, end=q)["units_reported"].iloc[0]) == 3
    assert invariants.check(con) == []


def test_two_units_of_a_new_quarter_both_store(con) -> None:
    for i in range(TRIALS):
        q = quarter(i)
        results = race(con, confirmed(con, rows(q, ["A"], 3)), confirmed(con, rows(q, ["B"], 5)))
        assert all(isinstance(r, store.WriteResult) for r in results)  # different values: nothing went stale
        assert len(stored(con, q)) == 6
    assert invariants.check(con) == []


def test_an_upload_against_an_undo(con) -> None:
    orders = set()
    for i in range(TRIALS):
        q = quarter(i)
        first = write(con, rows(q, UNITS, 1))
        upload = confirmed(con, rows(q, UNITS, 5))
        undo, correction = race(con, undoing(first.upload_id), upload)
        won, lost = outcome([undo, correction])
        assert won == 1
        if isinstance(undo, store.UndoResult):  # undone first: the correction confirmed against its values
            orders.add("undo first")
            assert stored(con, q) == {}
        else:
            orders.add("upload first")
            assert "các lần tải lên sau" in lost[0] and set(stored(con, q).values()) == {5, 6, 7}
    assert invariants.check(con) == []
    assert orders  # which order won is the scheduler's; each is checked above


def test_two_checked_files_of_a_new_quarter_through_the_importer(con) -> None:
    for i in range(TRIALS // 3):
        code = periods.from_date(quarter(i)).code
        files = [f"unit_code,period,indicator_code,value\nA,{code},kt_tcd,{v}\n".encode() for v in (3, 5)]
        prepared = [importer.prepare(con, f, f"f{n}.csv") for n, f in enumerate(files)]
        won, lost = outcome(race(con, *[lambda c, p=p: importer.commit(c, p, user="t") for p in prepared]))
        assert won == 1 and "Kiểm tra lại" in lost[0]
        again = importer.prepare(con, files[1], "f1.csv")  # re-checked: compared with what the winner stored
        assert again.preview.inserted == 0
    assert invariants.check(con) == []


def test_a_key_stored_twice_after_a_write_rolls_the_write_back(con) -> None:
    q = quarter(0)
    write(con, rows(q, UNITS, 1))
    con.execute("insert into value select * from value where unit_code = 'A' and indicator_code = 'kt_tcd'")
    before = con.execute("select * from value order by all").fetchall()
    with pytest.raises(store.StoreError, match="lưu hai lần"):
        write(con, rows(q, ["A"], 5))
    assert con.execute("select * from value order by all").fetchall() == before
