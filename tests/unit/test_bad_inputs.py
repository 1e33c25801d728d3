"""Nothing is lost, whatever the input: a clear Vietnamese answer, and the stored data exactly as it was."""

from __future__ import annotations

import codecs
import io
import random
import re
import shutil
import signal
import subprocess
import sys
import time
import zipfile
from collections.abc import Callable
from datetime import date
from pathlib import Path

import duckdb
import openpyxl
import pytest

from reform import db, importer
from reform.ingest import MAX_COLUMNS, IngestError

PROJECT = Path(__file__).resolve().parents[2]
FIXTURES = PROJECT / "tests" / "fixtures"
TODAY = date(2026, 11, 22)


def state(con: duckdb.DuckDBPyConnection) -> tuple[list, list, tuple]:
    """Everything an import may touch: the values and uploads row by row, the history by count and checksum."""
    return (
        con.execute("select * from value order by all").fetchall(),
        con.execute("select * from upload order by all").fetchall(),
        con.execute("select count(*), bit_xor(hash(h)), bit_xor(hash(h, 1)) from value_history as h").fetchone(),
    )


# --- legacy Vietnamese encodings, built from their real tables ---------------------------------------------

_TCVN3 = dict(zip("ĂÂÊÔƠƯĐăâêôơưđ", bytes(range(0xA1, 0xA8)) + bytes(range(0xA8, 0xAF)), strict=True))
for _chars, _codes in {
    "àảãáạ": "B5 B6 B7 B8 B9",
    "ằẳẵắặ": "BB BC BD BE C6",
    "ầẩẫấậ": "C7 C8 C9 CA CB",
    "èẻẽéẹ": "CC CE CF D0 D1",
    "ềểễếệ": "D2 D3 D4 D5 D6",
    "ìỉĩíị": "D7 D8 DC DD DE",
    "òỏõóọ": "DF E1 E2 E3 E4",
    "ồổỗốộ": "E5 E6 E7 E8 E9",
    "ờởỡớợ": "EA EB EC ED EE",
    "ùủũúụ": "EF F1 F2 F3 F4",
    "ừửữứự": "F5 F6 F7 F8 F9",
    "ỳỷỹýỵ": "FA FB FC FD FE",
}.items():
    _TCVN3.update(zip(_chars, (int(c, 16) for c in _codes.split()), strict=True))


def tcvn3(text: str) -> bytes:
    """TCVN3 (ABC, the .VnTime fonts): one byte per lower-case Vietnamese letter."""
    return bytes(_TCVN3[c] if c in _TCVN3 else ord(c) for c in text)


REPORT = (
    "Mã đơn vị;Tên đơn vị;Số tổ chức đảng được kiểm tra\r\n"
    "XP01;Đảng bộ phường An Lợi;15\r\n"
    "XP02;Đảng bộ phường Tân Thủy;11\r\n"
    "XP03;Đảng bộ phường Long Đông;12\r\n"
)
# VNI Windows: a base letter and its marks as separate Latin-1 characters ("ả" = "a" + "û").
REPORT_VNI = (
    "Maõ ñôn vò;Teân ñôn vò;Soá toå chöùc ñaûng ñöôïc kieåm tra\r\n"
    "XP01;Ñaûng boä phöôøng An Lôïi;15\r\n"
    "XP02;Ñaûng boä phöôøng Taân Thuûy;11\r\n"
    "XP03;Ñaûng boä phöôøng Long Ñoâng;12\r\n"
)


def test_legacy_samples_are_real() -> None:
    assert tcvn3("Đảng bộ") == b"\xa7\xb6ng b\xe9"
    assert "Đảng".replace("Đ", "Ñ").replace("ả", "aû").encode("cp1252") == b"\xd1a\xfbng"
    assert REPORT_VNI.encode("cp1252").startswith(b"Ma\xf5 \xf1\xf4n v\xf2;")


# --- bad files ---------------------------------------------------------------------------------------------


def xlsx(rows: list[list[object]], *, write_only: bool = False) -> bytes:
    wb = openpyxl.Workbook(write_only=write_only)
    ws = wb.create_sheet("Báo cáo") if write_only else wb.active
    for row in rows:
        ws.append(row)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def edit_zip(data: bytes, members: dict[str, bytes]) -> bytes:
    """The same zip with some members replaced or added, as someone editing an .xlsx by hand would."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as zin, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zout:
        for item in zin.infolist():
            zout.writestr(item.filename, members.get(item.filename) or zin.read(item))
        for name in members.keys() - set(zin.namelist()):
            zout.writestr(name, members[name])
    return out.getvalue()


_LAUGHS = (
    b'<?xml version="1.0"?>\n<!DOCTYPE lolz [\n<!ENTITY lol "lol">\n'
    + b"".join(
        b'<!ENTITY lol%d "%s">\n' % (i, (b"&lol%d;" % (i - 1) if i > 1 else b"&lol;") * 10) for i in range(1, 10)
    )
    + b"]>\n"
)  # a billion "lol"s once expanded
_MAIN = b'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
_SST_TYPE = b"application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"
_SST_REL = b"http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings"


def with_shared_strings(sst: bytes) -> bytes:
    """A workbook whose A1 is the first shared string (openpyxl itself writes strings inline)."""
    base = xlsx([[None, "kt_tcd"], ["XP01", 5]])
    with zipfile.ZipFile(io.BytesIO(base)) as z:
        types = z.read("[Content_Types].xml")
        rels = z.read("xl/_rels/workbook.xml.rels")
        sheet = z.read("xl/worksheets/sheet1.xml")
    types = types.replace(
        b"</Types>", b'<Override PartName="/xl/sharedStrings.xml" ContentType="' + _SST_TYPE + b'"/></Types>'
    )
    rels = rels.replace(
        b"</Relationships>",
        b'<Relationship Id="rIdSst" Type="' + _SST_REL + b'" Target="sharedStrings.xml"/></Relationships>',
    )
    sheet = re.sub(rb'(<row r="1"[^>]*>)', rb'\1<c r="A1" t="s"><v>0</v></c>', sheet, count=1)
    return edit_zip(
        base,
        {
            "[Content_Types].xml": types,
            "xl/_rels/workbook.xml.rels": rels,
            "xl/worksheets/sheet1.xml": sheet,
            "xl/sharedStrings.xml": sst,
        },
    )


def test_shared_strings_trick_is_read() -> None:
    """The bomb below goes where Excel keeps its strings: check that place is really read."""
    sst = b"<sst " + _MAIN + ' count="1" uniqueCount="1"><si><t>Mã đơn vị</t></si></sst>'.encode()
    wb = openpyxl.load_workbook(io.BytesIO(with_shared_strings(sst)), read_only=True)
    assert next(wb.active.iter_rows(values_only=True))[0] == "Mã đơn vị"


def xml_bomb(member: str) -> bytes:
    if member == "xl/sharedStrings.xml":
        return with_shared_strings(_LAUGHS + b"<sst " + _MAIN + b"><si><t>&lol9;</t></si></sst>")
    good = (FIXTURES / "bao_cao_quy3_2025.xlsx").read_bytes()
    root = {
        "xl/worksheets/sheet1.xml": b"<worksheet " + _MAIN + b'><sheetData><row r="1"><c r="A1" '
        b't="inlineStr"><is><t>&lol9;</t></is></c></row></sheetData></worksheet>',
        "xl/workbook.xml": b"<workbook " + _MAIN + b'><sheets><sheet name="&lol9;" sheetId="1"/></sheets></workbook>',
    }[member]
    return edit_zip(good, {member: _LAUGHS + root})


def external_entity() -> bytes:
    good = (FIXTURES / "bao_cao_quy3_2025.xlsx").read_bytes()
    body = (
        b'<?xml version="1.0"?>\n<!DOCTYPE x [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>\n<worksheet '
        + _MAIN
        + b'><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>&xxe;</t></is></c></row></sheetData>'
        b"</worksheet>"
    )
    return edit_zip(good, {"xl/worksheets/sheet1.xml": body})


def zip_of_text() -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("bao_cao.csv", REPORT)
    return buf.getvalue()


def fifty_megabytes() -> bytes:
    row = b"XP01,2025-Q3,kt_tcd,5\r\n"
    return b"unit_code,period,indicator_code,value\r\n" + row * (50 * 1024 * 1024 // len(row) + 1)


GARBAGE = random.Random(1).randbytes(4096)

UNREADABLE: list[tuple[str, Callable[[], bytes], str, str]] = [
    ("tcvn3-csv", lambda: tcvn3(REPORT), "bao_cao.csv", "E_LEGACY_TCVN3"),
    (
        "tcvn3-xlsx",
        lambda: xlsx(
            [["Mã đơn vị", "Tên đơn vị", "kt_tcd"], ["XP01", tcvn3("Đảng bộ phường An Lợi").decode("cp1252"), 15]]
        ),
        "a.xlsx",
        "E_LEGACY_TCVN3",
    ),
    ("vni-csv", lambda: REPORT_VNI.encode("cp1252"), "bao_cao.csv", "E_LEGACY_VNI"),
    ("garbage-csv", lambda: GARBAGE, "bao_cao.csv", "E_ENCODING"),
    ("garbage-xlsx", lambda: GARBAGE, "bao_cao.xlsx", "E_NOT_XLSX"),
    ("garbage-after-zip-magic", lambda: b"PK\x03\x04" + GARBAGE, "bao_cao.xlsx", "E_BAD_XLSX"),
    ("empty", lambda: b"", "bao_cao.csv", "E_EMPTY"),
    ("blank", lambda: b" \r\n\t\r\n", "bao_cao.csv", "E_EMPTY"),
    ("utf8-bom-only", lambda: codecs.BOM_UTF8 + b"\r\n", "bao_cao.csv", "E_EMPTY"),
    ("utf16-bom-only", lambda: codecs.BOM_UTF16_LE, "bao_cao.txt", "E_EMPTY"),
    ("zip-not-xlsx", zip_of_text, "bao_cao.xlsx", "E_NOT_XLSX"),
    ("zip-named-csv", zip_of_text, "bao_cao.csv", "E_NOT_XLSX"),
    ("text-named-xlsx", lambda: REPORT.encode(), "bao_cao.xlsx", "E_NOT_XLSX"),
    ("damaged-xls", lambda: b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(512), "bao_cao.xls", "E_BAD_XLS"),
    ("truncated-xlsx", lambda: (FIXTURES / "bao_cao_quy3_2025.xlsx").read_bytes()[:3000], "a.xlsx", "E_BAD_XLSX"),
    (
        "csv-16000-columns",
        lambda: (",".join(["Mã đơn vị"] + ["kt_tcd"] * 15999) + "\n").encode(),
        "w.csv",
        "E_TOO_MANY_COLUMNS",
    ),
    (
        "xlsx-16000-columns",
        lambda: xlsx(
            [["Mã đơn vị", "kt_tcd"] + [f"c{i}" for i in range(15998)], ["XP01", 5] + [1] * 15998], write_only=True
        ),
        "w.xlsx",
        "E_TOO_MANY_COLUMNS",
    ),
    ("xml-bomb-sheet", lambda: xml_bomb("xl/worksheets/sheet1.xml"), "bomb.xlsx", "E_BAD_XLSX"),
    ("xml-bomb-shared-strings", lambda: xml_bomb("xl/sharedStrings.xml"), "bomb.xlsx", "E_BAD_XLSX"),
    ("xml-bomb-workbook", lambda: xml_bomb("xl/workbook.xml"), "bomb.xlsx", "E_BAD_XLSX"),
    ("xml-external-entity", external_entity, "xxe.xlsx", "E_BAD_XLSX"),
    ("nul-bytes", lambda: b"unit_code,value\nXP01\x00\x00\x00,1\n", "bao_cao.csv", "E_BINARY"),
    (
        "utf16-odd-length",
        lambda: codecs.BOM_UTF16_LE + "Mã đơn vị".encode("utf-16-le") + b"\x00",
        "a.txt",
        "E_ENCODING",
    ),
    ("field-too-large", lambda: b'Ma don vi,kt_tcd\nXP01,"' + b"9" * 200_000 + b'"\n', "a.csv", "E_CSV"),
    ("title-only", lambda: "BÁO CÁO QUÝ III NĂM 2025\r\n".encode(), "bao_cao.csv", "E_NO_HEADER"),
    ("no-unit-column", lambda: b"kt_tcd,kt_dv\n1,2\n", "bao_cao.csv", "E_NO_HEADER"),
]


@pytest.mark.parametrize(("make", "name", "code"), [c[1:] for c in UNREADABLE], ids=[c[0] for c in UNREADABLE])
def test_unreadable_file_is_refused_clearly_and_nothing_changes(
    demo_con: duckdb.DuckDBPyConnection, make: Callable[[], bytes], name: str, code: str
) -> None:
    before = state(demo_con)
    data = make()
    started = time.perf_counter()
    with pytest.raises(IngestError) as exc:
        importer.prepare(demo_con, data, name, today=TODAY)
    assert time.perf_counter() - started < 10  # fails fast (an expanded XML bomb would not)
    assert exc.value.code == code, exc.value.message
    message = exc.value.message
    assert len(message) > 15 and any(ord(c) > 127 for c in message)  # a Vietnamese sentence
    assert "Traceback" not in message and "passwd" not in message and "root:" not in message
    assert state(demo_con) == before


def test_too_large_with_the_default_limit(demo_con: duckdb.DuckDBPyConnection, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("REFORM_MAX_UPLOAD_MB", raising=False)
    before = state(demo_con)
    data = fifty_megabytes()
    assert len(data) > 50 * 1024 * 1024
    with pytest.raises(IngestError) as exc:
        importer.prepare(demo_con, data, "bao_cao.csv", today=TODAY)
    assert exc.value.code == "E_TOO_LARGE"
    assert exc.value.message.startswith("Tệp 50,0 MB vượt giới hạn 20 MB.")  # the limit as configured
    assert "chia thành nhiều tệp" in exc.value.message
    assert state(demo_con) == before


def test_the_column_limit_is_exact() -> None:
    from reform import ingest

    ok = (",".join(["Mã đơn vị"] + ["kt_tcd"] * (MAX_COLUMNS - 1)) + "\n").encode()
    assert len(ingest.read(ok, "a.csv", max_bytes=10**7).rows[0]) == MAX_COLUMNS
    wide = xlsx([["Mã đơn vị"] + ["x"] * MAX_COLUMNS], write_only=True)
    with pytest.raises(IngestError, match="1001 cột"):
        ingest.read(wide, "a.xlsx", max_bytes=10**7)


def formula_without_value() -> bytes:
    return xlsx([["Mã đơn vị", "Kỳ báo cáo", "kt_tcd", "kt_dv"], ["XP01", "2025-Q3", "=SUM(1,2)", 3]])


REFUSED: list[tuple[str, Callable[[], bytes], str, list[str]]] = [
    ("formula-without-cached-value", formula_without_value, "f.xlsx", ["E_FORMULA"]),
    ("header-only-csv", lambda: b"unit_code,period,indicator_code,value\r\n", "h.csv", ["E_NO_ROWS"]),
    ("header-only-xlsx", lambda: xlsx([["Mã đơn vị", "Tên đơn vị", "kt_tcd", "kt_dv"]]), "h.xlsx", ["E_NO_ROWS"]),
    (
        "one-bad-cell-among-good",
        lambda: (FIXTURES / "bao_cao_quy3_2025.xlsx").read_bytes(),
        "q3.xlsx",
        ["E_FORMULA", "E_PERCENT"],
    ),
    (
        "every-row-wrong",
        lambda: b"Ma don vi,Ky,kt_tcd\nXP1,2025-Q3,5\nXP01,2025-Q5,5\nXP02,2025-Q3,-5\n",
        "a.csv",
        ["E_UNKNOWN_UNIT", "E_BAD_PERIOD", "E_NEGATIVE"],
    ),
]


@pytest.mark.parametrize(("make", "name", "codes"), [c[1:] for c in REFUSED], ids=[c[0] for c in REFUSED])
def test_file_with_errors_is_reported_and_commit_refused(
    demo_con: duckdb.DuckDBPyConnection, make: Callable[[], bytes], name: str, codes: list[str]
) -> None:
    before = state(demo_con)
    prepared = importer.prepare(demo_con, make(), name, today=TODAY)
    assert [i.code for i in prepared.report.errors] == codes
    assert all(i.message for i in prepared.report.errors)
    assert not prepared.can_commit
    assert state(demo_con) == before  # the preview stored nothing
    with pytest.raises(importer.ImportRefused, match=f"{len(codes)} lỗi"):
        importer.commit(demo_con, prepared, user="test")
    assert state(demo_con) == before


def test_state_sees_a_real_import(demo_con: duckdb.DuckDBPyConnection) -> None:
    """The comparison above can fail: a clean file does change it."""
    before = state(demo_con)
    prepared = importer.prepare(
        demo_con, (FIXTURES / "bao_cao_quy3_2025_long_utf8bom.csv").read_bytes(), "l.csv", today=TODAY
    )
    assert prepared.can_commit
    assert importer.commit(demo_con, prepared, user="test") is not None
    after = state(demo_con)
    assert after != before
    assert len(after[1]) == len(before[1]) + 1
    assert after[2][0] == before[2][0] + prepared.preview.inserted + prepared.preview.updated
    assert (
        importer.commit(
            demo_con,
            importer.prepare(
                demo_con, (FIXTURES / "bao_cao_quy3_2025_long_utf8bom.csv").read_bytes(), "l.csv", today=TODAY
            ),
            user="test",
        )
        is None
    )
    assert state(demo_con) == after  # the same file again changes nothing


# --- a process killed in the middle of an import -----------------------------------------------------------

# When to SIGKILL `python -m reform import`: "early" while it still reads the file; a number: seconds after
# the database files start to change (the .wal appears or grows, or the .duckdb grows); None: never.
KILLS: list[str | float | None] = ["early", 0.0, 0.003, 0.01, None]


def _big_file(con: duckdb.DuckDBPyConnection, path: Path) -> list[tuple]:
    """Every base indicator of every unit in force in 2022: 20,700 values the demo does not hold."""
    units = [
        r[0]
        for r in con.execute(
            "select code from units where valid_from <= date '2022-01-01' "
            "and (valid_to is null or valid_to >= date '2022-10-01') order by code"
        ).fetchall()
    ]
    indicators = con.execute("select code, type from indicator where type <> 'rate' order by code").fetchall()
    rows, lines = [], ["unit_code,period,indicator_code,value"]
    for q in range(1, 5):
        for unit in units:
            for code, kind in indicators:
                value = 1.0 if kind == "flag" else float(7 + (q + len(unit)) % 5)
                lines.append(f"{unit},2022-Q{q},{code},{'Có' if kind == 'flag' else int(value)}")
                rows.append((unit, date(2022, 3 * q - 2, 1), code, value))
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return rows


def _sizes(path: Path) -> tuple[int, int]:
    wal = path.with_name(path.name + ".wal")
    return path.stat().st_size, wal.stat().st_size if wal.exists() else -1


def _import_and_kill(file: Path, database: Path, kill: str | float | None) -> tuple[int, bool]:
    """Run the CLI import; kill it as told. Its exit code, and whether writing had started when it was killed."""
    proc = subprocess.Popen(
        [sys.executable, "-m", "reform", "import", str(file), "--db", str(database), "--user", "kill-test"],
        cwd=PROJECT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    started, initial, writing_since = time.perf_counter(), _sizes(database), None
    while proc.poll() is None:
        now = time.perf_counter()
        if writing_since is None and _sizes(database) != initial:
            writing_since = now
        early = kill == "early" and now - started > 0.3
        late = isinstance(kill, float) and writing_since is not None and now - writing_since >= kill
        if early or late:
            proc.send_signal(signal.SIGKILL)
            break
        time.sleep(0.001)
    code = proc.wait(timeout=240)
    if kill is None:
        assert code == 0, proc.stderr.read().decode()
    return code, writing_since is not None


def test_killed_import_leaves_the_database_as_it_was_or_fully_imported(demo_db: Path, tmp_path: Path) -> None:
    help_text = subprocess.run(
        [sys.executable, "-m", "reform", "--help"], cwd=PROJECT, capture_output=True, text=True, timeout=60
    ).stdout
    assert "import" in help_text  # the CLI exists: kill the real thing
    con = db.connect(demo_db)
    values_before, uploads_before, history_before = state(con)
    new_rows = _big_file(con, tmp_path / "big.csv")
    con.close()
    assert not {r[:3] for r in new_rows} & {v[:3] for v in values_before}  # every value would be new
    upload_id = max(u[0] for u in uploads_before) + 1
    values_after = sorted(values_before + [(*r, upload_id) for r in new_rows])

    outcomes = []
    for i, kill in enumerate(KILLS):
        path = tmp_path / f"kill{i}.duckdb"
        shutil.copy(demo_db, path)
        code, writing = _import_and_kill(tmp_path / "big.csv", path, kill)
        con = db.connect(path)  # replays, or drops, what the killed process left in the WAL
        values, uploads, history = state(con)
        con.close()
        if len(values) == len(values_before):
            assert (values, uploads, history) == (values_before, uploads_before, history_before), f"kill {kill}"
            outcomes.append(("before", kill, code, writing))
        else:
            assert len(values) == len(values_before) + len(new_rows), f"a partial import after kill {kill}"
            assert values == values_after
            assert len(uploads) == len(uploads_before) + 1 and history[0] == history_before[0] + len(new_rows)
            outcomes.append(("after", kill, code, writing))
    print("outcome, kill, exit code, writing had started:", outcomes)
    assert outcomes[0][0] == "before" and outcomes[0][2] == -signal.SIGKILL  # killed while reading
    assert outcomes[-1][0] == "after"  # not killed: all stored
    assert any(code == -signal.SIGKILL and writing for _, _, code, writing in outcomes)  # killed while writing


def test_what_was_understood_says_valid_rows_only_when_the_file_is_refused(demo_con) -> None:
    data = b"unit_code,period,indicator_code,value\nXP01,2025-Q3,kt_tcd,-3\n"
    prepared = importer.prepare(demo_con, data, "bao_cao.csv", today=TODAY)
    assert prepared.report.errors
    lines = importer.understood(prepared)
    assert lines[0] == "Kỳ báo cáo: chưa xác định (không dòng nào hợp lệ, xem các lỗi bên dưới)."
    assert "Đơn vị có số liệu hợp lệ: 0." in lines and "Chỉ tiêu hợp lệ: 0." in lines
