"""Approval per unit × quarter (issue 14): the rules as a table, bottom-up approval over a three-level
register, the record of every transition, and writes that respect the states."""

from __future__ import annotations

import json
from datetime import date, datetime
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from reform import approval, catalog, db, importer, invariants, policy, sql, store
from reform.approval import ABOVE, APPROVED, LOCKED, NONE, OPEN, SAME, SUBMITTED
from reform.cli import main
from reform.config import DEFAULT_DATA_DIR

Q3 = date(2026, 7, 1)
ADMIN = policy.command_line("quản trị kiểm thử")

# (state, action, role, level, extra) → allowed, state reached
RULES = [
    (OPEN, "submit", "nhap", SAME, {}, SUBMITTED),
    (OPEN, "submit", "nhap", ABOVE, {}, SUBMITTED),
    (OPEN, "submit", "xem", SAME, {}, None),
    (OPEN, "submit", "duyet", SAME, {}, None),  # the unit's uploader submits; the approver approves
    (OPEN, "submit", "nhap", NONE, {}, None),
    (SUBMITTED, "submit", "nhap", SAME, {}, None),
    (APPROVED, "submit", "quantri", ABOVE, {}, None),
    (SUBMITTED, "approve", "duyet", SAME, {}, APPROVED),
    (SUBMITTED, "approve", "duyet", ABOVE, {}, APPROVED),
    (SUBMITTED, "approve", "quantri", ABOVE, {}, APPROVED),
    (SUBMITTED, "approve", "nhap", SAME, {}, None),
    (SUBMITTED, "approve", "duyet", NONE, {}, None),
    (OPEN, "approve", "duyet", SAME, {}, None),  # a unit with nothing below must submit first
    (OPEN, "approve", "duyet", SAME, {"has_children": True}, APPROVED),
    (SUBMITTED, "approve", "duyet", SAME, {"has_children": True, "children_done": False}, None),
    (APPROVED, "approve", "duyet", SAME, {}, None),
    (APPROVED, "unapprove", "duyet", SAME, {"reason": "sai số"}, OPEN),
    (APPROVED, "unapprove", "duyet", ABOVE, {"reason": "sai số"}, OPEN),
    (SUBMITTED, "unapprove", "duyet", ABOVE, {"reason": "thiếu chỉ tiêu"}, OPEN),
    (APPROVED, "unapprove", "duyet", SAME, {}, None),  # a reason is required
    (APPROVED, "unapprove", "duyet", SAME, {"reason": "   "}, None),
    (APPROVED, "unapprove", "duyet", NONE, {"reason": "sai số"}, None),
    (APPROVED, "unapprove", "nhap", SAME, {"reason": "sai số"}, None),
    (APPROVED, "unapprove", "duyet", SAME, {"reason": "sai số", "above_locked": True}, None),
    (LOCKED, "unapprove", "quantri", ABOVE, {"reason": "sai số"}, None),
    (OPEN, "unapprove", "duyet", SAME, {"reason": "sai số"}, None),
    (APPROVED, "lock", "quantri", ABOVE, {}, LOCKED),
    (APPROVED, "lock", "duyet", SAME, {}, None),
    (SUBMITTED, "lock", "quantri", ABOVE, {}, None),
    (LOCKED, "unlock", "quantri", ABOVE, {"reason": "đính chính"}, APPROVED),
    (LOCKED, "unlock", "quantri", ABOVE, {}, None),
    (LOCKED, "unlock", "duyet", SAME, {"reason": "đính chính"}, None),
    (LOCKED, "unlock", "quantri", ABOVE, {"reason": "đính chính", "above_locked": True}, None),
    (APPROVED, "unlock", "quantri", ABOVE, {"reason": "đính chính"}, None),
    (OPEN, "publish", "quantri", ABOVE, {}, None),
]


@pytest.mark.parametrize(("state", "action", "role", "level", "extra", "reached"), RULES)
def test_the_rules_as_a_table(state: str, action: str, role: str, level: str, extra: dict, reached: str | None) -> None:
    d = approval.decide(state, action, role, level, **extra)
    assert d.allowed == (reached is not None)
    assert d.to_state == reached
    assert bool(d.message) == (reached is None)  # every refusal says why


# --- a three-level register: province P, districts D1 and D2, communes below them ------------------

UNITS = [
    ("P", "Tỉnh ủy (giả định)", "tinh_uy", None),
    ("D1", "Huyện ủy Một", "huyen_uy", "P"),
    ("D2", "Huyện ủy Hai", "huyen_uy", "P"),
    ("D1A", "Xã Một A", "dang_bo_xa", "D1"),
    ("D1B", "Xã Một B", "dang_bo_xa", "D1"),
    ("D2A", "Xã Hai A", "dang_bo_xa", "D2"),
]


@pytest.fixture
def con(tmp_path: Path) -> duckdb.DuckDBPyConnection:
    c = db.connect(tmp_path / "approval.duckdb")
    catalog.sync(c, DEFAULT_DATA_DIR)
    units = pd.DataFrame(
        [(code, name, kind, parent, date(2020, 1, 1), None) for code, name, kind, parent in UNITS],
        columns=store.UNIT_COLUMNS,
    )
    store.replace_units(c, units, pd.DataFrame(columns=store.LINEAGE_COLUMNS))
    rows = pd.DataFrame(
        [(code, Q3, "kt_tcd", float(i + 1)) for i, (code, *_rest) in enumerate(UNITS) if code.startswith("D")],
        columns=store.VALUE_COLUMNS,
    )
    store.write_values(c, rows, file_name="q3.csv", digest="x", layout="long", user="nhập")
    yield c
    c.close()


def states(con: duckdb.DuckDBPyConnection, unit: str = "P") -> dict[str, str]:
    df = approval.status(con, unit, Q3)
    return dict(zip(df["unit_code"], df["state"], strict=True))


def person(con: duckdb.DuckDBPyConnection, email: str, role: str, unit: str) -> policy.Person:
    policy.grant(con, ADMIN, email, role, unit)
    return policy.sign_in(con, issuer="https://id.vd.vn", subject=email, email=email, name=None)


def snapshot(con: duckdb.DuckDBPyConnection) -> dict[str, list[tuple]]:
    """Every table's rows but the record of who did what (a refusal is recorded there)."""
    names = [r[0] for r in con.execute("select table_name from information_schema.tables").fetchall()]
    return {n: con.execute(f'select * from "{n}" order by all').fetchall() for n in names if n != "audit"}


def test_approval_goes_bottom_up_over_three_levels(con: duckdb.DuckDBPyConnection) -> None:
    approver = person(con, "duyet.p@vd.vn", "duyet", "P")
    for commune in ("D1A", "D1B", "D2A"):
        approval.act(con, ADMIN, "submit", commune, Q3)
    with pytest.raises(approval.ApprovalRefused, match="trực thuộc chưa được duyệt"):
        approval.act(con, approver, "approve", "D1", Q3)
    approval.act(con, approver, "approve", "D1A", Q3)
    with pytest.raises(approval.ApprovalRefused, match="trực thuộc"):
        approval.act(con, approver, "approve", "D1", Q3)
    approval.act(con, approver, "approve", "D1B", Q3)
    approval.act(con, approver, "approve", "D1", Q3)  # a district approved from chưa nộp once its communes are
    with pytest.raises(approval.ApprovalRefused, match="trực thuộc"):
        approval.act(con, approver, "approve", "P", Q3)  # D2 is not
    done = approval.act(con, approver, "approve", "P", Q3, with_below=True)
    assert done.state == APPROVED and done.moved == 3  # D2A, D2, P
    assert set(states(con).values()) == {APPROVED}
    assert invariants.check(con) == []
    # unapproving a commune reopens every approval above it, and only those
    approval.act(con, approver, "unapprove", "D1A", Q3, "số văn bản đến sai")
    assert states(con) == {"P": OPEN, "D1": OPEN, "D2": APPROVED, "D1A": OPEN, "D1B": APPROVED, "D2A": APPROVED}
    assert invariants.check(con) == []
    story = approval.transitions(con, "D1A", Q3)
    assert story["action"].tolist() == ["submit", "approve", "unapprove"]
    assert story["reason"].iloc[-1] == "số văn bản đến sai" and story["actor"].iloc[-1] == "duyet.p@vd.vn"
    recorded = policy.audit(con, action="unapprove")
    assert recorded["target"].tolist() == ["D1A 2026-Q3"] and "số văn bản đến sai" in recorded["detail"].iloc[0]


def test_a_district_approver_acts_on_its_own_district_only(con: duckdb.DuckDBPyConnection) -> None:
    d1 = person(con, "duyet.d1@vd.vn", "duyet", "D1")
    uploader = person(con, "nhap.d1a@vd.vn", "nhap", "D1A")
    approval.act(con, uploader, "submit", "D1A", Q3)
    with pytest.raises(approval.ApprovalRefused, match="quyền duyệt"):
        approval.act(con, uploader, "approve", "D1A", Q3)
    approval.act(con, d1, "approve", "D1A", Q3)
    approval.act(con, ADMIN, "submit", "D2A", Q3)
    with pytest.raises(approval.ApprovalRefused, match="quyền duyệt"):
        approval.act(con, d1, "approve", "D2A", Q3)
    refused = policy.audit(con, outcome=policy.REFUSED)
    assert len(refused) == 2 and set(refused["action"]) == {"approve"}


def test_lock_and_unlock_take_the_scope_and_need_quan_tri(con: duckdb.DuckDBPyConnection) -> None:
    approver = person(con, "duyet.p@vd.vn", "duyet", "P")
    for commune in ("D1A", "D1B", "D2A"):
        approval.act(con, ADMIN, "submit", commune, Q3)
    approval.act(con, approver, "approve", "P", Q3, with_below=True)
    with pytest.raises(approval.ApprovalRefused, match="quản trị"):
        approval.act(con, approver, "lock", "P", Q3)
    approval.act(con, ADMIN, "lock", "P", Q3)
    assert set(states(con).values()) == {LOCKED}
    with pytest.raises(approval.ApprovalRefused, match="mở khóa"):
        approval.act(con, approver, "unapprove", "D1A", Q3, "sai")
    with pytest.raises(approval.ApprovalRefused, match="cấp trên đã khóa"):
        approval.act(con, ADMIN, "unlock", "D1", Q3, "đính chính")
    with pytest.raises(approval.ApprovalRefused, match="lý do"):
        approval.act(con, ADMIN, "unlock", "P", Q3)
    approval.act(con, ADMIN, "unlock", "P", Q3, "đính chính số liệu xã D1A")
    assert set(states(con).values()) == {APPROVED}
    assert invariants.check(con) == []


UPLOAD = "unit_code,period,indicator_code,value\nD2A,2026-Q3,kt_tcd,99\nD1A,2026-Q3,kt_tcd,5\n"


def test_an_upload_into_a_submitted_quarter_is_refused_and_stores_nothing(
    con: duckdb.DuckDBPyConnection, checked_writes: list[str]
) -> None:
    approver = person(con, "duyet.p@vd.vn", "duyet", "P")
    approval.act(con, ADMIN, "submit", "D1A", Q3, now=datetime(2026, 10, 5, 8, 30))
    approval.act(con, approver, "approve", "D1A", Q3, now=datetime(2026, 10, 6, 9, 15))
    before = snapshot(con)
    prepared = importer.prepare(con, UPLOAD.encode(), "q3.csv")
    locked = [i for i in prepared.report.errors if i.code == "E_LOCKED"]
    assert len(locked) == 1 and locked[0].row == 3
    assert "D1A" in locked[0].message and "đã duyệt" in locked[0].message
    assert "duyet.p@vd.vn" in locked[0].message and "06/10/2026 09:15" in locked[0].message
    with pytest.raises(importer.ImportRefused):
        importer.commit(con, prepared, user="nhập")
    # the writer refuses too (a quarter approved after the preview was made)
    rows = pd.DataFrame([("D2A", Q3, "kt_tcd", 99.0), ("D1A", Q3, "kt_tcd", 5.0)], columns=store.VALUE_COLUMNS)
    with pytest.raises(approval.Locked, match="E_LOCKED"):
        store.write_values(con, rows, file_name="q3.csv", digest="y", layout="long", user="nhập")
    assert snapshot(con) == before


def test_an_undo_that_would_change_a_submitted_quarter_is_refused(
    con: duckdb.DuckDBPyConnection, checked_writes: list[str]
) -> None:
    approval.act(con, ADMIN, "submit", "D1B", Q3)
    before = snapshot(con)
    with pytest.raises(store.UndoRefused, match="E_LOCKED.*D1B.*đã nộp"):
        store.undo(con, 1, user="nhập")
    assert snapshot(con) == before
    approval.act(con, ADMIN, "unapprove", "D1B", Q3, "cho sửa")
    assert store.undo(con, 1, user="nhập").removed == 5


def test_the_entry_window_closes_a_quarter_unless_quan_tri_reopens_it(
    con: duckdb.DuckDBPyConnection, checked_writes: list[str]
) -> None:
    rows = pd.DataFrame([("D2A", Q3, "kt_tcd", 42.0)], columns=store.VALUE_COLUMNS)
    assert approval.closed_quarters([Q3], 15, date(2026, 10, 15)) == []  # open until 15 October
    assert approval.closed_quarters([Q3], 15, date(2026, 10, 16)) == [Q3]
    assert approval.closed_quarters([Q3], 0, date(2030, 1, 1)) == []
    approval.set_window_days(con, ADMIN, 15)
    with db.registered(con, incoming=rows):
        late = approval.closed_incoming(con, [Q3], today=date(2026, 11, 1))
    assert late["state"].tolist() == ["window"]
    viewer = person(con, "xem@vd.vn", "xem", "P")
    with pytest.raises(approval.ApprovalRefused, match="quản trị"):
        approval.grant_exception(con, viewer, "D2A", Q3, "máy hỏng")
    with pytest.raises(approval.ApprovalRefused, match="lý do"):
        approval.grant_exception(con, ADMIN, "D2A", Q3, "")
    approval.grant_exception(con, ADMIN, "D2A", Q3, "máy chủ huyện hỏng tuần cuối quý")
    with db.registered(con, incoming=rows):
        assert approval.closed_incoming(con, [Q3], today=date(2026, 11, 1)).empty


def test_the_command_line_keeps_its_contract(con: duckdb.DuckDBPyConnection, capsys: pytest.CaptureFixture) -> None:
    path = sql.run(con, "database_path")["path"].iloc[0]
    con.close()
    base = ["--period", "2026-Q3", "--db", path]
    assert main(["submit", "--unit", "D1A", *base, "--user", "nhap.d1a"]) == 0
    assert main(["approve", "--unit", "D1", *base]) == 1
    assert "trực thuộc" in capsys.readouterr().err
    assert main(["approve", "--unit", "D1A", *base]) == 0
    assert main(["unapprove", "--unit", "D1A", *base]) == 1  # no reason
    assert main(["approve", "--unit", "D1A", "--period", "2026-H1", "--db", path]) == 2
    assert main(["lock", "--unit", "D1A", "--db", path]) == 2
    assert main(["frobnicate", "--unit", "D1A", *base]) == 2
    capsys.readouterr()
    assert main(["status", "--unit", "D1", *base, "--json"]) == 0
    listed = {r["unit_code"]: r for r in json.loads(capsys.readouterr().out)}
    assert set(listed) == {"D1", "D1A", "D1B"}
    assert set(listed["D1A"]) == {"unit_code", "state", "by", "at"}
    assert (listed["D1A"]["state"], listed["D1B"]["state"], listed["D1B"]["by"]) == (APPROVED, OPEN, None)
    assert listed["D1A"]["by"] and listed["D1A"]["at"]


def test_the_entry_window_and_its_exceptions_from_the_command_line(
    con: duckdb.DuckDBPyConnection, capsys: pytest.CaptureFixture
) -> None:
    path = sql.run(con, "database_path")["path"].iloc[0]
    con.close()
    assert main(["entry-window", "--db", path, "--json"]) == 0
    assert json.loads(capsys.readouterr().out) == {"days": 0}
    assert main(["entry-window", "--days", "15", "--db", path]) == 0
    assert "15 ngày" in capsys.readouterr().out
    assert main(["entry-window", "--days", "-3", "--db", path]) == 2
    assert "--days" in capsys.readouterr().err
    reason = ["--reason", "máy chủ hỏng tuần cuối quý"]
    assert main(["entry-exception", "--unit", "D2A", "--period", "2026-Q3", *reason, "--db", path]) == 0
    assert main(["entry-exception", "--unit", "KHONG", "--period", "2026-Q3", *reason, "--db", path]) == 2
    assert main(["entry-exception", "--unit", "D2A", "--period", "2026-Q3", "--db", path]) == 2  # no reason
    assert main(["entry-exception", "--unit", "D2A", "--period", "2026-Q3", "--reason", " ", "--db", path]) == 1
    after = db.connect(path)
    try:
        assert approval.window_days(after) == 15
        granted = approval.exceptions(after, "P", date(2026, 7, 1))
        assert granted[["unit_code", "reason"]].values.tolist() == [["D2A", "máy chủ hỏng tuần cuối quý"]]
        assert invariants.check(after) == []
    finally:
        after.close()


def test_the_board_offers_each_reader_what_they_can_do_now(con: duckdb.DuckDBPyConnection) -> None:
    d1 = person(con, "duyet.d1@vd.vn", "duyet", "D1")
    uploader = person(con, "nhap.d1a@vd.vn", "nhap", "D1A")
    actions = lambda who: dict(zip(*approval.board(con, who, "P", Q3)[["unit_code", "actions"]].T.values, strict=True))  # noqa: E731
    assert actions(uploader) == {"P": [], "D1": [], "D2": [], "D1A": ["submit"], "D1B": [], "D2A": []}
    approval.act(con, uploader, "submit", "D1A", Q3)
    seen = actions(d1)
    assert seen["D1A"] == ["approve", "unapprove"] and seen["D1B"] == [] and seen["D2A"] == [] and seen["P"] == []
    admin = actions(ADMIN)
    assert admin["D1"] == ["submit"] and admin["D1B"] == ["submit"]  # D1 waits for D1B before approval
    assert approval.changes_since_submission(con, "P", Q3).empty
    text = approval.reminder(["Xã Một B", "Xã Hai A"], Q3, date(2026, 10, 15))
    assert text == "Đề nghị Xã Một B, Xã Hai A hoàn thành báo cáo Quý III/2026 trước ngày 15/10/2026."


def test_changes_after_submission_are_listed_old_to_new(con: duckdb.DuckDBPyConnection) -> None:
    approval.act(con, ADMIN, "submit", "D1A", Q3)
    approval.act(con, ADMIN, "unapprove", "D1A", Q3, "sửa số văn bản")
    rows = pd.DataFrame([("D1A", Q3, "kt_tcd", 40.0)], columns=store.VALUE_COLUMNS)
    store.write_values(con, rows, file_name="sua.csv", digest="z", layout="long", user="nhập")
    changed = approval.changes_since_submission(con, "P", Q3)
    assert changed[["unit_code", "indicator_code", "old_value", "new_value"]].values.tolist() == [
        ["D1A", "kt_tcd", 4.0, 40.0]
    ]


def test_the_invariants_find_a_state_stored_around_the_rules(con: duckdb.DuckDBPyConnection) -> None:
    con.execute(
        "insert into report_state values ('D1', $p, 'approved', 'x', null, now(), null)", {"p": Q3}
    )  # a district approved with its communes open, and no transition behind it
    found = "\n".join(invariants.check(con))
    assert "an approved or locked unit with a unit below it that is not" in found
    assert "not the one its last transition reached" in found
    assert "official_value" in found  # its values are not among the official ones


def test_the_invariants_find_a_state_stored_twice(con: duckdb.DuckDBPyConnection) -> None:
    # no table has a unique constraint (the lake has none): the invariants are what catch a repeated key
    approval.act(con, ADMIN, "submit", "D1A", Q3)
    con.execute("insert into report_state select * from report_state")
    assert "a key stored twice" in "\n".join(invariants.check(con))
