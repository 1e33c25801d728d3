"""Deterministic Vietnamese sentences drawn from the figures, in the style of a Party report.

"Quý III/2025, toàn Đảng bộ kiểm tra 45 tổ chức đảng, tăng 12,5% so với cùng kỳ; tỷ lệ văn bản đi gửi
qua mạng đạt 92,4%, tăng 3,1 điểm %; còn 3 đơn vị chưa báo cáo."

Counts change in percent, rates and shares in percentage points ("điểm %"); a change against zero
or against nothing is said as such; neutral indicators are described without praise or blame.
Every function takes rows of reform.summary.summary (catalogue columns plus value, previous,
change, change_pct, tone) and returns text: nothing here reads the database.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from reform import fmt
from reform.summary import PERCENT_TYPES, change_words, compared_note, compared_previous, is_percent

ROOT_SUBJECT = "toàn Đảng bộ"
JUDGED = {"good": "chuyển biến tích cực", "bad": "cần quan tâm"}


def lower_first(text: str) -> str:
    """ "Tổng số cuộc họp" -> "tổng số cuộc họp"; abbreviations ("KT, GS", "CSDL") stay as they are."""
    if len(text) > 1 and text[1].isupper():
        return text
    return text[:1].lower() + text[1:]


def value_text(row: Mapping) -> str:
    """The value with its unit: "45", "92,4%", "2,3 giờ/cuộc" (the unit of counts is in the phrase)."""
    decimals = int(row["decimals"])
    if is_percent(row["unit"]) or row["type"] in PERCENT_TYPES:
        return fmt.with_unit(row["value"], row["unit"] if row["unit"] else "%", decimals)
    return fmt.number(row["value"], decimals)


def value_phrase(row: Mapping) -> str:
    """What was done: "kiểm tra 45 tổ chức đảng", "tỷ lệ văn bản đi gửi qua mạng đạt 92,4%"."""
    value = value_text(row)
    phrase = str(row.get("phrase_vi") or "")
    if phrase:
        return phrase.format(value=value)
    if row["type"] == "flag":  # "Có phòng họp trực tuyến" -> "85,0% đơn vị có phòng họp trực tuyến"
        return f"{fmt.number(row['value'], int(row['decimals']))}% đơn vị {lower_first(row['name_vi'])}"
    if row["type"] == "rate" and is_percent(row["unit"]):
        return f"{lower_first(row['name_vi'])} đạt {value}"
    return f"{lower_first(row['name_vi'])} là {value}"


def change_phrase(row: Mapping, *, note: bool = True) -> str:
    """How it moved against the same period last year (row["change"], row["change_pct"] of reform.summary,
    like for like): percent for counts, points for percentages, the amount where a percent would mislead;
    with note, "(trên 34/42 đơn vị báo cáo cả hai kỳ)" when not every unit is compared."""
    if fmt.missing(row["change"]):
        return "chưa có số liệu cùng kỳ để so sánh"
    words = change_words(row)
    if words.startswith("không đổi"):
        text = "bằng cùng kỳ"
    elif fmt.missing(row["change_pct"]) and not is_percent(row["unit"]):
        zero = row["type"] not in PERCENT_TYPES and float(compared_previous(row)) == 0
        text = words.removesuffix(" (cùng kỳ bằng 0)") + " so với cùng kỳ" + (" (cùng kỳ không có)" if zero else "")
    elif is_percent(row["unit"]):
        text = f"{words} so với cùng kỳ"
    else:  # counts: the relative change ("giảm 2,4% so với cùng kỳ")
        verb = words.split(" ", 1)[0]
        text = f"{verb} {fmt.number(abs(float(row['change_pct'])), 1)}% so với cùng kỳ"
    extra = compared_note(row) if note else ""
    return f"{text} ({extra})" if extra else text


def clause(row: Mapping, *, note: bool = True) -> str:
    """One figure as a clause: "kiểm tra 45 tổ chức đảng, tăng 12,5% so với cùng kỳ"."""
    if fmt.missing(row["value"]):
        return f"chưa có số liệu {lower_first(row['short_vi'])}"
    return f"{value_phrase(row)}, {change_phrase(row, note=note)}"


def shared_note(rows: list[Mapping]) -> str:
    """The like-for-like note of a sentence, said once: "trên 34/42 đơn vị báo cáo cả hai kỳ", or
    "trên 33–34/42 ..." when the figures were compared on different numbers of units; "" when some
    figure was compared on every unit (then each clause carries its own note)."""
    compared = [r for r in rows if not fmt.missing(r["value"]) and not fmt.missing(r["change"])]
    notes = [compared_note(r) for r in compared]
    if not notes or not all(notes):
        return ""
    counts = sorted({int(r["units_compared"]) for r in compared})
    expected = {int(r["units_expected"]) for r in compared}
    if len(counts) == 1 or len(expected) > 1:
        return notes[0] if len(set(notes)) == 1 else ""
    return f"trên {counts[0]}–{counts[-1]}/{expected.pop()} đơn vị báo cáo cả hai kỳ"


def reporting_clause(reported: int, expected: int) -> str:
    """ "còn 3 đơn vị chưa báo cáo" or "tất cả 42 đơn vị đã báo cáo"."""
    missing = max(expected - reported, 0)
    if expected and not missing:
        return f"tất cả {expected} đơn vị đã báo cáo"
    return f"còn {missing} đơn vị chưa báo cáo"


def subject(scope_name: str, *, is_root: bool) -> str:
    """Who did it: "toàn Đảng bộ" for the whole province, otherwise the unit's name."""
    return ROOT_SUBJECT if is_root else scope_name


def opening(
    period_label: str, who: str, rows: Iterable[Mapping], reported: int | None = None, expected: int | None = None
) -> str:
    """The first sentence of a slide: the period, who, each figure, and how many units have reported."""
    rows = list(rows)
    once = shared_note(rows)  # the same "trên 34/42 đơn vị ..." for every figure: said once, at the end
    parts = [clause(r, note=not once) for r in rows]
    if parts and not fmt.missing(rows[0]["value"]) and not str(rows[0].get("phrase_vi") or ""):
        parts[0] = f"có {parts[0]}"  # "toàn Đảng bộ có tỷ lệ văn bản đi gửi qua mạng đạt 92,4%"
    if once:
        parts.append(f"so sánh cùng kỳ tính {once}")
    if reported is not None and expected is not None:
        parts.append(reporting_clause(reported, expected))
    return f"{period_label}, {who} " + "; ".join(parts) + "."


def verdict(rows: Iterable[Mapping]) -> str:
    """Which figures moved the right way and which need attention; neutral ones are never judged."""
    by_tone: dict[str, list[str]] = {"good": [], "bad": []}
    for r in rows:
        if r["tone"] in by_tone and r["good"] != "neutral":
            moved = change_phrase(r, note=False).removesuffix(" so với cùng kỳ")
            by_tone[r["tone"]].append(f"{lower_first(r['short_vi'])} ({moved})")
    parts = [f"{JUDGED[t].capitalize()}: {', '.join(names)}." for t, names in by_tone.items() if names]
    return " ".join(parts)


def headline(rows: Iterable[Mapping], subject: str = "") -> str:
    """A slide's one message: "3 chỉ tiêu chính chuyển biến tích cực, 1 chỉ tiêu cần quan tâm so với cùng kỳ"."""
    rows = list(rows)
    good = sum(1 for r in rows if r["tone"] == "good" and r["good"] != "neutral")
    bad = sum(1 for r in rows if r["tone"] == "bad" and r["good"] != "neutral")
    if not any(not fmt.missing(r["value"]) for r in rows):
        text = "chưa có số liệu kỳ này"
    elif good + bad == 0:
        text = "các chỉ tiêu chính chưa có thay đổi để đánh giá so với cùng kỳ"
    else:
        parts = [f"{good} chỉ tiêu chính {JUDGED['good']}"] if good else []
        parts += [f"{bad} chỉ tiêu {JUDGED['bad']}"] if bad else []
        text = ", ".join(parts) + " so với cùng kỳ"
    return f"{subject}: {text}" if subject else text[:1].upper() + text[1:]


def bullets(sentences: Iterable[str]) -> list[str]:
    """Sentences cut at their semicolons, one figure a line, for a screen read from the back of a room."""
    out = []
    for sentence in sentences:
        parts = [p.strip() for p in sentence.split("; ") if p.strip()]
        out += [p + ";" for p in parts[:-1]] + parts[-1:]
    return out


def names_list(names: list[str], limit: int = 6) -> str:
    """ "A, B, C và 4 đơn vị khác"."""
    if len(names) <= limit:
        return ", ".join(names)
    return ", ".join(names[:limit]) + f" và {len(names) - limit} đơn vị khác"
