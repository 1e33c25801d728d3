"""The command line contract: `python -m reform demo|units`, CSV columns and exit codes."""

import csv
import io
import subprocess
import sys
from pathlib import Path

import pytest

PROJECT = Path(__file__).resolve().parents[2]


def reform(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "reform", *args], capture_output=True, text=True, cwd=PROJECT, timeout=120
    )


def test_demo_then_units_and_lineage_as_csv(tmp_path: Path) -> None:
    path = tmp_path / "cli.duckdb"
    assert reform("demo", "--db", str(path)).returncode == 0
    out = reform("units", "--db", str(path))
    assert out.returncode == 0
    rows = list(csv.DictReader(io.StringIO(out.stdout)))
    assert list(rows[0]) == ["code", "name", "type", "parent_code", "valid_from", "valid_to"]
    assert len(rows) == 150
    tu = next(r for r in rows if r["code"] == "TU")
    assert tu["parent_code"] == "" and tu["valid_from"] == "2020-01-01" and tu["valid_to"] == ""
    lineage = reform("units", "--db", str(path), "--lineage")
    lin = list(csv.DictReader(io.StringIO(lineage.stdout)))
    assert list(lin[0]) == ["old_code", "new_code", "share"]
    assert {r["new_code"] for r in lin} <= {r["code"] for r in rows}


def test_demo_rebuilds_from_scratch(tmp_path: Path) -> None:
    path = tmp_path / "again.duckdb"
    assert reform("demo", "--db", str(path)).returncode == 0
    first = reform("units", "--db", str(path)).stdout
    assert reform("demo", "--db", str(path)).returncode == 0
    assert reform("units", "--db", str(path)).stdout == first


def test_bad_arguments_exit_2() -> None:
    assert reform("no-such-command").returncode == 2
    assert reform("units", "--no-such-flag").returncode == 2


def test_summary_and_rank_json_contract(tmp_path: Path) -> None:
    import json

    path = tmp_path / "s.duckdb"
    assert reform("demo", "--db", str(path)).returncode == 0
    out = reform("summary", "--period", "2025-9M", "--db", str(path), "--json")
    assert out.returncode == 0, out.stderr
    s = json.loads(out.stdout)
    assert (s["scope"], s["period"], s["previous_period"]) == ("TU", "2025-9M", "2024-9M")
    rows = {r["indicator_code"]: r for r in s["indicators"]}
    assert len(rows) == 58
    for r in rows.values():
        assert {"value", "previous", "change", "change_pct", "units_reported", "units_expected"} <= set(r)
        assert {"units_compared", "value_compared", "previous_compared"} <= set(r)
        assert r["units_compared"] <= r["units_expected"]
    assert rows["tl_vb_di_dientu"]["change_pct"] is None  # rates change in points, never in %
    kt = rows["kt_tcd"]  # like for like: the change is on the units that reported in both periods
    assert kt["change"] == pytest.approx(kt["value_compared"] - kt["previous_compared"])
    assert kt["change_pct"] == pytest.approx(100 * kt["change"] / kt["previous_compared"])
    unit = json.loads(reform("summary", "--period", "2025-Q3", "--unit", "XP01", "--db", str(path), "--json").stdout)
    assert unit["scope"] == "XP01" and {r["units_expected"] for r in unit["indicators"]} == {1}
    ranked = json.loads(
        reform("rank", "--period", "2025-Q3", "--indicator", "tl_vb_kyso", "--db", str(path), "--json").stdout
    )
    units = ranked["units"]
    assert {"unit_code", "value", "rank", "previous_rank"} <= set(units[0])
    assert {"units_compared", "value_compared", "previous_compared", "change", "change_pct"} <= set(units[0])
    for u in units:
        if u["change"] is not None:
            assert u["change"] == pytest.approx(u["value_compared"] - u["previous_compared"])
            assert u["change_pct"] is None
    assert [u["rank"] for u in units if u["rank"] is not None] == sorted(u["rank"] for u in units if u["rank"])
    assert reform("rank", "--period", "2025-Q3", "--indicator", "khong_co", "--db", str(path)).returncode == 2
    assert reform("summary", "--period", "3/2025", "--db", str(path)).returncode == 2
