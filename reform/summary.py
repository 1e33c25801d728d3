"""The figures of a scope for a period: value, same period last year, change, and how to read it.

The same function serves the pages and the command line, so the two never disagree.
"""

from __future__ import annotations

from dataclasses import dataclass

import duckdb
import pandas as pd

from reform import fmt, sql
from reform.periods import Period

PERCENT_TYPES = {"rate", "flag"}
# the rates that show how far reform has moved online: the overview's trend and the deck's trend slide
KEY_RATES = ["tl_vb_di_dientu", "tl_vb_kyso", "tl_hop_truc_tuyen", "tl_hop_tl_dientu", "tl_dv_csdl"]


@dataclass(frozen=True)
class Change:
    """How a figure moved against the same period last year."""

    change: float | None  # value_compared - previous_compared (percentage points for rates and flags)
    change_pct: float | None  # relative change in %, counts only; None against 0 or nothing
    tone: str  # good | bad | neutral | none


def summary(con: duckdb.DuckDBPyConnection, scope: str, period: Period, *, official: bool = False) -> pd.DataFrame:
    """Every indicator of the scope: catalogue columns, value, previous (the scope's totals as reported),
    the like-for-like pair value_compared / previous_compared on units_compared units, and change,
    change_pct, tone computed on that pair. official: approved and locked values only."""
    name = sql.official("summary") if official else "summary"
    df = sql.run(con, name, scope=scope, start=period.start, end=period.end)
    cat = sql.run(con, "catalog")
    df = cat.merge(df, left_on="code", right_on="indicator_code", how="left").drop(columns="indicator_code")
    return with_changes(df)


def with_changes(df: pd.DataFrame) -> pd.DataFrame:
    """change, change_pct and tone of each row, from value_compared and previous_compared (rows also
    carrying type and good, from the catalogue)."""
    changes = [compare(r.value_compared, r.previous_compared, r.type, r.good) for r in df.itertuples()]
    return df.assign(
        change=[c.change for c in changes],
        change_pct=[c.change_pct for c in changes],
        tone=[c.tone for c in changes],
    )


def compared_note(row: pd.Series | dict) -> str:
    """ "trên 34/42 đơn vị báo cáo cả hai kỳ" when the change is not on every unit, else ""."""
    expected, compared = row.get("units_expected"), row.get("units_compared")
    if fmt.missing(expected) or fmt.missing(compared) or int(compared) >= int(expected):
        return ""
    return f"trên {int(compared)}/{int(expected)} đơn vị báo cáo cả hai kỳ"


def is_percent(unit: str) -> bool:
    """Units shown as a percentage ("%", "% đơn vị"); their changes are in percentage points."""
    return unit == "%" or unit.startswith("% ")


def compare(value: float | None, previous: float | None, type_: str, good: str) -> Change:
    """The change of one figure, with its relative change and its tone for the reader."""
    if fmt.missing(value) or fmt.missing(previous):
        return Change(None, None, "none")
    change = float(value) - float(previous)
    relative = None
    if type_ not in PERCENT_TYPES and previous != 0:
        relative = 100.0 * change / float(previous)
    return Change(change, relative, tone(change, good))


def tone(change: float, good: str) -> str:
    """good / bad for a move in the good / wrong direction; neutral indicators are never judged."""
    if good == "neutral" or abs(change) < 1e-9:
        return "neutral"
    return "good" if (change > 0) == (good == "up") else "bad"


def change_text(row: pd.Series, *, note: bool = True) -> str:
    """Vietnamese reading of a change: "tăng 12 (12,5%)", "giảm 3,1 điểm %", "chưa có số liệu cùng kỳ",
    followed (with note) by "trên 34/42 đơn vị báo cáo cả hai kỳ" when not every unit is compared."""
    if fmt.missing(row["value"]):
        return "chưa có số liệu"
    if fmt.missing(row["change"]):
        return "chưa có số liệu cùng kỳ"
    note = compared_note(row) if note else ""
    return change_words(row) + (f" {note}" if note else "")


def compared_previous(row: pd.Series | dict) -> float:
    """The previous figure the change is computed on (previous for rows made without the comparison)."""
    prev = row.get("previous_compared")
    return row["previous"] if prev is None else prev


def change_words(row: pd.Series | dict) -> str:
    """The change alone, rounded as shown: "tăng 9 (1,5%)", "giảm 3,1 điểm %", "không đổi so với cùng kỳ"."""
    change = float(row["change"])
    decimals = int(row["decimals"])
    points = is_percent(row["unit"])
    shown = fmt.rounded(abs(change), max(decimals, 1) if points else decimals)
    if shown == 0:
        return "không đổi so với cùng kỳ"
    verb = "tăng" if change > 0 else "giảm"
    if points:
        return f"{verb} {fmt.number(shown, max(decimals, 1))} điểm %"
    amount = fmt.with_unit(shown, row["unit"], decimals)
    if fmt.missing(row["change_pct"]):
        return f"{verb} {amount} (cùng kỳ bằng 0)" if float(compared_previous(row)) == 0 else f"{verb} {amount}"
    return f"{verb} {amount} ({fmt.number(abs(float(row['change_pct'])), 1)}%)"


def to_records(df: pd.DataFrame) -> list[dict]:
    """Summary rows as plain JSON-ready records (NaN as None), for the command line."""
    cols = [
        "code",
        "name_vi",
        "group_code",
        "type",
        "good",
        "unit",
        "value",
        "previous",
        "change",
        "change_pct",
        "units_reported",
        "units_expected",
        "units_compared",
        "value_compared",
        "previous_compared",
    ]
    out = df[cols].rename(columns={"code": "indicator_code"}).astype(object)
    return out.where(out.notna(), None).to_dict(orient="records")


def rank(
    con: duckdb.DuckDBPyConnection, scope: str, indicator: str, period: Period, *, official: bool = False
) -> pd.DataFrame:
    """The child units of the scope ranked on one indicator (see queries/rank.sql), with change and
    change_pct of each on its units that reported in both periods (value_compared - previous_compared).
    official: approved and locked values only."""
    name = sql.official("rank") if official else "rank"
    df = sql.run(con, name, scope=scope, indicator=indicator, start=period.start, end=period.end)
    kind = sql.run(con, "catalog").set_index("code").loc[indicator]
    changes = [
        compare(v, p, kind["type"], kind["good"])
        for v, p in zip(df["value_compared"], df["previous_compared"], strict=True)
    ]
    return df.assign(change=[c.change for c in changes], change_pct=[c.change_pct for c in changes])


def movers(df: pd.DataFrame, n: int = 3) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The n indicators that moved most in the good and in the wrong direction (neutral ones never).

    Counts are compared by their relative change, rates by their change in points.
    """
    judged = df[df["tone"].isin(["good", "bad"])].copy()
    judged["size"] = judged["change_pct"].abs().fillna(judged["change"].abs())
    judged = judged.sort_values("size", ascending=False)
    return judged[judged["tone"] == "good"].head(n), judged[judged["tone"] == "bad"].head(n)
