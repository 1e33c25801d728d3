"""Who may do what: people, their grants over units, and the record of who did what.

Deny by default: a person with no grant may see and do nothing. Every page, query and write asks
this module; the scopes a person may see are worked out in SQL through unit_closure.

Roles: xem (view a unit and everything below it), nhap (upload for a unit and below; view it too),
duyet (approve; its pages come with the approval issue), quantri (people, register, settings, every unit).
"""

from __future__ import annotations

import getpass
from dataclasses import dataclass
from datetime import datetime

import duckdb
import pandas as pd

from reform import locks, sql

ROLES = ("xem", "nhap", "duyet", "quantri")
ROLE_NAMES = {"xem": "Xem", "nhap": "Nhập số liệu", "duyet": "Duyệt", "quantri": "Quản trị"}
GUEST_NAME = "khách"  # what the record says when nobody signs in (REFORM_AUTH=off)
OK, REFUSED = "ok", "refused"


class PolicyError(ValueError):
    """A request the policy refuses, with a Vietnamese message."""


@dataclass(frozen=True)
class Person:
    """Someone acting on the database: a signed-in person, a guest without sign-in, or the command line."""

    id: int | None  # person.id; None for a guest and the command line
    label: str  # what the record shows: e-mail, name or "khách"
    grants: tuple[tuple[str, str | None], ...]  # (role, unit_code)
    everything: bool = False  # a guest without sign-in, or the command line: every right

    @property
    def admin(self) -> bool:
        """Whether this person may administer (quản trị)."""
        return self.everything or any(role == "quantri" for role, _ in self.grants)

    @property
    def has_grant(self) -> bool:
        """Whether this person may do anything at all."""
        return self.everything or bool(self.grants)


def guest() -> Person:
    """Everyone who opens the page when sign-in is off: every right, recorded as "khách"."""
    return Person(None, GUEST_NAME, (), everything=True)


def command_line(user: str | None = None) -> Person:
    """The command line: it has the database file, so it acts as quản trị; recorded as --user or the system user."""
    return Person(None, user or _system_user(), (), everything=True)


def _system_user() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):  # no name for this uid (a container)
        return "hệ thống"


def load(con: duckdb.DuckDBPyConnection, person_id: int, label: str) -> Person:
    """A person with their grants as stored now."""
    grants = sql.run(con, "grants_of", person_id=person_id)
    pairs = tuple(
        (str(r), None if pd.isna(u) else str(u)) for r, u in zip(grants["role"], grants["unit_code"], strict=True)
    )
    return Person(person_id, label, pairs)


def sign_in(
    con: duckdb.DuckDBPyConnection,
    *,
    issuer: str,
    subject: str,
    email: str | None,
    name: str | None,
    email_verified: bool = True,
    now: datetime | None = None,
) -> Person:
    """The person behind a sign-in: found by issuer + subject; at a first sign-in, bound to a person added
    by e-mail (bootstrap) or added without grants. The sign-in is recorded."""
    now = now or datetime.now()
    email = email.strip().lower() if email else None
    found = sql.run(con, "person_by_identity", issuer=issuer, subject=subject)
    if not found.empty:
        person_id = int(found["id"].iloc[0])
    else:
        person_id = _bind_or_add(con, issuer, subject, email if email_verified else None, name, now)
    sql.execute(
        con, "person_signed_in", id=person_id, issuer=issuer, subject=subject, email=email, display_name=name, at=now
    )
    person = load(con, person_id, email or name or subject)
    record(con, person, "sign_in", None, OK if person.has_grant else REFUSED, None if person.has_grant else "no_grant")
    return person


def _bind_or_add(
    con: duckdb.DuckDBPyConnection, issuer: str, subject: str, email: str | None, name: str | None, now: datetime
) -> int:
    """A person added by this subject, or by this e-mail, and never signed in takes this identity; else a new
    person without grants."""
    by_subject = sql.run(con, "person_by_subject", subject=subject)
    by_subject = by_subject[by_subject["issuer"].isna()]
    if not by_subject.empty:
        return int(by_subject["id"].iloc[0])
    if email:
        waiting = sql.run(con, "person_by_email", email=email)
        waiting = waiting[waiting["subject"].isna()]
        if not waiting.empty:
            return int(waiting["id"].iloc[0])
    return add_person(con, issuer=issuer, subject=subject, email=email, display_name=name, created_at=now)


def add_person(con: duckdb.DuckDBPyConnection, **fields: object) -> int:
    """Add a person under the next id (max + 1 under the writers' lock: no sequence) and return it."""
    with locks.writer(con):
        person_id = int(sql.run(con, "next_id_person")["id"].iloc[0])
        sql.execute(con, "person_insert", id=person_id, **fields)
    return person_id


# --- questions ---------------------------------------------------------------------------------


def may_see(con: duckdb.DuckDBPyConnection, person: Person, unit: str) -> bool:
    """May the person see this unit (and so everything below it that they may see)?"""
    if person.everything:
        return True
    if person.id is None:
        return False
    return bool(sql.run(con, "may_see", person_id=person.id, unit=unit)["allowed"].iloc[0])


def visible_units(con: duckdb.DuckDBPyConnection, person: Person, at: object) -> pd.DataFrame:
    """The units the person may see, in force on a date, each under its parent (tree order): code, name, depth,
    top, parent_code (what the scope picker offers)."""
    if person.id is None and not person.everything:
        return pd.DataFrame(columns=["code", "name", "depth", "top", "parent_code"])
    if person.everything:  # a guest or the command line has no person row to ask about
        return _all_units(con, at)
    return tree_order(sql.run(con, "visible_units", person_id=person.id, at=at))


def tree_order(units: pd.DataFrame) -> pd.DataFrame:
    """Units each followed by those below it (depth first, by name), so an indented list reads as a tree."""
    below: dict[object, list[int]] = {}
    for i, parent in enumerate(units["parent_code"]):
        below.setdefault(parent, []).append(i)
    order: list[int] = []
    stack = sorted((i for i in range(len(units)) if bool(units["top"].iloc[i])), key=lambda i: units["name"].iloc[i])
    stack.reverse()
    codes = units["code"].tolist()
    names = units["name"].tolist()
    while stack:
        i = stack.pop()
        order.append(i)
        stack.extend(sorted(below.get(codes[i], []), key=lambda j: names[j], reverse=True))
    return units.iloc[order].reset_index(drop=True)


def drill_down(units: pd.DataFrame, wanted: str | None) -> pd.DataFrame:
    """Of a person's many visible units (tree order, with parent_code): the tops, the path down to the unit
    chosen now and the units directly below it, as the whole-register picker does for quản trị."""
    codes = set(units["code"])
    chosen = wanted if wanted in codes else str(units["code"].iloc[0])
    parent = dict(zip(units["code"], units["parent_code"], strict=True))
    path, unit = {chosen}, chosen
    while parent.get(unit) in codes:
        unit = parent[unit]
        path.add(unit)
    keep = units["code"].isin(path) | units["top"].astype(bool) | (units["parent_code"] == chosen)
    return units[keep][["code", "name", "depth"]]


def _all_units(con: duckdb.DuckDBPyConnection, at: object) -> pd.DataFrame:
    root = sql.run(con, "root_unit")
    if root.empty:
        return pd.DataFrame(columns=["code", "name", "depth", "top", "parent_code"])
    df = sql.run(con, "units_with_depth", scope=str(root["code"].iloc[0]), at=at)[["code", "name", "depth"]]
    # already in hierarchy order; the parent is only needed to drill down a person's own units
    return df.assign(top=df["depth"] == df["depth"].min(), parent_code=None)


def units_not_writable(con: duckdb.DuckDBPyConnection, person: Person, units: list[str]) -> list[str]:
    """Of these units, those the person may not upload for (nhập over the unit or above it, or quản trị)."""
    if person.everything or not units:
        return []
    if person.id is None:
        return sorted(set(units))
    return sql.run(con, "units_not_writable", person_id=person.id, units=sorted(set(units)))["unit_code"].tolist()


def decks(con: duckdb.DuckDBPyConnection, person: Person) -> pd.DataFrame:
    """Saved decks whose scope the person may see: name, scope, period, updated_at, frozen_at, frozen_upload_id."""
    if person.everything:
        return sql.run(con, "deck_list")
    if person.id is None:
        return sql.run(con, "deck_list").iloc[0:0]
    return sql.run(con, "deck_list_visible", person_id=person.id)


def may_upload(person: Person) -> bool:
    """Whether the upload page has anything to offer this person."""
    return person.admin or any(role == "nhap" for role, _ in person.grants)


def may_undo(con: duckdb.DuckDBPyConnection, person: Person, upload_id: int) -> bool:
    """May the person undo this upload? Their own, or anyone's for quản trị."""
    if person.admin:
        return True
    owner = sql.run(con, "upload_owner", upload_id=upload_id)
    return not owner.empty and person.id is not None and owner["person_id"].iloc[0] == person.id


def may_edit_deck(con: duckdb.DuckDBPyConnection, person: Person, deck: str) -> bool:
    """May the person change (save over, freeze, edit notes of) this deck? A new name: anyone with a grant;
    a saved deck: its author, or quản trị."""
    if person.admin:
        return True
    owner = sql.run(con, "deck_owner", deck=deck)
    if owner.empty:
        return person.has_grant
    return person.id is not None and owner["author_id"].iloc[0] == person.id


def may_unfreeze_deck(person: Person) -> bool:
    """Only quản trị unfreezes: frozen figures are the record of a meeting."""
    return person.admin


def may_delete_deck(con: duckdb.DuckDBPyConnection, person: Person, deck: str) -> bool:
    """A frozen deck is never deleted (quản trị unfreezes it first); an unfrozen one by its author or quản trị."""
    owner = sql.run(con, "deck_owner", deck=deck)
    if owner.empty or bool(owner["frozen"].iloc[0]):
        return False
    return may_edit_deck(con, person, deck)


def may_clear_cache(person: Person) -> bool:
    """Clearing every reader's caches slows everyone down: quản trị only."""
    return person.admin


# --- the record of who did what -----------------------------------------------------------------


def record(
    con: duckdb.DuckDBPyConnection,
    person: Person,
    action: str,
    target: object = None,
    outcome: str = OK,
    detail: str | None = None,
    *,
    now: datetime | None = None,
) -> None:
    """Append one line to the record: who, when, what, to what, and the outcome."""
    with locks.writer(con):  # its id is max + 1: one writer at a time
        _audit_insert(con, person, action, target, outcome, detail, now)


def _audit_insert(
    con: duckdb.DuckDBPyConnection,
    person: Person,
    action: str,
    target: object,
    outcome: str,
    detail: str | None,
    now: datetime | None,
) -> None:
    sql.execute(
        con,
        "audit_insert",
        happened_at=now or datetime.now(),
        actor=person.label,
        person_id=person.id,
        action=action,
        target=None if target is None else str(target),
        outcome=outcome,
        detail=detail,
    )


def audit(
    con: duckdb.DuckDBPyConnection,
    *,
    since: datetime | None = None,
    actor: str | None = None,
    action: str | None = None,
    outcome: str | None = None,
) -> pd.DataFrame:
    """The record, newest first: id, happened_at, actor, action, target, outcome, detail."""
    return sql.run(con, "audit_list", since=since, actor=actor, action=action, outcome=outcome)


# --- administration -----------------------------------------------------------------------------


def person_by_email(con: duckdb.DuckDBPyConnection, email: str) -> int | None:
    """The id of the (first) person with this e-mail, or None."""
    found = sql.run(con, "person_by_email", email=email.strip().lower())
    return None if found.empty else int(found["id"].iloc[0])


def is_email(who: str) -> bool:
    """An e-mail address names a person by mail; anything else is the identity server's subject ("sub")."""
    return "@" in who


def find_person(con: duckdb.DuckDBPyConnection, who: str) -> int | None:
    """The id of the person named by an e-mail address or by their subject at the identity server, or None."""
    who = who.strip()
    if is_email(who):
        return person_by_email(con, who)
    found = sql.run(con, "person_by_subject", subject=who)
    return None if found.empty else int(found["id"].iloc[0])


def grant(
    con: duckdb.DuckDBPyConnection,
    by: Person,
    who: str,
    role: str,
    unit: str | None,
    *,
    subject: bool = False,
    now: datetime | None = None,
) -> int:
    """Give the person named by e-mail (or, with subject=True, by subject) a role over a unit, adding them if new;
    quản trị needs no unit. Returns their id. A refused request is recorded as refused, with the reason."""
    _check_admin(con, by, "grant", who)
    now = now or datetime.now()
    who = who.strip().lower() if is_email(who) else who.strip()
    try:
        if subject == is_email(who):
            raise PolicyError(
                f"“{who}” không phải mã định danh (subject)." if subject else f"“{who}” không phải địa chỉ thư điện tử."
            )
        unit = _grant_unit(con, who, role, unit)
    except PolicyError as exc:
        record(con, by, "grant", who, REFUSED, f"{role} {unit or '*'}: {exc}", now=now)
        raise
    with locks.writer(con):  # "not already held" and the insert: no other writer between them
        person_id = find_person(con, who)
        if person_id is None:
            mail, sub = (who, None) if is_email(who) else (None, who)
            person_id = add_person(con, issuer=None, subject=sub, email=mail, display_name=None, created_at=now)
        sql.execute(con, "grant_insert", person_id=person_id, role=role, unit=unit, at=now, by=by.label)
    record(con, by, "grant", who, OK, f"{role} {unit or '*'}", now=now)
    return person_id


def _grant_unit(con: duckdb.DuckDBPyConnection, who: str, role: str, unit: str | None) -> str | None:
    """The unit a grant is over (None for quản trị), or a PolicyError saying what is wrong with the request."""
    if not who:
        raise PolicyError("Cần nhập địa chỉ thư điện tử hoặc mã định danh (subject) của người dùng.")
    if is_email(who) and (who.count("@") != 1 or who.startswith("@") or who.endswith("@") or " " in who):
        raise PolicyError(f"“{who}” không phải địa chỉ thư điện tử.")
    if role not in ROLES:
        raise PolicyError(f"Vai trò “{role}” không có; chọn một trong: {', '.join(ROLES)}.")
    if role == "quantri":
        return None
    if unit is None:
        raise PolicyError("Cần chọn đơn vị cho vai trò này.")
    if sql.run(con, "unit_subtree", unit=unit).empty:
        raise PolicyError(f"Không có đơn vị {unit}.")
    return unit


def revoke(
    con: duckdb.DuckDBPyConnection, by: Person, who: str, role: str | None = None, unit: str | None = None
) -> int:
    """Take grants away from the person named by e-mail or subject (of a role, over a unit, or all); how many went."""
    _check_admin(con, by, "revoke", who)
    who = who.strip().lower() if is_email(who) else who.strip()
    person_id = find_person(con, who)
    if person_id is None:
        record(con, by, "revoke", who, REFUSED, "no_such_person")
        raise PolicyError(f"Không có người dùng {who}.")
    with locks.writer(con):  # what is listed is what is deleted: no other write between them
        removed = sql.run(con, "grant_matching", person_id=person_id, role=role, unit=unit)
        sql.execute(con, "grant_delete", person_id=person_id, role=role, unit=unit)
    pairs = zip(removed["role"], removed["unit_code"], strict=True)
    detail = ", ".join(f"{r} {'*' if pd.isna(u) else u}" for r, u in pairs) or None
    record(con, by, "revoke", who, OK if len(removed) else REFUSED, detail)
    return len(removed)


def people(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Every person with each grant: person_id, email, issuer, subject, display_name, last_sign_in, role, unit."""
    return sql.run(con, "people_list")


def _check_admin(con: duckdb.DuckDBPyConnection, by: Person, action: str, target: str) -> None:
    if not by.admin:
        record(con, by, action, target, REFUSED, "not_admin")
        raise PolicyError("Chỉ quản trị được cấp hoặc thu hồi quyền.")
