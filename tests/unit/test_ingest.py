"""Reading what office staff really send: encodings, delimiters, Vietnamese numbers, headers, layouts."""

from __future__ import annotations

import codecs
import csv
import importlib.util
import io
import unicodedata
from datetime import date
from pathlib import Path

import duckdb
import openpyxl
import pytest

from reform import importer, ingest, periods
from reform.config import DEFAULT_DATA_DIR
from reform.textnorm import to_windows_1258
from tests.reference import percell

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
TODAY = date(2026, 11, 22)
Q3 = date(2025, 7, 1)
NAME = "Đảng bộ phường An Lợi"  # the register name of XP01
BIG = 20 * 1024 * 1024


def _catalogue() -> dict[str, str]:
    with (DEFAULT_DATA_DIR / "indicators.csv").open(encoding="utf-8") as f:
        return ingest.indicator_lookup([(r["code"], r["name_vi"]) for r in csv.DictReader(f)])


LOOKUP = _catalogue()


def read(data: bytes, name: str = "bao_cao.csv") -> tuple[ingest.Grid, ingest.Table]:
    grid = ingest.read(data, name, max_bytes=BIG)
    return grid, percell.extract(grid, LOOKUP)


def table_of(rows: list[list[object]]) -> ingest.Table:
    return percell.extract(ingest.Grid(rows=rows, kind="csv"), LOOKUP)


def prepare(con: duckdb.DuckDBPyConnection, data: bytes, name: str = "bao_cao.csv", **kw) -> importer.Prepared:
    return importer.prepare(con, data, name, today=TODAY, **kw)


# --- encodings -------------------------------------------------------------------------------------------

TEXT = f"Mã đơn vị,Tên đơn vị,Kỳ báo cáo,kt_tcd\r\nXP01,{NAME},Quý III/2025,5\r\n"


@pytest.mark.parametrize(
    ("data", "encoding"),
    [
        (TEXT.encode("utf-8"), "utf-8"),
        (codecs.BOM_UTF8 + TEXT.encode("utf-8"), "utf-8-sig"),
        (codecs.BOM_UTF16_LE + TEXT.encode("utf-16-le"), "utf-16"),
        (codecs.BOM_UTF16_BE + TEXT.encode("utf-16-be"), "utf-16"),
        (TEXT.encode("utf-16-le"), "utf-16-le"),  # Unicode text without its BOM
        (to_windows_1258(TEXT), "windows-1258"),
        (unicodedata.normalize("NFD", TEXT).encode("utf-8"), "utf-8"),  # macOS
    ],
    ids=["utf8", "utf8-bom", "utf16le-bom", "utf16be-bom", "utf16le-no-bom", "windows-1258", "nfd"],
)
def test_every_encoding_gives_the_same_nfc_cells(data: bytes, encoding: str) -> None:
    grid, table = read(data)
    assert grid.encoding == encoding
    assert grid.rows[0] == ["Mã đơn vị", "Tên đơn vị", "Kỳ báo cáo", "kt_tcd"]
    assert grid.rows[1] == ["XP01", NAME, "Quý III/2025", "5"]
    (cell,) = table.cells
    assert (cell.unit_code, cell.unit_name, cell.period_raw, cell.indicator, cell.raw) == (
        "XP01",
        NAME,
        "Quý III/2025",
        "kt_tcd",
        "5",
    )
    assert unicodedata.is_normalized("NFC", cell.unit_name)


def test_windows_1258_really_splits_the_tone_marks() -> None:
    """The sample must exercise decomposition: "ả" is "a" + U+0309, written as the byte 0xD2."""
    data = to_windows_1258("Đảng bộ")
    assert data == b"\xd0a\xd2ng b\xf4\xf2"
    assert ingest.decode(data) == ("\u0110a\u0309ng bô\u0323", "windows-1258")
    grid, _ = read(to_windows_1258(TEXT))
    assert grid.rows[1][1] == NAME and len(grid.rows[1][1]) == len(NAME)


def test_nfd_unit_names_become_nfc(demo_con: duckdb.DuckDBPyConnection) -> None:
    data = (FIXTURES / "bao_cao_quy3_2025_macos_nfd.csv").read_bytes()
    assert unicodedata.normalize("NFD", data.decode()) == data.decode() != unicodedata.normalize("NFC", data.decode())
    p = prepare(demo_con, data, "macos.csv")
    names = [row[1] for row in p.grid.rows[1:]]
    assert names == ["Đảng bộ phường An Lợi", "Đảng bộ phường Tân Thủy", "Đảng bộ phường Long Đông"]
    assert all(unicodedata.is_normalized("NFC", n) for n in names)
    assert p.report.issues == []  # headers found, names match the register (no W_UNIT_NAME)
    assert len(p.report.rows) == 6


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_upper_case_vietnamese_is_not_taken_for_tcvn3(kind: str) -> None:
    """Ê, È, É are TCVN3 bytes read as Windows-1258, but also real capitals: "TÊN CHỈ TIÊU", "KÊ KHAI"."""
    rows = [["BÁO CÁO KÊ KHAI QUÝ III NĂM 2025"], ["Mã đơn vị", "TÊN CHỈ TIÊU", "kt_tcd"], ["XP01", "BÈ BÉ LÊ", "5"]]
    if kind == "csv":
        data = "\r\n".join(";".join(r) for r in rows).encode()
    else:
        wb = openpyxl.Workbook()
        for r in rows:
            wb.active.append(r)
        buf = io.BytesIO()
        wb.save(buf)
        data = buf.getvalue()
    grid, table = read(data, f"a.{kind}")
    assert grid.rows[1][1] == "TÊN CHỈ TIÊU"
    assert [(c.unit_code, c.raw) for c in table.cells] == [("XP01", "5")]


# --- delimiters ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("delimiter", [",", ";", "\t"])
def test_delimiters(delimiter: str) -> None:
    rows = [["Mã đơn vị", "Tên đơn vị", "gio_hop", "kt_tcd"], ["XP01", NAME, "42,5", "1.234"], ["XP02", "", "3", "-"]]
    quoted = [[f'"{c}"' if delimiter in c else c for c in r] for r in rows]
    grid, table = read("\r\n".join(delimiter.join(r) for r in quoted).encode())
    assert grid.delimiter == delimiter
    assert grid.rows[1] == ["XP01", NAME, "42,5", "1.234"]
    assert [(c.unit_code, c.indicator, c.raw) for c in table.cells] == [
        ("XP01", "gio_hop", "42,5"),
        ("XP01", "kt_tcd", "1.234"),
        ("XP02", "gio_hop", "3"),
        ("XP02", "kt_tcd", "-"),
    ]


def test_semicolon_file_with_decimal_commas_is_not_split_on_commas() -> None:
    text = "BÁO CÁO QUÝ III NĂM 2025\nMã đơn vị;gio_hop;hop_tong\nXP01;42,5;12\nXP02;40,5;11\nXP03;1,5;1\n"
    grid, _ = read(text.encode())
    assert grid.delimiter == ";"
    assert grid.rows[2] == ["XP01", "42,5", "12"]


# --- numbers and flags as staff write them ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "value", "percent"),
    [
        ("1.234", 1234.0, False),  # Vietnamese thousands
        ("1.234.567", 1234567.0, False),
        ("1,234,567", 1234567.0, False),  # English thousands, two groups or more
        ("1,234", 1.234, False),  # one group: the Vietnamese decimal comma wins
        ("0,855", 0.855, False),
        ("12,5", 12.5, False),
        ("12.5", 12.5, False),
        ("1.234,5", 1234.5, False),  # both marks: the last one is the decimal mark
        ("1,234.5", 1234.5, False),
        ("85,5%", 85.5, True),
        ("100%", 100.0, True),
        ("-12", -12.0, False),
        ("-1.234", -1234.0, False),
        ("1 234", 1234.0, False),
        ("1\u00a0234", 1234.0, False),  # Excel's no-break space
        ("  7 ", 7.0, False),
        ("-", 0.0, False),
        ("–", 0.0, False),
        ("—", 0.0, False),
        (5, 5.0, False),
        (2.5, 2.5, False),
        (True, 1.0, False),
    ],
)
def test_numbers(raw: object, value: float, percent: bool) -> None:
    assert ingest.parse_number(raw) == ingest.Number(value, percent)


@pytest.mark.parametrize(
    "raw", ["abc", "", "%", "1,2,3", "12a", "1e5", "nan", "inf", "-%", "1.23.4", None, "1" + "0" * 400]
)
def test_not_numbers(raw: object) -> None:
    assert ingest.parse_number(raw) is None


@pytest.mark.parametrize(
    ("raw", "flag"),
    [
        ("Có", 1.0),
        ("có", 1.0),
        ("CÓ", 1.0),
        ("x", 1.0),
        ("X", 1.0),
        ("1", 1.0),
        (1, 1.0),
        (1.0, 1.0),
        (True, 1.0),
        ("Đã có", 1.0),
        ("đạt", 1.0),
        ("yes", 1.0),
        ("Không", 0.0),
        ("không", 0.0),
        ("KHÔNG", 0.0),
        ("0", 0.0),
        (0, 0.0),
        ("Chưa có", 0.0),
        ("chưa", 0.0),
        ("-", 0.0),
        ("no", 0.0),
        (False, 0.0),
        ("2", None),
        (2, None),
        (0.5, None),
        ("có lẽ", None),
        ("100%", None),
        ("", None),
        ("abc", None),
    ],
)
def test_flags(raw: object, flag: float | None) -> None:
    assert ingest.parse_flag(raw) == flag


# --- header detection ------------------------------------------------------------------------------------


def test_header_below_title_rows() -> None:
    t = table_of(
        [
            ["BÁO CÁO KẾT QUẢ CẢI CÁCH HÀNH CHÍNH QUÝ III NĂM 2025"],
            ["(Kèm theo Công văn số 125-CV/VPTU)"],
            [],
            ["STT", "Mã đơn vị", "Tên đơn vị", "kt_tcd"],
            ["1", "XP01", NAME, "5"],
        ]
    )
    assert t.header_row == 4 and t.layout == "wide"
    assert [(c.index, c.role, c.indicator) for c in t.columns] == [
        (1, "unit_code", None),
        (2, "unit_name", None),
        (3, "indicator", "kt_tcd"),
    ]
    assert t.title_period_text == "BÁO CÁO KẾT QUẢ CẢI CÁCH HÀNH CHÍNH QUÝ III NĂM 2025"
    assert [(c.row, c.unit_code, c.raw) for c in t.cells] == [(5, "XP01", "5")]


def test_code_row_under_the_names_is_read() -> None:
    t = table_of(
        [
            ["Mã đơn vị", "Tên đơn vị", "Số tổ chức đảng được kiểm tra", "Số đảng viên được kiểm tra"],
            ["unit_code", "unit_name", "kt_tcd", "kt_dv"],
            ["XP01", NAME, "5", "7"],
        ]
    )
    assert t.header_row == 2
    assert [c.header for c in t.columns] == ["unit_code", "unit_name", "kt_tcd", "kt_dv"]
    assert [(c.row, c.indicator, c.raw) for c in t.cells] == [(3, "kt_tcd", "5"), (3, "kt_dv", "7")]


def test_key_names_merged_over_the_names_and_codes_rows_are_kept() -> None:
    """Excel gives a merged A4:A5 "Mã đơn vị" only in A4; the codes row under it has A5 empty."""
    t = table_of(
        [
            ["Mã đơn vị", "Tên đơn vị", "Số tổ chức đảng được kiểm tra", "Số đảng viên được kiểm tra"],
            [None, None, "kt_tcd", "kt_dv"],
            ["XP01", NAME, "5", "7"],
        ]
    )
    assert t.header_row == 2
    assert [(c.index, c.role, c.indicator) for c in t.columns] == [
        (0, "unit_code", None),
        (1, "unit_name", None),
        (2, "indicator", "kt_tcd"),
        (3, "indicator", "kt_dv"),
    ]
    assert {(c.unit_code, c.unit_name) for c in t.cells} == {("XP01", NAME)}


def test_no_header_in_the_first_rows() -> None:
    rows = [["Báo cáo"]] * 5 + [["xin chào", "1"]]
    with pytest.raises(ingest.IngestError) as exc:
        table_of(rows)
    assert exc.value.code == "E_NO_HEADER" and "Mã đơn vị" in exc.value.message
    too_deep = [[f"dòng {i}"] for i in range(ingest.HEADER_SEARCH_ROWS)] + [["Mã đơn vị", "kt_tcd"], ["XP01", "1"]]
    with pytest.raises(ingest.IngestError, match="30 dòng đầu"):
        table_of(too_deep)


KEY_VARIANTS = [
    ("unit_code", ["unit_code", "Mã đơn vị", "Mã ĐV", "MÃ  ĐƠN  VỊ", "ma don vi", "Unit Code", " mã đv ", "UNIT_CODE"]),
    ("unit_name", ["unit_name", "Tên đơn vị", "TÊN ĐƠN VỊ", "ten don vi", "Unit name"]),
    ("period", ["period", "Kỳ báo cáo", "Kỳ", "KỲ  BÁO CÁO", "ky bao cao", "PERIOD"]),
    ("indicator_code", ["indicator_code", "Mã chỉ tiêu", "MÃ CHỈ TIÊU", "ma chi tieu", "Indicator Code"]),
    ("value", ["value", "Giá trị", "Số liệu", "GIÁ TRỊ", "so lieu", "VALUE"]),
    ("note", ["note", "Ghi chú", "GHI CHÚ", "ghi chu"]),
]
LONG_HEADER = {
    "unit_code": "unit_code",
    "unit_name": "unit_name",
    "period": "period",
    "indicator_code": "indicator_code",
    "value": "value",
    "note": "note",
}


@pytest.mark.parametrize(("role", "header"), [(role, h) for role, hs in KEY_VARIANTS for h in hs])
def test_key_headers_match_whatever_the_case_spacing_and_diacritics(role: str, header: str) -> None:
    names = dict(LONG_HEADER, **{role: header})
    t = table_of([list(names.values()), ["XP01", NAME, "2025-Q3", "kt_tcd", "5", "số liệu ước"]])
    assert t.layout == "long"
    assert {c.role: c.header for c in t.columns}[role] == header
    (cell,) = t.cells
    assert (cell.unit_code, cell.unit_name, cell.period_raw, cell.indicator, cell.raw, cell.note) == (
        "XP01",
        NAME,
        "2025-Q3",
        "kt_tcd",
        "5",
        "số liệu ước",
    )


@pytest.mark.parametrize(
    ("header", "code"),
    [
        ("kt_tcd", "kt_tcd"),
        ("KT_TCD", "kt_tcd"),
        ("SỐ TỔ CHỨC ĐẢNG ĐƯỢC KIỂM TRA", "kt_tcd"),
        ("Số tổ chức đảng được kiểm tra", "kt_tcd"),
        ("so to chuc dang duoc kiem tra", "kt_tcd"),
        ("Số tổ chức  đảng được kiểm tra (kt_tcd)", "kt_tcd"),
        ("Số đảng viên được kiểm tra", "kt_dv"),
        ("Số đơn, vụ tố cáo tiếp nhận", "tc_nhan"),
        ("Có trang thông tin điện tử", "co_ttdt"),
        ("Tỷ lệ văn bản đi có chữ ký số", "tl_vb_kyso"),  # found, then refused by the checks (E_DERIVED)
    ],
)
def test_wide_columns_by_code_or_vietnamese_name(header: str, code: str) -> None:
    t = table_of([["Mã đơn vị", "STT", header], ["XP01", "1", "5"]])
    assert t.layout == "wide"
    assert [(c.role, c.indicator) for c in t.columns] == [("unit_code", None), ("indicator", code)]
    assert [(c.indicator, c.raw, c.header) for c in t.cells] == [(code, "5", header)]


def test_unknown_wide_columns_are_not_read() -> None:
    t = table_of([["STT", "Mã đơn vị", "Số tổ chức được kiểm tra", "kt_tcd", "Ghi chú"], ["1", "XP01", "9", "5", "x"]])
    assert [c.role for c in t.columns] == ["unit_code", "indicator", "note"]
    assert [(c.indicator, c.raw, c.note) for c in t.cells] == [("kt_tcd", "5", "x")]


# --- long vs wide ----------------------------------------------------------------------------------------


def test_long_layout_one_value_per_row() -> None:
    t = table_of(
        [
            ["Mã đơn vị", "Kỳ báo cáo", "Mã chỉ tiêu", "Giá trị", "Ghi chú"],
            ["XP01", "Quý III/2025", "kt_tcd", "5", None],
            ["XP01", "Quý III/2025", "co_ttdt", "Có", "đã kiểm tra"],
            ["xp02", "2025-Q3", "kt_dv", "1.234", None],
        ]
    )
    assert t.layout == "long"
    assert [(c.row, c.col, c.unit_code, c.indicator, c.raw, c.note) for c in t.cells] == [
        (2, 4, "XP01", "kt_tcd", "5", None),
        (3, 4, "XP01", "co_ttdt", "Có", "đã kiểm tra"),
        (4, 4, "XP02", "kt_dv", "1.234", None),  # unit codes are upper-cased
    ]


def test_wide_layout_one_cell_per_indicator() -> None:
    t = table_of(
        [["Mã đơn vị", "Kỳ", "kt_tcd", "co_ttdt"], ["XP01", "2025-Q3", "5", "Có"], ["XP02", "2025-Q3", None, "-"]]
    )
    assert t.layout == "wide"
    assert [(c.row, c.col, c.unit_code, c.indicator, c.raw) for c in t.cells] == [
        (2, 3, "XP01", "kt_tcd", "5"),
        (2, 4, "XP01", "co_ttdt", "Có"),
        (3, 3, "XP02", "kt_tcd", None),
        (3, 4, "XP02", "co_ttdt", "-"),
    ]


# --- section and total rows ------------------------------------------------------------------------------


def test_section_and_total_rows_are_skipped_and_not_counted(demo_con: duckdb.DuckDBPyConnection) -> None:
    text = (
        "Mã đơn vị;Tên đơn vị;kt_tcd\n"
        "I. CÁC ĐẢNG BỘ PHƯỜNG;;\n"
        "XP01;Đảng bộ phường An Lợi;5\n"
        "XP02;Đảng bộ phường Tân Thủy;6\n"
        ";II - CÁC ĐẢNG BỘ XÃ;\n"
        "XP05;Đảng bộ xã An Thành;7\n"
        ";;\n"
        ";Tổng cộng;18\n"
        ";Toàn tỉnh;18\n"
    )
    p = prepare(demo_con, text.encode(), period=periods.parse("2025-Q3"))
    assert p.report.skipped_rows == {2: "section", 5: "section", 7: "empty", 8: "total", 9: "total"}
    assert p.report.data_rows == 3 and p.summary()["rows"] == 3
    assert sorted(p.report.rows["unit_code"]) == ["XP01", "XP02", "XP05"]
    assert p.report.issues == []


# --- the period: from the column, the period= argument, the title ----------------------------------------


def test_period_from_the_column(demo_con: duckdb.DuckDBPyConnection) -> None:
    text = "Mã đơn vị,Kỳ báo cáo,kt_tcd\nXP01,Quý III/2025,5\nXP02,2025-Q4,6\n"
    p = prepare(demo_con, text.encode(), period=periods.parse("2026-Q1"))  # the column wins over the argument
    assert sorted(zip(p.report.rows["unit_code"], p.report.rows["period"], strict=True)) == [
        ("XP01", Q3),
        ("XP02", date(2025, 10, 1)),
    ]


def test_period_from_the_argument_when_the_file_has_none(demo_con: duckdb.DuckDBPyConnection) -> None:
    data = b"Ma don vi,kt_tcd\nXP01,5\n"
    assert [i.code for i in prepare(demo_con, data).report.errors] == ["E_NO_PERIOD"]
    p = prepare(demo_con, data, period=periods.parse("Quý IV/2025"))
    assert list(p.report.rows["period"]) == [date(2025, 10, 1)] and p.report.issues == []


@pytest.mark.parametrize(
    ("title", "start"),
    [
        ("BÁO CÁO KẾT QUẢ CẢI CÁCH HÀNH CHÍNH TRONG ĐẢNG QUÝ III NĂM 2025", Q3),
        ("Kỳ báo cáo: Quý IV/2025", date(2025, 10, 1)),
        ("Báo cáo 2026-Q1", date(2026, 1, 1)),
    ],
)
def test_period_from_the_title(demo_con: duckdb.DuckDBPyConnection, title: str, start: date) -> None:
    p = prepare(demo_con, f"{title}\n\nMã đơn vị;kt_tcd\nXP01;5\n".encode())
    assert list(p.report.rows["period"]) == [start] and p.report.issues == []
    p = prepare(demo_con, f"{title}\n\nMã đơn vị;kt_tcd\nXP01;5\n".encode(), period=periods.parse("2026-Q2"))
    assert list(p.report.rows["period"]) == [date(2026, 4, 1)]  # the argument wins over the title


def test_a_title_with_an_impossible_year_is_not_a_period(demo_con: duckdb.DuckDBPyConnection) -> None:
    p = prepare(demo_con, "BÁO CÁO QUÝ I/0999\nMã đơn vị;kt_tcd\nXP01;5\n".encode())
    assert [i.code for i in p.report.issues] == ["E_NO_PERIOD"]


# --- the sample files of tests/fixtures ------------------------------------------------------------------


def _load_maker():
    spec = importlib.util.spec_from_file_location("make_fixtures", FIXTURES / "make_fixtures.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_fixtures_are_what_the_script_writes() -> None:
    built = _load_maker().build()
    assert sorted(built) == sorted(p.name for p in FIXTURES.iterdir() if p.name.startswith("bao_cao"))
    for name, data in built.items():
        stored = (FIXTURES / name).read_bytes()
        assert len(stored) < 20_000
        if name.endswith(".xlsx"):  # zip bytes depend on zlib; compare the cells
            assert _cells(stored) == _cells(data), name
        else:
            assert stored == data, name


def _cells(data: bytes) -> list[tuple]:
    wb = openpyxl.load_workbook(io.BytesIO(data))
    return [(c.coordinate, c.value, c.number_format) for row in wb.active.iter_rows() for c in row]


def _stored(con: duckdb.DuckDBPyConnection, unit: str, code: str) -> float:
    return con.execute(
        "select value from value where unit_code = ? and period = ? and indicator_code = ?", [unit, Q3, code]
    ).fetchone()[0]


def test_windows_1258_semicolon_report(demo_con: duckdb.DuckDBPyConnection) -> None:
    data = (FIXTURES / "bao_cao_quy3_2025_windows1258.csv").read_bytes()
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")
    p = prepare(demo_con, data, "bao_cao.csv")
    assert (p.grid.encoding, p.grid.delimiter, p.report.layout) == ("windows-1258", ";", "wide")
    # the two "-" are zeros where the merged communes' history (carried from the communes they replaced) has
    # more: a warning to look again, nothing refused
    assert p.report.errors == []
    assert [(i.code, i.cell) for i in p.report.warnings] == [("W_OUTLIER", "D7"), ("W_OUTLIER", "E11")]
    assert p.report.skipped_rows == {5: "section", 10: "section", 12: "total"}
    rows = {(r.unit_code, r.indicator_code): r.value for r in p.report.rows.itertuples()}
    assert len(rows) == 29  # 5 units x 6 indicators, one cell left blank
    assert ("XP03", "kt_dv") not in rows
    assert rows["XP02", "dv_tong"] == 1766 and rows["XP02", "dv_csdl"] == 1690  # "1.766"
    assert rows["XP02", "kt_tcd"] == 0 and rows["XP05", "kt_dv"] == 0  # "-"
    assert (rows["XP01", "co_ttdt"], rows["XP02", "co_phtt"], rows["XP03", "co_ttdt"]) == (1, 0, 0)  # Có/Không
    assert set(p.report.rows["period"]) == {Q3}  # from the title "QUÝ III NĂM 2025"
    assert p.grid.rows[5][2] == "Đảng bộ phường An Lợi"
    result = importer.commit(demo_con, p, user="test")
    assert result.rows == 29 and result.inserted + result.updated + result.unchanged == 29
    assert _stored(demo_con, "XP02", "dv_tong") == 1766


def test_utf16_unicode_text_report(demo_con: duckdb.DuckDBPyConnection) -> None:
    data = (FIXTURES / "bao_cao_quy3_2025_unicode.txt").read_bytes()
    assert data[:2] == codecs.BOM_UTF16_LE
    p = prepare(demo_con, data, "bao_cao.txt")
    assert (p.grid.encoding, p.grid.delimiter, p.report.layout) == ("utf-16", "\t", "wide")
    # meetings and their hours far below those of the communes merged into these: warned, not refused
    assert p.report.errors == []
    assert [(i.code, i.cell) for i in p.report.warnings] == [("W_OUTLIER", c) for c in ("G4", "C5", "G5", "E7", "G7")]
    assert [(c.role, c.indicator) for c in percell.extract(p.grid, LOOKUP).columns] == [
        ("unit_code", None),
        ("unit_name", None),
        ("indicator", "kt_tcd"),
        ("indicator", "kt_dv"),
        ("indicator", "hop_tong"),
        ("indicator", "hop_truc_tuyen"),
        ("indicator", "gio_hop"),
    ]
    rows = {(r.unit_code, r.indicator_code): r.value for r in p.report.rows.itertuples()}
    assert len(rows) == 25
    assert rows["XP01", "gio_hop"] == 42.5 and rows["XP04", "hop_truc_tuyen"] == 0
    assert set(p.report.rows["period"]) == {Q3}  # "Kỳ báo cáo: Quý III/2025"


def test_long_utf8_bom_report_with_periods_in_many_forms(demo_con: duckdb.DuckDBPyConnection) -> None:
    data = (FIXTURES / "bao_cao_quy3_2025_long_utf8bom.csv").read_bytes()
    assert data.startswith(codecs.BOM_UTF8)
    p = prepare(demo_con, data, "long.csv")
    assert (p.grid.encoding, p.report.layout) == ("utf-8-sig", "long")
    # XP02's documents and XP04's meeting hours are far from the figures of the communes merged into them: warned
    assert p.report.errors == []
    assert [(i.code, i.cell) for i in p.report.warnings] == [("W_OUTLIER", c) for c in ("D4", "D5", "D8")]
    assert len({c.period_raw for c in percell.extract(p.grid, LOOKUP).cells}) == 8  # eight ways to write it
    assert set(p.report.rows["period"]) == {Q3}
    rows = {(r.unit_code, r.indicator_code): r.value for r in p.report.rows.itertuples()}
    assert rows == {
        ("XP01", "kt_tcd"): 15,
        ("XP01", "kt_dv"): 31,
        ("XP02", "vb_di_tong"): 1234,
        ("XP02", "vb_di_dientu"): 1100,
        ("XP03", "co_ttdt"): 1,
        ("XP03", "hop_tong"): 12,
        ("XP04", "gio_hop"): 30.5,
        ("XP05", "co_phtt"): 0,
    }


def test_excel_report_with_merged_cells_percent_and_formulas(demo_con: duckdb.DuckDBPyConnection) -> None:
    data = (FIXTURES / "bao_cao_quy3_2025.xlsx").read_bytes()
    p = prepare(demo_con, data, "bao_cao.xlsx")
    assert (p.grid.kind, p.grid.encoding, p.report.layout) == ("xlsx", None, "wide")
    assert p.grid.formula_cells == {(9, 4)} | {(11, c) for c in range(3, 9)}  # D9 and the sums of the total row
    assert (10, 8) in p.grid.percent_cells
    assert [(i.code, i.cell, i.row, i.column) for i in p.report.issues] == [
        ("E_FORMULA", "D9", 9, "kt_dv"),
        ("E_PERCENT", "H10", 10, "cb_email"),
    ]
    assert p.report.skipped_rows == {11: "total"}
    rows = {(r.unit_code, r.indicator_code): r.value for r in p.report.rows.itertuples()}
    assert len(rows) == 33
    assert rows["XP03", "vb_di_tong"] == 202  # a formula with the value Excel cached
    assert rows["XP05", "co_ttdt"] == 0 and rows["XP01", "co_ttdt"] == 1
    assert set(p.report.rows["period"]) == {Q3}  # the merged title "Quý III năm 2025"
    with pytest.raises(importer.ImportRefused):
        importer.commit(demo_con, p, user="test")
