"""The policy module: a table of (person, action, unit) → allowed, deny by default, and the record."""

from __future__ import annotations

from datetime import date

import duckdb
import pandas as pd
import pytest

from reform import policy, sql, store

UNITS = [  # code, parent: TU ─┬─ H1 ── X1, X1B
    ("TU", None),  #           └─ H2 ── X2
    ("H1", "TU"),
    ("H2", "TU"),
    ("X1", "H1"),
    ("X1B", "H1"),
    ("X2", "H2"),
]
ADMIN = policy.command_line("kiểm thử")


@pytest.fixture
def con(empty_con: duckdb.DuckDBPyConnection) -> duckdb.DuckDBPyConnection:
    units = pd.DataFrame(
        {
            "code": [c for c, _ in UNITS],
            "name": [f"Đơn vị {c}" for c, _ in UNITS],
            "type": ["tinh_uy", "huyen_uy", "huyen_uy", "dang_uy_xa", "dang_uy_xa", "dang_uy_xa"],
            "parent_code": [p for _, p in UNITS],
            "valid_from": [date(2020, 1, 1)] * len(UNITS),
            "valid_to": [None] * len(UNITS),
        }
    )
    store.replace_units(empty_con, units, pd.DataFrame(columns=store.LINEAGE_COLUMNS))
    policy.grant(empty_con, ADMIN, "xem.x1@vd.vn", "xem", "X1")
    policy.grant(empty_con, ADMIN, "nhap.h1@vd.vn", "nhap", "H1")
    policy.grant(empty_con, ADMIN, "duyet.h2@vd.vn", "duyet", "H2")
    policy.grant(empty_con, ADMIN, "qt@vd.vn", "quantri", None)
    policy.grant(empty_con, ADMIN, "hai@vd.vn", "xem", "X1")
    policy.grant(empty_con, ADMIN, "hai@vd.vn", "nhap", "X2")
    return empty_con


def person(con: duckdb.DuckDBPyConnection, email: str) -> policy.Person:
    """Sign in as the person with this e-mail (each gets its own subject)."""
    return policy.sign_in(con, issuer="https://id.vd.vn", subject=f"sub-{email}", email=email, name=None)


SEE = [
    ("xem.x1@vd.vn", "X1", True),
    ("xem.x1@vd.vn", "H1", False),  # not the unit above
    ("xem.x1@vd.vn", "X1B", False),  # not a sibling
    ("xem.x1@vd.vn", "TU", False),
    ("nhap.h1@vd.vn", "H1", True),
    ("nhap.h1@vd.vn", "X1B", True),  # everything below
    ("nhap.h1@vd.vn", "X2", False),
    ("duyet.h2@vd.vn", "X2", True),
    ("duyet.h2@vd.vn", "X1", False),
    ("qt@vd.vn", "TU", True),
    ("qt@vd.vn", "X2", True),
    ("hai@vd.vn", "X1", True),
    ("hai@vd.vn", "X2", True),
    ("hai@vd.vn", "H2", False),
    ("nobody@vd.vn", "TU", False),  # deny by default
    ("nobody@vd.vn", "X1", False),
]


@pytest.mark.parametrize(("email", "unit", "allowed"), SEE)
def test_who_may_see_which_unit(con: duckdb.DuckDBPyConnection, email: str, unit: str, allowed: bool) -> None:
    p = person(con, email)
    assert policy.may_see(con, p, unit) is allowed
    visible = set(policy.visible_units(con, p, date(2025, 7, 1))["code"])
    assert (unit in visible) is allowed


WRITE = [
    ("xem.x1@vd.vn", "X1", False),  # viewing is not uploading
    ("nhap.h1@vd.vn", "H1", True),
    ("nhap.h1@vd.vn", "X1", True),
    ("nhap.h1@vd.vn", "X2", False),
    ("nhap.h1@vd.vn", "TU", False),
    ("duyet.h2@vd.vn", "X2", False),
    ("qt@vd.vn", "X2", True),
    ("hai@vd.vn", "X2", True),
    ("hai@vd.vn", "X1", False),
    ("nobody@vd.vn", "X1", False),
]


@pytest.mark.parametrize(("email", "unit", "allowed"), WRITE)
def test_who_may_upload_for_which_unit(con: duckdb.DuckDBPyConnection, email: str, unit: str, allowed: bool) -> None:
    p = person(con, email)
    assert (policy.units_not_writable(con, p, [unit, unit]) == []) is allowed


def test_the_refused_units_of_a_file_are_named(con: duckdb.DuckDBPyConnection) -> None:
    p = person(con, "nhap.h1@vd.vn")
    assert policy.units_not_writable(con, p, ["X1", "X2", "H2", "X1B", "X2"]) == ["H2", "X2"]


def test_visible_scopes_have_their_tops_marked(con: duckdb.DuckDBPyConnection) -> None:
    units = policy.visible_units(con, person(con, "hai@vd.vn"), date(2025, 7, 1))
    assert dict(zip(units["code"], units["top"], strict=True)) == {"X1": True, "X2": True}
    units = policy.visible_units(con, person(con, "nhap.h1@vd.vn"), date(2025, 7, 1))
    assert dict(zip(units["code"], units["top"], strict=True)) == {"H1": True, "X1": False, "X1B": False}


def test_guest_and_command_line_have_every_right(con: duckdb.DuckDBPyConnection) -> None:
    for p in (policy.guest(), ADMIN):
        assert p.admin and policy.may_see(con, p, "X2")
        assert policy.units_not_writable(con, p, ["X2"]) == []
        assert len(policy.visible_units(con, p, date(2025, 7, 1))) == len(UNITS)
    assert policy.guest().label == "khách"


def _upload(con: duckdb.DuckDBPyConnection, p: policy.Person) -> int:
    rows = pd.DataFrame(
        {"unit_code": ["X1"], "period": [date(2025, 7, 1)], "indicator_code": ["so_to_chuc_kt"], "value": [3.0]}
    )
    result = store.write_values(con, rows, file_name="a.csv", digest="x", layout="long-csv", user=p.label)
    sql.execute(con, "upload_set_person", upload_id=result.upload_id, person_id=p.id)
    return result.upload_id


def test_undo_own_upload_only_unless_admin(con: duckdb.DuckDBPyConnection) -> None:
    owner, other, admin = person(con, "nhap.h1@vd.vn"), person(con, "hai@vd.vn"), person(con, "qt@vd.vn")
    upload_id = _upload(con, owner)
    assert policy.may_undo(con, owner, upload_id)
    assert not policy.may_undo(con, other, upload_id)
    assert policy.may_undo(con, admin, upload_id)
    assert not policy.may_undo(con, person(con, "nobody@vd.vn"), upload_id)


def test_decks_belong_to_their_author_and_frozen_ones_are_not_deleted(con: duckdb.DuckDBPyConnection) -> None:
    author, other, admin = person(con, "nhap.h1@vd.vn"), person(con, "hai@vd.vn"), person(con, "qt@vd.vn")
    con.execute(
        "insert into deck (name, scope, period, spec, updated_at) values ('Giao ban', 'H1', '2025-Q3', '[]', now())"
    )
    sql.execute(con, "deck_set_author", deck="Giao ban", author_id=author.id)
    assert policy.may_edit_deck(con, author, "Giao ban") and policy.may_delete_deck(con, author, "Giao ban")
    assert not policy.may_edit_deck(con, other, "Giao ban") and not policy.may_delete_deck(con, other, "Giao ban")
    assert policy.may_edit_deck(con, other, "Bài mới")  # a new name is anyone's with a grant
    assert not policy.may_edit_deck(con, person(con, "nobody@vd.vn"), "Bài mới")
    assert policy.decks(con, other)["name"].tolist() == []  # H1 is not among hai's units
    assert policy.decks(con, author)["name"].tolist() == ["Giao ban"]
    assert policy.decks(con, admin)["name"].tolist() == ["Giao ban"]
    con.execute("update deck set frozen_at = now() where name = 'Giao ban'")
    assert not policy.may_delete_deck(con, author, "Giao ban")
    assert not policy.may_delete_deck(con, admin, "Giao ban")  # unfreeze first
    assert policy.may_unfreeze_deck(admin) and not policy.may_unfreeze_deck(author)
    assert policy.may_clear_cache(admin) and not policy.may_clear_cache(author)


def test_first_sign_in_binds_the_person_added_by_email(con: duckdb.DuckDBPyConnection) -> None:
    first = policy.sign_in(con, issuer="https://id.vd.vn", subject="abc", email="XEM.X1@vd.vn", name="Chị Lan")
    again = policy.sign_in(con, issuer="https://id.vd.vn", subject="abc", email="doi-ten@vd.vn", name="Chị Lan")
    assert first.id == again.id and first.grants == (("xem", "X1"),)
    # the e-mail is used once: another identity with the same address gets a new person without grants
    other = policy.sign_in(con, issuer="https://khac.vn", subject="abc", email="xem.x1@vd.vn", name=None)
    assert other.id != first.id and not other.has_grant
    # an unverified e-mail never binds
    unverified = policy.sign_in(
        con, issuer="https://id.vd.vn", subject="zzz", email="qt@vd.vn", name=None, email_verified=False
    )
    assert not unverified.has_grant


def test_revoke_and_the_record(con: duckdb.DuckDBPyConnection) -> None:
    assert policy.revoke(con, ADMIN, "hai@vd.vn", role="nhap") == 1
    p = person(con, "hai@vd.vn")
    assert p.grants == (("xem", "X1"),)
    with pytest.raises(policy.PolicyError):
        policy.grant(con, p, "hai@vd.vn", "quantri", None)  # only quản trị grants
    log = policy.audit(con)
    assert {"grant", "revoke", "sign_in"} <= set(log["action"])
    refused = log[(log["action"] == "grant") & (log["outcome"] == "refused")]
    assert refused["actor"].tolist() == ["hai@vd.vn"]
    nobody = person(con, "nobody@vd.vn")
    assert not nobody.has_grant
    assert policy.audit(con, actor="nobody@vd.vn")["outcome"].tolist() == ["refused"]


@pytest.mark.parametrize(
    ("role", "unit", "fragment"),
    [("chu", "X1", "Vai trò"), ("xem", None, "Cần chọn đơn vị"), ("xem", "NOPE", "Không có đơn vị")],
)
def test_bad_grants_are_refused_in_vietnamese(
    con: duckdb.DuckDBPyConnection, role: str, unit: str | None, fragment: str
) -> None:
    before = len(policy.people(con))
    with pytest.raises(policy.PolicyError, match=fragment):
        policy.grant(con, ADMIN, "moi@vd.vn", role, unit)
    assert len(policy.people(con)) == before
    refused = policy.audit(con, action="grant", outcome="refused")  # the refusal is on the record
    assert refused["target"].tolist() == ["moi@vd.vn"] and fragment in refused["detail"].iloc[0]


def test_a_person_added_by_subject_takes_that_identity_at_the_first_sign_in(con: duckdb.DuckDBPyConnection) -> None:
    # An account without an e-mail address: the administrator types its subject at the identity server.
    added = policy.grant(con, ADMIN, "248289761001", "xem", "X2", subject=True)
    with pytest.raises(policy.PolicyError, match="thư điện tử"):
        policy.grant(con, ADMIN, "248289761001", "xem", "X2")  # not an e-mail, and not said to be a subject
    assert policy.find_person(con, "248289761001") == added
    first = policy.sign_in(con, issuer="https://id.vd.vn", subject="248289761001", email=None, name="Anh Nam")
    assert first.id == added and first.grants == (("xem", "X2"),)
    assert policy.may_see(con, first, "X2") and not policy.may_see(con, first, "X1")
    # the same subject at another issuer is someone else, with no grant
    other = policy.sign_in(con, issuer="https://khac.vn", subject="248289761001", email=None, name=None)
    assert other.id != added and not other.has_grant
    assert policy.revoke(con, ADMIN, "248289761001") == 1
    assert not policy.load(con, added, "Anh Nam").has_grant


def test_visible_units_read_as_a_tree(con: duckdb.DuckDBPyConnection) -> None:
    policy.grant(con, ADMIN, "hai.huyen@vd.vn", "xem", "H2")
    policy.grant(con, ADMIN, "hai.huyen@vd.vn", "xem", "H1")
    units = policy.visible_units(con, person(con, "hai.huyen@vd.vn"), date(2025, 7, 1))
    assert units["code"].tolist() == ["H1", "X1", "X1B", "H2", "X2"]  # each district followed by its communes


def test_a_long_list_of_ones_own_units_drills_down(con: duckdb.DuckDBPyConnection) -> None:
    units = policy.visible_units(con, person(con, "qt@vd.vn"), date(2025, 7, 1))  # everything, from TU
    assert policy.drill_down(units, None)["code"].tolist() == ["TU", "H1", "H2"]  # the top and below it
    assert policy.drill_down(units, "X1")["code"].tolist() == ["TU", "H1", "X1"]  # the path to the choice
    assert policy.drill_down(units, "H2")["code"].tolist() == ["TU", "H2", "X2"]
    assert policy.drill_down(units, "NOT_MINE")["code"].tolist() == ["TU", "H1", "H2"]  # never outside the list
