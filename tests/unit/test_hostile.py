"""Hostile files (tests/fixtures/bombs.py): refused with a Vietnamese message, cheaply, nothing stored.

Times are measured in bench/hostile_bench.py; here only the refusal, that nothing was stored, and loose
memory bounds (the server process's high-water mark, the reading child's peak) are asserted.
"""

from __future__ import annotations

import sys
import threading
import time
from datetime import date
from pathlib import Path

import duckdb
import pytest

from reform import importer, ingest, sandbox
from reform.ingest import IngestError

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "fixtures"))
import bombs  # noqa: E402

TODAY = date(2026, 11, 22)
MB = 1024 * 1024


def _kb(key: str) -> int:
    with open("/proc/self/status", encoding="ascii") as f:
        return next(int(line.split()[1]) for line in f if line.startswith(key + ":"))


def _stored(con: duckdb.DuckDBPyConnection) -> list[tuple]:
    return con.execute("select * from value order by all").fetchall()


CASES = [
    ("sheet unpacking to 160 MB", lambda: bombs.unpacks_to(160), "a.xlsx", "E_TOO_LARGE"),
    ("CSV line of 1,000,000 columns", lambda: bombs.csv_columns(1_000_000), "a.csv", "E_LINE_TOO_LONG"),
    ("CSV line of 5,000 short columns", lambda: bombs.csv_columns(5_000), "a.csv", "E_TOO_MANY_COLUMNS"),
    ("XML nested 1,000,000 deep", lambda: bombs.deeply_nested(1_000_000), "a.xlsx", "E_BAD_XLSX"),
    ("billion-laughs DTD", bombs.billion_laughs, "a.xlsx", "E_BAD_XLSX"),
    ("dimension XFD1048576, one cell", bombs.dimension_xfd, "a.xlsx", "E_TOO_MANY_COLUMNS"),
    ("dimension ALL1048576, two cells", lambda: bombs.rows_without_end(1_048_576), "a.xlsx", "E_TOO_MANY_CELLS"),
    ("single line of 30 MB", lambda: bombs.single_line(30), "a.csv", "E_LINE_TOO_LONG"),
]


@pytest.mark.parametrize(("make", "name", "code"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_a_bomb_is_refused_cheaply_and_stores_nothing(demo_con: duckdb.DuckDBPyConnection, make, name, code) -> None:
    data = make()
    before = _stored(demo_con)
    sandbox.last_peak_mb = None
    rss = _kb("VmRSS")
    with open("/proc/self/clear_refs", "w", encoding="ascii") as f:
        f.write("5")  # the high-water mark starts again from here
    with pytest.raises(IngestError) as exc:
        importer.prepare(demo_con, data, name, today=TODAY, max_bytes=len(data) + 1)  # past the size limit
    assert exc.value.code == code
    assert exc.value.message and "Traceback" not in exc.value.message
    assert (_kb("VmHWM") - rss) / 1024 < 300  # the server process held no more than that extra
    assert sandbox.last_peak_mb is None or sandbox.last_peak_mb < 300 + 250  # the child: its modules + 300 MB
    assert _stored(demo_con) == before


def test_the_size_checks_come_before_any_xml_is_read() -> None:
    data = bombs.unpacks_to(160)
    with pytest.raises(IngestError) as exc:
        ingest.read_xlsx(data)
    assert exc.value.code == "E_TOO_LARGE" and "xl/worksheets/sheet1.xml" in exc.value.message


def test_a_reading_past_its_time_is_stopped_with_a_message(demo_con: duckdb.DuckDBPyConnection) -> None:
    rows = "Mã đơn vị;kt_tcd\n" + "".join(f"XP01;{i}\n" for i in range(200_000))
    with pytest.raises(IngestError) as exc:
        sandbox.read(rows.encode(), "text", {}, seconds=0.01)
    assert exc.value.code == "E_READ_TIMEOUT" and "giây" in exc.value.message


def test_a_reading_past_its_memory_is_stopped_with_a_message() -> None:
    rows = "Mã đơn vị;kt_tcd\n" + "".join(f"XP{i:06d};{i}\n" for i in range(300_000))
    with pytest.raises(IngestError) as exc:
        sandbox.read(rows.encode(), "text", {}, memory_mb=20)
    assert exc.value.code == "E_READ_MEMORY" and "bộ nhớ" in exc.value.message


def test_another_session_keeps_answering_while_a_bomb_is_read(demo_con: duckdb.DuckDBPyConnection) -> None:
    """A neighbour's query keeps being answered while the reading child works (the times are the bench's)."""
    cursor, answers, stop = demo_con.cursor(), [], threading.Event()

    def neighbour() -> None:
        while not stop.is_set():
            answers.append(cursor.execute("select count(*) from value").fetchone()[0])
            time.sleep(0.01)

    thread = threading.Thread(target=neighbour, daemon=True)
    thread.start()
    time.sleep(0.05)
    before = len(answers)
    with pytest.raises(IngestError):
        importer.prepare(demo_con.cursor(), bombs.rows_without_end(1_048_576), "a.xlsx", today=TODAY)
    stop.set()
    thread.join()
    assert len(answers) > before  # answered during the reading, not only before or after it


def test_the_server_lets_through_what_the_app_reads(monkeypatch: pytest.MonkeyPatch) -> None:
    from reform.config import server_upload_mb, settings

    monkeypatch.delenv("REFORM_MAX_UPLOAD_MB", raising=False)
    assert settings().max_upload_bytes == int(server_upload_mb() * MB)
