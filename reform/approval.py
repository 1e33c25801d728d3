"""Approval of each unit × quarter: the one place that holds its rules (issue 14).

States: chưa nộp (open, no row), đã nộp (submitted), đã duyệt (approved), đã khóa (locked).
- submit: open → submitted, by an uploader (nhập) of the unit or above, or quản trị.
- approve: submitted → approved (a unit with units below it may be approved from open: nobody uploads
  "for" a district's sum), by a duyệt holder of the unit or above, or quản trị; bottom-up: only when
  every unit directly below it (in force that quarter) is approved or locked.
- unapprove: submitted or approved → open, with a reason, by a duyệt holder of the unit or above, or
  quản trị; the approved units above it are reopened too (their approval covered this unit).
- lock: approved → locked, quản trị only; locks the unit and everything below it.
- unlock: locked → approved, quản trị only, with a reason; unlocks the unit and everything below it.
Every transition is stored with who, when and why, and written to the audit record.

Writes respect the states: a unit × quarter that is submitted, approved or locked takes no new values,
and neither does one past the entry window (entry_window_days after the quarter ends; 0 = always open)
without an exception granted by quản trị.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

import duckdb
import pandas as pd

from reform import official, periods, policy, sql
from reform.db import registered, write_transaction

OPEN, SUBMITTED, APPROVED, LOCKED = "open", "submitted", "approved", "locked"
STATES = (OPEN, SUBMITTED, APPROVED, LOCKED)
CLOSED = (SUBMITTED, APPROVED, LOCKED)  # no write may change a unit × quarter in these
DONE = (APPROVED, LOCKED)  # what a unit above needs of every unit below it
STATE_NAMES = {OPEN: "chưa nộp", SUBMITTED: "đã nộp", APPROVED: "đã duyệt", LOCKED: "đã khóa"}
ACTIONS = ("submit", "approve", "unapprove", "lock", "unlock")
ACTION_NAMES = {
    "submit": "Nộp báo cáo",
    "approve": "Duyệt",
    "unapprove": "Trả lại / bỏ duyệt",
    "lock": "Khóa",
    "unlock": "Mở khóa",
}
WINDOW_KEY = "entry_window_days"  # meta key of the entry window; absent or 0: entry always open
SAME, ABOVE, NONE = "same", "above", "none"  # where the actor's grant sits against the unit


class ApprovalRefused(ValueError):
    """A transition the rules refuse; message in Vietnamese."""


class Locked(ValueError):
    """A write into a unit × quarter that may not change; message in Vietnamese (code E_LOCKED)."""

    code = "E_LOCKED"


@dataclass(frozen=True)
class Decision:
    """What the rules say of one action: allowed or not, the state it leads to, and why not."""

    allowed: bool
    to_state: str | None = None
    message: str = ""


def decide(
    state: str,
    action: str,
    role: str,
    level: str,
    *,
    has_children: bool = False,
    children_done: bool = True,
    above_locked: bool = False,
    reason: str | None = None,
) -> Decision:
    """The rules as one pure function: (state, action, actor's strongest role and where it sits) → result."""
    reason = (reason or "").strip()
    admin = role == "quantri"
    over = level in (SAME, ABOVE)
    name = STATE_NAMES.get(state, state)
    if action == "submit":
        if not (admin or (role == "nhap" and over)):
            return Decision(False, message="Chỉ người nhập số liệu của đơn vị (hoặc cấp trên) được nộp báo cáo.")
        if state != OPEN:
            return Decision(False, message=f"Báo cáo {name}; không nộp lại được.")
        return Decision(True, SUBMITTED)
    if action == "approve":
        if not (admin or (role == "duyet" and over)):
            return Decision(False, message="Chỉ người có quyền duyệt của đơn vị hoặc cấp trên được duyệt.")
        if state in DONE:
            return Decision(False, message=f"Báo cáo {name}.")
        if state == OPEN and not has_children:
            return Decision(False, message="Đơn vị chưa nộp báo cáo; chưa duyệt được.")
        if not children_done:
            return Decision(False, message="Còn đơn vị trực thuộc chưa được duyệt; duyệt từ cấp dưới lên.")
        return Decision(True, APPROVED)
    if action == "unapprove":
        if not (admin or (role == "duyet" and over)):
            return Decision(False, message="Chỉ người có quyền duyệt của đơn vị hoặc cấp trên được trả lại.")
        if state == LOCKED or above_locked:
            return Decision(False, message="Báo cáo đã khóa; quản trị phải mở khóa trước.")
        if state == OPEN:
            return Decision(False, message="Báo cáo chưa nộp; không có gì để trả lại.")
        if not reason:
            return Decision(False, message="Cần ghi lý do trả lại (--reason).")
        return Decision(True, OPEN)
    if action == "lock":
        if not admin:
            return Decision(False, message="Chỉ quản trị được khóa số liệu.")
        if state != APPROVED:
            return Decision(False, message=f"Báo cáo {name}; chỉ khóa được báo cáo đã duyệt.")
        return Decision(True, LOCKED)
    if action == "unlock":
        if not admin:
            return Decision(False, message="Chỉ quản trị được mở khóa.")
        if state != LOCKED:
            return Decision(False, message=f"Báo cáo {name}, không bị khóa.")
        if above_locked:
            return Decision(False, message="Đơn vị cấp trên đã khóa; mở khóa từ cấp trên.")
        if not reason:
            return Decision(False, message="Cần ghi lý do mở khóa (--reason).")
        return Decision(True, APPROVED)
    return Decision(False, message=f"Không có thao tác “{action}”.")


def standing(person: policy.Person, unit: str, above: set[str]) -> tuple[str, str]:
    """The person's strongest role over the unit (whose ancestors are `above`) and where that grant sits:
    (role, same | above | none)."""
    if person.admin:
        return "quantri", ABOVE
    best = ("xem", NONE)
    for rank_role in ("duyet", "nhap", "xem"):
        for role, where in person.grants:
            if role != rank_role:
                continue
            if where == unit:
                return role, SAME
            if where in above and best[1] == NONE:
                best = (role, ABOVE)
        if best[1] != NONE:
            return best
    return best


@dataclass(frozen=True)
class Outcome:
    """A transition done: the unit, the quarter, the state it reached and every unit it moved."""

    unit: str
    period: date
    state: str
    moved: int


def quarter_start(period: periods.Period | date | str) -> date:
    """The stored key of a single quarter; ApprovalRefused for a longer period (states are per quarter)."""
    if isinstance(period, str):
        period = periods.parse(period)
    if isinstance(period, periods.Period):
        if not period.is_quarter:
            raise periods.PeriodError(f"Duyệt theo từng quý; “{period.code}” không phải một quý.")
        return period.start
    return periods.from_date(period).start


def act(
    con: duckdb.DuckDBPyConnection,
    person: policy.Person,
    action: str,
    unit: str,
    period: periods.Period | date | str,
    reason: str | None = None,
    *,
    with_below: bool = False,
    now: datetime | None = None,
) -> Outcome:
    """Do one action on a unit × quarter (with_below, for submit and approve: every unit below first,
    bottom-up, as far as the rules allow), or raise ApprovalRefused; both go to the audit record."""
    start = quarter_start(period)
    now = now or datetime.now()
    target = f"{unit} {periods.from_date(start).code}"
    try:
        with write_transaction(con):
            moves = _transition(con, person, action, unit, start, reason, with_below, now)
    except ApprovalRefused as exc:  # recorded after the rollback, or the record would roll back with it
        policy.record(con, person, action, target, policy.REFUSED, str(exc), now=now)
        raise
    top = next(m for m in moves if m[0] == unit)
    return Outcome(unit, start, top[3], len(moves))


def _transition(
    con: duckdb.DuckDBPyConnection,
    person: policy.Person,
    action: str,
    unit: str,
    start: date,
    reason: str | None,
    with_below: bool,
    now: datetime,
) -> list[tuple[str, str, str, str]]:
    """Inside the write transaction: read the states, apply the rules, store the moves and record them."""
    target = f"{unit} {periods.from_date(start).code}"
    tree = sql.run(con, "approval_subtree", unit=unit, period=start)
    if tree.empty:
        raise ApprovalRefused(f"Không có đơn vị {unit} trong {periods.from_date(start).label}.")
    ancestors = sql.run(con, "approval_ancestors", unit=unit, period=start)
    role, level = standing(person, unit, set(ancestors["unit_code"]))
    moves = _moves(tree, ancestors, action, role, level, reason, with_below)
    frame = pd.DataFrame(moves, columns=["unit_code", "action", "from_state", "to_state"])
    params = {"period": start, "actor": person.label, "person_id": person.id, "at": now, "reason": reason}
    with registered(con, moves=frame):
        sql.execute(con, "approval_transition_insert", **params)
        sql.execute(con, "approval_state_delete", period=start)
        sql.execute(con, "approval_state_insert", **params)
    if any((frm in DONE) != (to in DONE) for _, _, frm, to in moves):  # the official figures change
        official.sync(con, [start])
    detail = f"{len(moves)} đơn vị" + (f"; lý do: {reason}" if reason else "")
    policy.record(con, person, action, target, policy.OK, detail, now=now)
    return moves


def _moves(
    tree: pd.DataFrame,
    ancestors: pd.DataFrame,
    action: str,
    role: str,
    level: str,
    reason: str | None,
    with_below: bool,
) -> list[tuple[str, str, str, str]]:
    """Every (unit, action, from, to) the action makes; ApprovalRefused with the rules' words."""
    if action not in ACTIONS:
        raise ApprovalRefused(f"Không có thao tác “{action}”; chọn một trong: {', '.join(ACTIONS)}.")
    state = dict(zip(tree["unit_code"], tree["state"], strict=True))
    children: dict[str, list[str]] = {}
    for code, parent in zip(tree["unit_code"], tree["parent_code"], strict=True):
        children.setdefault(parent, []).append(code)
    top = str(tree["unit_code"].iloc[0])
    above_locked = bool((ancestors["state"] == LOCKED).any())
    moves: list[tuple[str, str, str, str]] = []
    if action in ("submit", "approve") and with_below:  # deepest first: each sees the units below it approved
        below_level = ABOVE if level in (SAME, ABOVE) else level
        for code in reversed(tree["unit_code"].iloc[1:].tolist()):
            kids = children.get(code, [])
            d = decide(
                state[code],
                action,
                role,
                below_level,
                has_children=bool(kids),
                children_done=all(state[k] in DONE for k in kids),
            )
            if d.allowed:
                moves.append((code, action, state[code], d.to_state))
                state[code] = d.to_state
    kids = children.get(top, [])
    d = decide(
        state[top],
        action,
        role,
        level,
        has_children=bool(kids),
        children_done=all(state[k] in DONE for k in kids),
        above_locked=above_locked,
        reason=reason,
    )
    if not d.allowed:
        raise ApprovalRefused(d.message)
    moves.append((top, action, state[top], d.to_state))
    if action == "unapprove":  # the approvals above covered this unit: they are open again
        moves += [
            (u, "reopen", APPROVED, OPEN)
            for u, s in zip(ancestors["unit_code"], ancestors["state"], strict=True)
            if s == APPROVED
        ]
    elif action in ("lock", "unlock"):  # the whole scope closes (opens) with it
        frm, to = (APPROVED, LOCKED) if action == "lock" else (LOCKED, APPROVED)
        moves += [(u, action, frm, to) for u in tree["unit_code"].iloc[1:] if state[u] == frm]
    return moves


def status(con: duckdb.DuckDBPyConnection, unit: str, period: periods.Period | date | str) -> pd.DataFrame:
    """Where each unit of a scope stands for a quarter: unit_code, name, parent_code, depth, state,
    changed_by, changed_at, reason."""
    return sql.run(con, "approval_subtree", unit=unit, period=quarter_start(period))


def transitions(con: duckdb.DuckDBPyConnection, unit: str, period: periods.Period | date | str) -> pd.DataFrame:
    """Every transition of a unit × quarter, oldest first."""
    return sql.run(con, "approval_transitions", unit=unit, period=quarter_start(period))


# --- writes against the states --------------------------------------------------------------------


def window_days(con: duckdb.DuckDBPyConnection) -> int:
    """The entry window: days after a quarter ends during which values may still be entered; 0 = always."""
    found = sql.run(con, "meta_get", key=WINDOW_KEY)
    return 0 if found.empty else int(found["value"].iloc[0])


def set_window_days(con: duckdb.DuckDBPyConnection, by: policy.Person, days: int) -> None:
    """Set the entry window (quản trị only); 0 keeps entry always open."""
    if not by.admin:
        policy.record(con, by, "entry_window", str(days), policy.REFUSED, "not_admin")
        raise ApprovalRefused("Chỉ quản trị được đặt thời hạn nhập số liệu.")
    if days < 0:
        raise ApprovalRefused("Số ngày phải từ 0 trở lên (0 = luôn mở).")
    with write_transaction(con):
        sql.execute(con, "meta_set", key=WINDOW_KEY, value=str(int(days)))
        sql.execute(con, "reference_version_bump")  # what may be entered is shown from cached figures too
        policy.record(con, by, "entry_window", str(days), policy.OK)


def grant_exception(
    con: duckdb.DuckDBPyConnection,
    by: policy.Person,
    unit: str,
    period: periods.Period | date | str,
    reason: str,
    *,
    now: datetime | None = None,
) -> None:
    """Keep entry open for one unit × quarter past the window: quản trị, with a reason."""
    start = quarter_start(period)
    target = f"{unit} {periods.from_date(start).code}"
    if not by.admin or not (reason or "").strip():
        why = "Chỉ quản trị được mở lại hạn nhập." if not by.admin else "Cần ghi lý do mở lại hạn nhập."
        policy.record(con, by, "entry_exception", target, policy.REFUSED, why)
        raise ApprovalRefused(why)
    now = now or datetime.now()
    with write_transaction(con):
        sql.execute(con, "entry_exception_set", unit=unit, period=start, by=by.label, at=now, reason=reason)
        policy.record(con, by, "entry_exception", target, policy.OK, reason, now=now)


def exceptions(con: duckdb.DuckDBPyConnection, scope: str, period: periods.Period | date | str) -> pd.DataFrame:
    """The units of a scope whose entry stays open for the quarter past the window: unit_code, name,
    granted_by, granted_at, reason."""
    return sql.run(con, "entry_exceptions", scope=scope, period=quarter_start(period))


def closed_quarters(quarters: list[date], days: int, today: date) -> list[date]:
    """Of these quarter starts, those whose entry window has closed by today."""
    if days <= 0:
        return []
    closed = []
    for start in quarters:
        q = periods.from_date(start)
        last_day = date(q.year + (q.last_q == 4), 1 if q.last_q == 4 else 3 * q.last_q + 1, 1) - timedelta(days=1)
        if today > last_day + timedelta(days=days):
            closed.append(start)
    return closed


def closed_incoming(con: duckdb.DuckDBPyConnection, quarters: list[date], *, today: date | None = None) -> pd.DataFrame:
    """Of the rows registered as `incoming`, the unit × quarters no write may change: unit_code, period,
    state (submitted | approved | locked | window), changed_by, changed_at."""
    shut = closed_quarters(quarters, window_days(con), today or date.today())
    return sql.run(con, "approval_closed_incoming", closed_periods=shut)


def refusal(row: pd.Series | object) -> str:
    """The Vietnamese words for one unit × quarter that takes no write: what state, by whom, since when."""
    unit, start, state = row.unit_code, pd.Timestamp(row.period).date(), row.state
    label = periods.from_date(start).label
    if state == "window":
        return (
            f"đơn vị “{unit}” {label}: đã hết hạn nhập số liệu; quản trị có thể mở lại hạn cho đơn vị này "
            "(ghi lý do). Không lưu gì của tệp này."
        )
    when = pd.Timestamp(row.changed_at).strftime("%d/%m/%Y %H:%M")
    return (
        f"đơn vị “{unit}” {label} {STATE_NAMES[state]} ({row.changed_by}, {when}); không sửa được số liệu "
        "của quý này. Không lưu gì của tệp này."
    )


def refuse_closed_incoming(con: duckdb.DuckDBPyConnection, quarters: list[date]) -> None:
    """Raise Locked when the rows registered as `incoming` touch a unit × quarter that takes no write."""
    shut = closed_incoming(con, quarters)
    if not shut.empty:
        words = "; ".join(refusal(r) for r in shut.head(5).itertuples())
        more = f" (và {len(shut) - 5} đơn vị × quý khác)" if len(shut) > 5 else ""
        raise Locked(f"[{Locked.code}] {words}{more}")


def refuse_closed_undo(con: duckdb.DuckDBPyConnection, upload_id: int) -> str | None:
    """Why undoing this upload is refused (it changed a unit × quarter that may not change now), or None."""
    shut = sql.run(con, "approval_closed_upload", upload_id=upload_id)
    if shut.empty:
        return None
    words = "; ".join(refusal(r).replace("Không lưu gì của tệp này.", "").strip() for r in shut.head(5).itertuples())
    return f"[{Locked.code}] Không thể hoàn tác lần tải lên số {upload_id}: {words}."


# --- the approval board ---------------------------------------------------------------------------


def board(
    con: duckdb.DuckDBPyConnection, person: policy.Person, unit: str, period: periods.Period | date | str
) -> pd.DataFrame:
    """Every unit of a scope for a quarter with its state, who, when, why, and the actions the person can
    take on it now (`actions`, a list; a reason is asked for when the action needs one)."""
    start = quarter_start(period)
    tree = sql.run(con, "approval_subtree", unit=unit, period=start)
    if tree.empty:
        return tree.assign(actions=[])
    ancestors = sql.run(con, "approval_ancestors", unit=unit, period=start)
    state = dict(zip(tree["unit_code"], tree["state"], strict=True))
    parent = dict(zip(tree["unit_code"], tree["parent_code"], strict=True))
    children: dict[str, list[str]] = {}
    for code, up in parent.items():
        children.setdefault(up, []).append(code)
    top = str(tree["unit_code"].iloc[0])
    top_role, top_level = standing(person, top, set(ancestors["unit_code"]))
    locked_above = {top: bool((ancestors["state"] == LOCKED).any())}
    actions = []
    for code in tree["unit_code"]:
        if code != top:
            locked_above[code] = locked_above[parent[code]] or state[parent[code]] == LOCKED
        role, level = top_role, top_level
        if level == NONE and not person.admin:  # a grant lower in the scope: over this unit or one above it
            mine = [r for r, u in person.grants if u in _chain(code, parent, top)]
            if mine:
                role = "duyet" if "duyet" in mine else mine[0]
                level = SAME if any(u == code for _, u in person.grants) else ABOVE
        elif level == SAME and code != top:
            level = ABOVE
        kids = children.get(code, [])
        can = [
            a
            for a in ACTIONS
            if decide(
                state[code],
                a,
                role,
                level,
                has_children=bool(kids),
                children_done=all(state[k] in DONE for k in kids),
                above_locked=locked_above[code],
                reason="(lý do)",
            ).allowed
        ]
        actions.append(can)
    return tree.assign(actions=actions)


def _chain(code: str, parent: dict[str, str], top: str) -> list[str]:
    """The unit and the units above it up to the top of the scope."""
    chain = [code]
    while code != top and parent.get(code) is not None:
        code = parent[code]
        chain.append(code)
    return chain


def changes_since_submission(
    con: duckdb.DuckDBPyConnection, unit: str, period: periods.Period | date | str
) -> pd.DataFrame:
    """Values of the scope's units changed after the unit × quarter was first submitted, old → new:
    unit_code, indicator_code, old_value, new_value, changed_at, upload_id."""
    return sql.run(con, "approval_changes_since_submission", unit=unit, period=quarter_start(period))


def reminder(units: list[str], period: periods.Period | date | str, deadline: date) -> str:
    """The Vietnamese text of a reminder to the units behind, ready to copy."""
    start = quarter_start(period)
    names = ", ".join(units)
    return f"Đề nghị {names} hoàn thành báo cáo {periods.from_date(start).label} trước ngày {deadline:%d/%m/%Y}."


def deadline(con: duckdb.DuckDBPyConnection, period: periods.Period | date | str, today: date) -> date:
    """The date a reminder names: the end of the entry window, or a week from today when there is no
    window or it has passed."""
    start = quarter_start(period)
    q = periods.from_date(start)
    last_day = date(q.year + (q.last_q == 4), 1 if q.last_q == 4 else 3 * q.last_q + 1, 1) - timedelta(days=1)
    days = window_days(con)
    end = last_day + timedelta(days=days)
    return end if days and end >= today else today + timedelta(days=7)
