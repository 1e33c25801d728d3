"""Every command fails in one Vietnamese line (or a JSON object under --json), exit 2, never a traceback:
beside a process that holds the database, with bad arguments, and with files it cannot read or write."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from reform import cli

PROJECT = Path(__file__).resolve().parents[2]
HOLD = "import duckdb, sys; c = duckdb.connect(sys.argv[1]); print('ready', flush=True); sys.stdin.read()"


@pytest.fixture
def held_db(demo_db: Path):
    """The demo database opened by another process (as the dashboard holds it) for the test's length."""
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLD, str(demo_db)], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    )
    assert holder.stdout.readline().strip() == "ready"
    yield demo_db
    holder.stdin.close()
    holder.wait(timeout=30)


def commands(db: Path, tmp_path: Path) -> list[list[str]]:
    units = tmp_path / "units.csv"
    units.write_text("code,name,type,parent_code,valid_from,valid_to\nTU,Tỉnh ủy,tinh_uy,,2020-01-01,\n")
    report = tmp_path / "q.csv"
    report.write_text("unit_code,period,indicator_code,value\nXP01,2026-Q3,kt_tcd,41\n")
    d = ["--db", str(db)]
    return [
        ["demo", *d],
        ["units", *d],
        ["summary", "--period", "2025-Q3", *d],
        ["rank", "--period", "2025-Q3", "--indicator", "kt_tcd", *d],
        ["load-units", str(units), *d],
        ["import", str(report), *d],
        ["export", *d],
        ["template", "--period", "2025-Q3", "--out", str(tmp_path / "m.xlsx"), *d],
        ["brief", "--period", "2025-Q3", "--json", *d],
        ["uploads", *d],
        ["undo", "1", *d],
    ]


def test_every_command_beside_a_process_holding_the_database(held_db, tmp_path, capsys) -> None:
    size = held_db.stat().st_size
    for argv in commands(held_db, tmp_path):
        code = cli.main(argv)
        out, err = capsys.readouterr()
        if "--json" in argv:
            payload = json.loads(out)
            assert payload["error"] == "E_DB_HELD", argv
            message = payload["message"]
        else:
            assert out == "" and len(err.strip().splitlines()) == 1, (argv, err)
            message = err
        assert code == 2, argv
        assert "Cơ sở dữ liệu đang được mở bởi tiến trình khác" in message and str(held_db) in message, argv
    assert held_db.exists() and held_db.stat().st_size == size  # `demo` deleted nothing under the holder


def test_the_real_command_prints_json_and_no_traceback(held_db) -> None:
    run = subprocess.run(
        [sys.executable, "-m", "reform", "uploads", "--json", "--db", str(held_db)],
        capture_output=True,
        text=True,
        cwd=PROJECT,
        timeout=120,
    )
    assert run.returncode == 2 and "Traceback" not in run.stderr
    assert json.loads(run.stdout)["error"] == "E_DB_HELD"


@pytest.mark.parametrize(
    ("argv", "words"),
    [
        (["no-such-command"], "không có lựa chọn"),
        (["units", "--no-such-flag"], "tham số không nhận ra: --no-such-flag"),
        (["summary"], "thiếu tham số bắt buộc: --period"),
        (["undo", "abc"], "giá trị không hợp lệ"),
        (["summary", "--period", "3/2025"], "không phải quý"),
        (["rank", "--period"], "cần một giá trị"),
    ],
)
def test_bad_arguments_are_one_vietnamese_line(argv, words, demo_db, capsys) -> None:
    assert cli.main([*argv, "--db", str(demo_db)] if argv[0] in {"summary", "units"} else argv) == 2
    out, err = capsys.readouterr()
    assert out == "" and len(err.strip().splitlines()) == 1 and words in err


def test_bad_arguments_under_json_are_a_json_object(capsys) -> None:
    assert cli.main(["summary", "--json"]) == 2
    payload = json.loads(capsys.readouterr().out)
    assert payload["error"] == "E_ARGUMENTS" and "--period" in payload["message"]


def test_files_it_cannot_read_or_write(demo_db, tmp_path, capsys) -> None:
    nowhere = tmp_path / "khong_co" / "m.xlsx"
    assert cli.main(["template", "--period", "2025-Q3", "--out", str(nowhere), "--db", str(demo_db)]) == 2
    assert cli.main(["load-units", str(tmp_path / "khong_co.csv"), "--db", str(demo_db)]) == 2
    assert cli.main(["import", str(tmp_path), "--db", str(demo_db)]) == 2  # a folder, not a file
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 3 and "Không đọc hoặc ghi được tệp" in err[0] and str(nowhere) in err[0]
