"""Whatever bytes arrive, the importer answers with IngestError or a consistent report, and stores nothing
while the report holds an error."""

from __future__ import annotations

import codecs
import io
import math
import shutil
import unicodedata
import zipfile
from datetime import date
from pathlib import Path

import duckdb
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reform import db, importer, periods
from reform.ingest import IngestError
from reform.textnorm import to_windows_1258

TODAY = date(2026, 11, 22)
FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
FUZZ = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow], database=None)

INGEST_CODES = {
    "E_TOO_LARGE",
    "E_EMPTY",
    "E_BAD_XLS",
    "E_MANY_SHEETS",
    "E_NOT_XLSX",
    "E_BAD_XLSX",
    "E_TOO_MANY_COLUMNS",
    "E_TOO_MANY_ROWS",
    "E_ENCODING",
    "E_BINARY",
    "E_LEGACY_TCVN3",
    "E_LEGACY_VNI",
    "E_CSV",
    "E_NO_HEADER",
}
REPORT_CODES = {
    "E_NO_PERIOD",
    "E_BAD_PERIOD",
    "E_MISSING_UNIT",
    "E_UNKNOWN_UNIT",
    "E_UNIT_NOT_VALID",
    "E_FUTURE_PERIOD",
    "E_MISSING_INDICATOR",
    "E_UNKNOWN_INDICATOR",
    "E_DERIVED",
    "E_FORMULA",
    "E_FLAG",
    "E_NOT_NUMBER",
    "E_PERCENT",
    "E_NEGATIVE",
    "E_FRACTION",
    "E_RANGE",
    "E_DUPLICATE",
    "E_NUM_GT_DEN",
    "E_CUMULATIVE_GAP",
    "E_NEGATIVE_INCREMENT",
    "E_NO_ROWS",
    "W_UNIT_NAME",
    "W_CARRY_OVER",
    "W_OUTLIER",
    "W_UNKNOWN_COLUMN",
}


@pytest.fixture(scope="module")
def con(demo_db_master: Path, tmp_path_factory: pytest.TempPathFactory) -> duckdb.DuckDBPyConnection:
    path = tmp_path_factory.mktemp("fuzz") / "fuzz.duckdb"
    shutil.copy(demo_db_master, path)
    connection = db.connect(path)
    yield connection
    connection.close()


@pytest.fixture(scope="module")
def known(con: duckdb.DuckDBPyConnection) -> dict[str, set[str]]:
    return {
        "units": {r[0] for r in con.execute("select code from units").fetchall()},
        "base": {r[0] for r in con.execute("select code from indicator where type <> 'rate'").fetchall()},
    }


def stored_count(con: duckdb.DuckDBPyConnection) -> tuple[int, int, int]:
    return con.execute(
        "select (select count(*) from value), (select count(*) from upload), (select count(*) from value_history)"
    ).fetchone()


def answer(
    con: duckdb.DuckDBPyConnection,
    known: dict[str, set[str]],
    data: bytes,
    name: str,
    period: periods.Period | None = None,
) -> importer.Prepared | None:
    """Prepare the file and check what came back; only IngestError may escape prepare."""
    before = stored_count(con)
    try:
        prepared = importer.prepare(con, data, name, period=period, today=TODAY)
    except IngestError as exc:
        assert exc.code in INGEST_CODES and exc.message.strip()
        assert stored_count(con) == before
        return None
    report = prepared.report
    assert {i.code for i in report.issues} <= REPORT_CODES
    assert all(i.message.strip() and i.severity in ("error", "warning") for i in report.issues)
    assert all(i.code.startswith("W_") == (i.severity == "warning") for i in report.issues)
    rows = report.rows
    assert not rows.duplicated(["unit_code", "period", "indicator_code"]).any()
    assert set(rows["unit_code"]) <= known["units"] and set(rows["indicator_code"]) <= known["base"]
    assert all(math.isfinite(v) and v >= 0 for v in rows["value"])
    assert all(d.day == 1 and d.month in (1, 4, 7, 10) and d <= TODAY for d in rows["period"])
    preview = prepared.preview
    assert preview.rows == len(rows) == preview.inserted + preview.updated + preview.unchanged
    summary = prepared.summary()
    assert summary["values"] == len(rows) and len(summary["errors"]) == len(report.errors)
    assert prepared.can_commit == (not report.errors and not rows.empty)
    assert stored_count(con) == before  # checking and previewing never store
    if report.errors:
        with pytest.raises(importer.ImportRefused):
            importer.commit(con, prepared, user="fuzz")
        assert stored_count(con) == before
    elif prepared.can_commit:  # a clean file stores exactly what the preview said
        changed = preview.inserted + preview.updated
        result = importer.commit(con, prepared, user="fuzz")
        assert (result is None) == (changed == 0)
        values, uploads, history = before
        assert stored_count(con) == (values + preview.inserted, uploads + (changed > 0), history + changed)
    return prepared


# --- random bytes ----------------------------------------------------------------------------------------

PREFIXES = [
    b"",
    codecs.BOM_UTF8,
    codecs.BOM_UTF16_LE,
    codecs.BOM_UTF16_BE,
    b"PK\x03\x04",
    b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",
    b"unit_code,period,indicator_code,value\n",
    "Mã đơn vị;kt_tcd\n".encode(),
]


@FUZZ
@given(
    prefix=st.sampled_from(PREFIXES),
    body=st.binary(max_size=3000),
    name=st.sampled_from(["bao_cao.csv", "bao_cao.txt", "bao_cao.xlsx", "bao_cao.tsv", "bao_cao"]),
)
def test_random_bytes(con: duckdb.DuckDBPyConnection, known: dict, prefix: bytes, body: bytes, name: str) -> None:
    answer(con, known, prefix + body, name)


# --- text that looks like a report -----------------------------------------------------------------------

HEADER_WORDS = [
    "unit_code",
    "Mã đơn vị",
    "MÃ ĐV",
    "ma don vi",
    "unit_name",
    "Tên đơn vị",
    "period",
    "Kỳ báo cáo",
    "Kỳ",
    "indicator_code",
    "Mã chỉ tiêu",
    "value",
    "Giá trị",
    "Số liệu",
    "note",
    "Ghi chú",
    "STT",
    "kt_tcd",
    "KT_DV",
    "co_ttdt",
    "tl_vb_kyso",
    "vb_kyso",
    "vb_di_tong",
    "tc_nhan",
    "tc_giaiquyet",
    "gio_hop",
    "dv_tong",
    "SỐ TỔ CHỨC ĐẢNG ĐƯỢC KIỂM TRA",
    "Có phòng họp trực tuyến",
    "kt_tdc",
]
UNITS = [
    "XP01",
    "XP02",
    "xp05",
    "XP1",
    "XP99",
    "TU",
    "QS",
    "H01X01",
    "H01X03",
    "BTG",
    "BTGDV",
    "",
    " ",
    "I",
    "II.",
    "Tổng cộng",
]
PERIODS = [
    "2025-Q3",
    "Quý III/2025",
    "Q3/2025",
    "quý 3 năm 2025",
    "2025-q4",
    "2026-Q4",
    "2027-Q1",
    "3/2025",
    "Q5/2025",
    "6 tháng năm 2025",
    "9 tháng năm 2025",
    "Năm 2024",
    "2023-Q1",
    "quý 1/0999",
    "1900-Q1",
    "",
]
INDICATORS = [
    "kt_tcd",
    "kt_dv",
    "co_ttdt",
    "co_phtt",
    "tl_vb_kyso",
    "vb_kyso",
    "vb_di_tong",
    "tc_nhan",
    "tc_giaiquyet",
    "gio_hop",
    "dv_tong",
    "dv_csdl",
    "kt_tdc",
    "KT_TCD",
    "",
    "xyz",
]
NUMBERS = [
    "1.234",
    "85,5%",
    "0,855",
    "1,234,567",
    "-",
    "–",
    "abc",
    "0",
    "1",
    "-5",
    "1,5",
    "200.000",
    "Có",
    "Không",
    "x",
    "Đã có",
    "có lẽ",
    "1" + "0" * 400,
    "1e5",
    "NaN",
    "=SUM(A1)",
    "",
    "99999999999",
]
WORDS = [
    "Đảng bộ phường An Lợi",
    "Đảng bộ xã An Thành",
    "BÁO CÁO KẾT QUẢ",
    "QUÝ III NĂM 2025",
    "Toàn tỉnh",
    "I. KHỐI ĐẢNG",
    "cộng",
    "tổng",
    "Ghi chú: số liệu ước",
    '"',
    '""',
    "'",
    ";",
    ",",
    "\t",
    "ÊÈÉ TÊN CHỈ TIÊU",
]

cell = st.one_of(
    st.sampled_from(HEADER_WORDS),
    st.sampled_from(UNITS),
    st.sampled_from(PERIODS),
    st.sampled_from(INDICATORS),
    st.sampled_from(NUMBERS),
    st.sampled_from(WORDS),
    st.integers(-(10**6), 10**12).map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(lambda f: str(f).replace(".", ",")),
    st.text(max_size=12),
)
LONG_NAMES = [
    ["unit_code", "Mã đơn vị", "Mã ĐV"],
    ["period", "Kỳ báo cáo", "Kỳ"],
    ["indicator_code", "Mã chỉ tiêu"],
    ["value", "Giá trị", "Số liệu"],
    ["note", "Ghi chú"],
]
wide_header = st.lists(st.sampled_from(HEADER_WORDS), min_size=1, max_size=8).map(lambda h: ["Mã đơn vị", *h])
long_row = st.tuples(
    st.sampled_from(UNITS),
    st.sampled_from(PERIODS),
    st.sampled_from(INDICATORS),
    st.sampled_from(NUMBERS),
    st.sampled_from(["", "ghi chú"]),
).map(list)
good_row = st.tuples(
    st.sampled_from(["XP01", "XP02", "XP03", "TU", "QS"]),
    st.sampled_from(["2025-Q3", "Quý III/2025", "2026-Q4", "9 tháng năm 2025"]),
    st.sampled_from(["kt_tcd", "kt_dv", "co_ttdt", "vb_di_tong", "vb_kyso", "gio_hop", "dv_tong"]),
    st.sampled_from(["5", "1.234", "0", "-", "Có", "12,5", "40"]),
    st.just(""),
).map(list)


def _encode(text: str, how: str) -> bytes:
    if how == "windows-1258":
        try:
            return to_windows_1258(text)
        except UnicodeEncodeError:
            return text.encode("utf-8")
    if how == "nfd":
        return unicodedata.normalize("NFD", text).encode("utf-8")
    if how == "utf-16":
        return codecs.BOM_UTF16_LE + text.encode("utf-16-le", errors="surrogatepass")
    return text.encode(how, errors="surrogatepass")


@st.composite
def report_text(draw: st.DrawFn) -> tuple[list[list[str]], str]:
    kind = draw(st.sampled_from(["long", "wide", "noise"]))
    if kind == "long":  # the columns in any order, the rows in the same order
        order = draw(st.permutations(range(5)))
        header = [draw(st.sampled_from(LONG_NAMES[i])) for i in order]
        rows = draw(st.lists(st.one_of(good_row, long_row, st.lists(cell, max_size=6)), max_size=12))
        rows = [[r[i] for i in order] if len(r) == 5 else r for r in rows]
    elif kind == "wide":
        header = draw(wide_header)
        rows = draw(st.lists(st.lists(cell, max_size=len(header) + 1), max_size=12))
    else:
        header = draw(st.lists(cell, max_size=6))
        rows = draw(st.lists(st.lists(cell, max_size=7), max_size=12))
    titles = draw(st.lists(st.sampled_from(WORDS + PERIODS), max_size=2))
    return [[t] for t in titles] + [header] + rows, kind


@FUZZ
@given(
    table=report_text(),
    delimiter=st.sampled_from([",", ";", "\t"]),
    newline=st.sampled_from(["\n", "\r\n"]),
    how=st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "windows-1258", "nfd"]),
    period=st.sampled_from([None, "2025-Q3", "2026-Q4", "2027-Q1", "9 tháng năm 2025"]),
)
def test_report_like_text(
    con: duckdb.DuckDBPyConnection,
    known: dict,
    table: tuple,
    delimiter: str,
    newline: str,
    how: str,
    period: str | None,
) -> None:
    rows, _ = table
    text = newline.join(delimiter.join(f'"{c}"' if delimiter in c and '"' not in c else c for c in row) for row in rows)
    answer(con, known, _encode(text, how), "bao_cao.csv", periods.parse(period) if period else None)


def test_report_like_text_reaches_the_checks(con: duckdb.DuckDBPyConnection, known: dict) -> None:
    """The generator above is not only noise: a typical draw passes the reader and gets checked."""
    text = "\r\n".join(
        [
            ",".join(["unit_code", "period", "indicator_code", "value", "note"]),
            "XP01,2025-Q3,kt_tcd,5,",
            "XP99,3/2025,kt_tdc,abc,",
        ]
    )
    prepared = answer(con, known, _encode(text, "windows-1258"), "bao_cao.csv")
    assert prepared is not None
    assert [i.code for i in prepared.report.errors] == ["E_BAD_PERIOD", "E_UNKNOWN_UNIT", "E_UNKNOWN_INDICATOR"]


# --- a real .xlsx with some of its bytes changed ---------------------------------------------------------

XLSX = (FIXTURES / "bao_cao_quy3_2025.xlsx").read_bytes()
with zipfile.ZipFile(io.BytesIO(XLSX)) as _z:
    MEMBERS = {name: _z.read(name) for name in _z.namelist()}


def _zip(members: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for name, body in members.items():
            z.writestr(name, body)
    return out.getvalue()


@pytest.mark.filterwarnings("ignore::UserWarning:openpyxl")  # "invalid specification": openpyxl goes on
@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow], database=None)
@given(
    member=st.sampled_from([None, *sorted(MEMBERS)]),
    edits=st.lists(st.tuples(st.integers(0, 10**6), st.binary(min_size=0, max_size=3)), min_size=1, max_size=5),
)
def test_damaged_xlsx(con: duckdb.DuckDBPyConnection, known: dict, member: str | None, edits: list) -> None:
    """Bytes changed in the zip itself (None), or inside one XML part of a well-formed zip."""
    data = bytearray(XLSX if member is None else MEMBERS[member])
    for pos, chunk in edits:
        pos %= len(data)
        data[pos : pos + len(chunk)] = chunk
    answer(con, known, bytes(data) if member is None else _zip({**MEMBERS, member: bytes(data)}), "bao_cao.xlsx")
