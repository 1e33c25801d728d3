"""The upload command-line contract: import / export / template / uploads / undo / load-units."""

import csv
import io
import json
import subprocess
import sys
from pathlib import Path

import duckdb
import openpyxl

PROJECT = Path(__file__).resolve().parents[2]
GOOD = "unit_code,period,indicator_code,value\nXP01,2026-Q3,kt_tcd,41\nXP01,2026-Q3,kt_dv,77\n"
BAD = "unit_code,period,indicator_code,value\nXP01,2026-Q3,kt_tcd,-4\nXP01,2026-Q3,kt_tdc,5\n"


def reform(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "reform", *args], capture_output=True, text=True, cwd=PROJECT, timeout=180
    )


def stored(db: Path) -> list[tuple]:
    with duckdb.connect(str(db), read_only=True) as con:
        return con.execute("select * from value order by all").fetchall()


def test_import_stores_and_reports_json(demo_db: Path, tmp_path: Path) -> None:
    f = tmp_path / "q3.csv"
    f.write_text(GOOD, encoding="utf-8")
    out = reform("import", str(f), "--db", str(demo_db), "--user", "vp", "--json")
    assert out.returncode == 0, out.stderr
    result = json.loads(out.stdout)
    assert {"rows", "inserted", "updated", "unchanged", "errors", "warnings", "upload_id"} <= set(result)
    assert (result["rows"], result["updated"], result["upload_id"]) == (2, 2, 16)
    again = json.loads(reform("import", str(f), "--db", str(demo_db), "--json").stdout)
    assert (again["inserted"], again["updated"], again["unchanged"]) == (0, 0, 2) and "upload_id" not in again


def test_import_refuses_a_file_with_errors_and_lists_each_issue(demo_db: Path, tmp_path: Path) -> None:
    before = stored(demo_db)
    f = tmp_path / "sai.csv"
    f.write_text(BAD, encoding="utf-8")
    out = reform("import", str(f), "--db", str(demo_db), "--json")
    assert out.returncode == 1
    issues = json.loads(out.stdout)["errors"]
    assert {(i["row"], i["column"], i["code"]) for i in issues} == {
        (2, "value", "E_NEGATIVE"),
        (3, "indicator_code", "E_UNKNOWN_INDICATOR"),
    }
    assert all(i["message"] for i in issues)
    assert stored(demo_db) == before


def test_dry_run_and_unreadable_files_store_nothing(demo_db: Path, tmp_path: Path) -> None:
    before = stored(demo_db)
    f = tmp_path / "q3.csv"
    f.write_text(GOOD, encoding="utf-8")
    dry = reform("import", str(f), "--db", str(demo_db), "--dry-run", "--json")
    assert dry.returncode == 0 and json.loads(dry.stdout)["updated"] == 2
    junk = tmp_path / "rac.xlsx"
    junk.write_bytes(b"PK\x03\x04 not really a zip")
    assert reform("import", str(junk), "--db", str(demo_db)).returncode == 2
    assert reform("import", str(tmp_path / "missing.csv"), "--db", str(demo_db)).returncode == 2
    assert reform("import", str(f), "--db", str(demo_db), "--period", "3/2026").returncode == 2
    assert stored(demo_db) == before


def test_export_prints_long_csv_with_quarter_codes(demo_db: Path) -> None:
    out = reform("export", "--db", str(demo_db), "--period", "2025-Q3", "--unit", "XP01")
    rows = list(csv.DictReader(io.StringIO(out.stdout)))
    assert list(rows[0]) == ["unit_code", "period", "indicator_code", "value"]
    assert {r["period"] for r in rows} == {"2025-Q3"} and {r["unit_code"] for r in rows} == {"XP01"}
    assert all("." not in r["value"] or not r["value"].endswith(".0") for r in rows)
    everything = reform("export", "--db", str(demo_db)).stdout.count("\n") - 1
    assert everything == len(stored(demo_db))


def test_export_official_prints_only_approved_values(demo_db: Path) -> None:
    assert reform("export", "--db", str(demo_db), "--official").stdout.count("\n") == 1  # the header: none approved
    for action in ("submit", "approve"):
        assert reform(action, "--db", str(demo_db), "--unit", "XP01", "--period", "2025-Q3").returncode == 0
    official = list(csv.DictReader(io.StringIO(reform("export", "--db", str(demo_db), "--official").stdout)))
    working = reform("export", "--db", str(demo_db), "--period", "2025-Q3", "--unit", "XP01").stdout
    assert {(r["unit_code"], r["period"]) for r in official} == {("XP01", "2025-Q3")}
    assert official == list(csv.DictReader(io.StringIO(working)))


def test_a_filled_template_imports_without_a_single_warning(demo_db: Path, tmp_path: Path) -> None:
    out = tmp_path / "mau.xlsx"
    assert (
        reform(
            "template", "--period", "2025-Q3", "--units", "XP01", "XP02", "--out", str(out), "--db", str(demo_db)
        ).returncode
        == 0
    )
    wb = openpyxl.load_workbook(out)
    ws = wb["Báo cáo"]
    assert "Hướng dẫn" in wb.sheetnames and ws.protection.sheet
    assert [ws.cell(r, 1).value for r in (7, 8)] == ["XP01", "XP02"]
    codes = {ws.cell(6, c).value: c for c in range(3, ws.max_column + 1)}
    assert len(codes) == 45
    flag_lists = [dv for dv in ws.data_validations.dataValidation if dv.formula1 == '"Có,Không"']
    assert flag_lists and str(flag_lists[0].sqref)
    export = reform("export", "--db", str(demo_db), "--period", "2025-Q3", "--unit", "XP01").stdout
    export += reform("export", "--db", str(demo_db), "--period", "2025-Q3", "--unit", "XP02").stdout
    for r in csv.DictReader(io.StringIO(export)):
        if r["unit_code"] == "unit_code":
            continue
        value = float(r["value"])
        flag = r["indicator_code"].startswith("co_")
        cell = ("Có" if value else "Không") if flag else (int(value) if value.is_integer() else value)
        ws.cell(7 if r["unit_code"] == "XP01" else 8, codes[r["indicator_code"]], cell)
    wb.save(out)
    result = json.loads(reform("import", str(out), "--db", str(demo_db), "--json").stdout)
    assert result["errors"] == [] and result["warnings"] == []
    assert result["unchanged"] > 80 and result["inserted"] == result["updated"] == 0


def test_uploads_and_undo(demo_db: Path, tmp_path: Path) -> None:
    before = stored(demo_db)
    f = tmp_path / "q3.csv"
    f.write_text(GOOD, encoding="utf-8")
    upload_id = json.loads(reform("import", str(f), "--db", str(demo_db), "--json").stdout)["upload_id"]
    listing = json.loads(reform("uploads", "--db", str(demo_db), "--json").stdout)
    assert listing[0]["id"] == upload_id and listing[0]["file_name"] == "q3.csv" and listing[0]["status"] == "stored"
    assert reform("undo", str(upload_id), "--db", str(demo_db)).returncode == 0
    assert [r[:4] for r in stored(demo_db)] == [r[:4] for r in before]
    assert reform("undo", str(upload_id), "--db", str(demo_db)).returncode == 1  # already undone
    assert reform("undo", "9999", "--db", str(demo_db)).returncode == 1


def test_load_units_round_trips_the_register_and_refuses_a_broken_one(demo_db: Path, tmp_path: Path) -> None:
    units, lineage = tmp_path / "units.csv", tmp_path / "lineage.csv"
    units.write_text(reform("units", "--db", str(demo_db)).stdout, encoding="utf-8")
    lineage.write_text(reform("units", "--db", str(demo_db), "--lineage").stdout, encoding="utf-8")
    fresh = tmp_path / "fresh.duckdb"
    assert reform("load-units", str(units), "--lineage", str(lineage), "--db", str(fresh)).returncode == 0
    assert reform("units", "--db", str(fresh)).stdout == units.read_text(encoding="utf-8")
    assert reform("units", "--db", str(fresh), "--lineage").stdout == lineage.read_text(encoding="utf-8")
    broken = tmp_path / "broken.csv"
    broken.write_text(units.read_text(encoding="utf-8").replace(",TU,2025", ",KHONG_CO,2025"), encoding="utf-8")
    assert reform("load-units", str(broken), "--db", str(fresh)).returncode == 1
    assert reform("units", "--db", str(fresh)).stdout == units.read_text(encoding="utf-8")
