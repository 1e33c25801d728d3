"""`python -m reform users add|remove|list` and `audit`: the contract of issue 13, exit codes, the record."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

from tests.unit.test_cli import reform


def test_users_add_list_remove_and_the_record(demo_db: Path) -> None:
    db = str(demo_db)
    assert reform("users", "add", "Lan@VD.vn", "--role", "xem", "--unit", "H01X01", "--db", db).returncode == 0
    assert reform("users", "add", "qt@vd.vn", "--role", "quantri", "--db", db, "--user", "Anh Ba").returncode == 0
    assert reform("users", "add", "nhap@vd.vn", "--role", "nhap", "--db", db).returncode == 0  # whole province
    listed = json.loads(reform("users", "list", "--json", "--db", db).stdout)
    assert listed == [
        {"email": "lan@vd.vn", "role": "xem", "unit": "H01X01"},
        {"email": "nhap@vd.vn", "role": "nhap", "unit": "TU"},
        {"email": "qt@vd.vn", "role": "quantri", "unit": None},
    ]
    rows = list(csv.DictReader(io.StringIO(reform("users", "list", "--db", db).stdout)))
    assert [r["email"] for r in rows] == ["lan@vd.vn", "nhap@vd.vn", "qt@vd.vn"] and list(rows[0]) == [
        "email",
        "role",
        "unit",
    ]

    assert reform("users", "remove", "nhap@vd.vn", "--role", "xem", "--db", db).returncode == 1  # nothing matched
    assert reform("users", "remove", "nhap@vd.vn", "--db", db, "--user", "Anh Ba").returncode == 0
    listed = json.loads(reform("users", "list", "--json", "--db", db).stdout)
    assert {"email": "nhap@vd.vn", "role": None, "unit": None} in listed  # the person stays, without grants

    log = json.loads(reform("audit", "--json", "--db", db).stdout)
    assert [(e["actor"], e["action"], e["outcome"]) for e in log[:2]] == [
        ("Anh Ba", "revoke", "ok"),
        (log[1]["actor"], "revoke", "refused"),
    ]
    assert {"id", "happened_at", "actor", "action", "target", "outcome", "detail"} == set(log[0])
    assert json.loads(reform("audit", "--since", "2999-01-01", "--json", "--db", db).stdout) == []


def test_bad_users_arguments_change_nothing(demo_db: Path) -> None:
    db = str(demo_db)
    for args in (
        ("users", "add", "a@vd.vn", "--role", "xem", "--unit", "KHONG_CO"),
        ("users", "add", "khong-phai-thu", "--role", "xem"),
        ("users", "remove", "chua-co@vd.vn"),
    ):
        out = reform(*args, "--db", db)
        assert out.returncode == 2, args
        assert out.stderr.strip() and "Traceback" not in out.stderr
    assert reform("users", "add", "a@vd.vn", "--role", "chu", "--db", db).returncode == 2  # argparse choices
    assert json.loads(reform("users", "list", "--json", "--db", db).stdout) == []
    assert reform("audit", "--since", "hôm qua", "--db", db).returncode == 2


def test_command_line_writes_are_recorded_with_their_user(demo_db: Path, tmp_path: Path) -> None:
    db = str(demo_db)
    uploads = json.loads(reform("uploads", "--json", "--db", db).stdout)
    assert reform("undo", str(uploads[0]["id"]), "--db", db, "--user", "Chị Hoa").returncode == 0
    assert reform("undo", "99999", "--db", db).returncode == 1
    log = json.loads(reform("audit", "--json", "--db", db).stdout)
    assert [(e["actor"], e["action"], e["target"], e["outcome"]) for e in log][1] == (
        "Chị Hoa",
        "undo",
        str(uploads[0]["id"]),
        "ok",
    )
    assert log[0]["action"] == "undo" and log[0]["outcome"] == "refused" and log[0]["actor"]


def test_a_person_without_e_mail_is_added_by_subject(demo_db: Path) -> None:
    db = str(demo_db)
    assert (
        reform("users", "add", "248289761001", "--subject", "--role", "xem", "--unit", "H01X01", "--db", db).returncode
        == 0
    )
    listed = json.loads(reform("users", "list", "--json", "--db", db).stdout)
    assert {"email": None, "role": "xem", "unit": "H01X01"} in listed
    assert reform("users", "add", "a@vd.vn", "--subject", "--role", "xem", "--db", db).returncode == 2
    assert reform("users", "remove", "248289761001", "--db", db).returncode == 0
