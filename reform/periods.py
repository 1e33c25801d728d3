"""Reporting periods: quarters and the cumulative periods counted from 1 January."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from functools import cached_property

from reform.textnorm import fold

ROMAN = {1: "I", 2: "II", 3: "III", 4: "IV"}
_FROM_ROMAN = {v: k for k, v in ROMAN.items()}
# cumulative kinds: code suffix -> (last quarter, Vietnamese label)
CUMULATIVE = {"H1": (2, "6 tháng"), "9M": (3, "9 tháng"), "FY": (4, "Năm")}


class PeriodError(ValueError):
    """A period text that cannot be read, with a Vietnamese message."""


@dataclass(frozen=True, order=True)
class Period:
    """Quarters first_q..last_q of one year; a single quarter when they are equal."""

    year: int
    last_q: int
    first_q: int = 0  # 0 means "same as last_q" (a single quarter)

    def __post_init__(self) -> None:
        if self.first_q == 0:
            object.__setattr__(self, "first_q", self.last_q)
        if not (1 <= self.first_q <= self.last_q <= 4) or not (1900 < self.year < 2200):
            raise PeriodError(f"Kỳ báo cáo không hợp lệ: năm {self.year}, quý {self.first_q}-{self.last_q}")

    @property
    def is_quarter(self) -> bool:
        return self.first_q == self.last_q

    @cached_property
    def start(self) -> date:
        """First day of the first quarter (how periods are stored)."""
        return date(self.year, 3 * self.first_q - 2, 1)

    @cached_property
    def end(self) -> date:
        """First day of the last quarter: the stored key of the period's last quarter."""
        return date(self.year, 3 * self.last_q - 2, 1)

    @property
    def code(self) -> str:
        """Canonical text: 2025-Q3, 2025-H1, 2025-9M, 2025-FY."""
        if self.is_quarter:
            return f"{self.year}-Q{self.last_q}"
        return f"{self.year}-{_kind(self.last_q)}"

    @property
    def label(self) -> str:
        """Vietnamese label: Quý III/2025, 6 tháng năm 2025, Năm 2025."""
        if self.is_quarter:
            return f"Quý {ROMAN[self.last_q]}/{self.year}"
        kind_label = CUMULATIVE[_kind(self.last_q)][1]
        return f"Năm {self.year}" if self.last_q == 4 else f"{kind_label} năm {self.year}"

    def shift_years(self, years: int) -> Period:
        """The same period `years` later (negative: earlier)."""
        return Period(self.year + years, self.last_q, self.first_q)

    def quarters(self) -> list[Period]:
        """The single quarters the period is made of."""
        return [quarter(self.year, q) for q in range(self.first_q, self.last_q + 1)]


def _kind(last_q: int) -> str:
    return {2: "H1", 3: "9M", 4: "FY"}[last_q]


def quarter(year: int, q: int) -> Period:
    """A single quarter."""
    return Period(year, q, q)


def cumulative(year: int, last_q: int) -> Period:
    """From 1 January to the end of quarter last_q."""
    return Period(year, last_q, 1)


def from_date(d: date) -> Period:
    """The quarter a date falls in."""
    return quarter(d.year, (d.month - 1) // 3 + 1)


def _fold(text: str) -> str:
    return fold(text)


_Q = r"(?P<q>[1-4]|iv|iii|ii|i)"
_Y = r"(?P<y>\d{4})"
_QUARTER_FORMS = [
    re.compile(rf"^{_Y}\s*-?\s*q{_Q}$"),  # 2025-Q3
    re.compile(rf"^(?:quy|q)\.?\s*{_Q}\s*(?:/|-|nam|\s)\s*(?:nam\s*)?{_Y}$"),  # Q3/2025, Quý III/2025, quý 3 năm 2025
]
_CUMULATIVE_FORMS = [
    (re.compile(rf"^{_Y}-(?P<k>h1|9m|fy)$"), None),
    (re.compile(rf"^6 thang(?: dau)?(?: nam)?[ /-]*{_Y}$"), 2),
    (re.compile(rf"^9 thang(?: dau)?(?: nam)?[ /-]*{_Y}$"), 3),
    (re.compile(rf"^(?:ca )?nam[ /-]*{_Y}$"), 4),
]


def parse(text: str) -> Period:
    """Read a period written as staff write it; raise PeriodError with a Vietnamese message."""
    folded = _fold(str(text))
    for form in _QUARTER_FORMS:
        m = form.match(folded)
        if m:
            q = m.group("q")
            return quarter(int(m.group("y")), int(q) if q.isdigit() else _FROM_ROMAN[q.upper()])
    for form, last_q in _CUMULATIVE_FORMS:
        m = form.match(folded)
        if m:
            if last_q is None:
                last_q = CUMULATIVE[m.group("k").upper()][0]
            return cumulative(int(m.group("y")), last_q)
    if re.match(r"^\d{1,2}\s*[/-]\s*\d{4}$", folded):
        raise PeriodError(
            f"“{text}” là tháng/năm, không phải quý. Hãy ghi kỳ báo cáo theo quý, ví dụ “Quý III/2025” hoặc “2025-Q3”."
        )
    raise PeriodError(
        f"Không đọc được kỳ báo cáo “{text}”. "
        "Cách ghi hợp lệ: “Quý III/2025”, “Q3/2025”, “2025-Q3”, “6 tháng năm 2025”."
    )


_IN_TEXT = [
    re.compile(r"quy\s*(?P<q>iv|iii|ii|i|[1-4])\s*(?:/|-|nam)\s*(?:nam\s*)?(?P<y>\d{4})"),
    re.compile(r"\b(?P<y>\d{4})\s*-\s*q(?P<q>[1-4])\b"),
    re.compile(r"\bq(?P<q>iv|iii|ii|i|[1-4])\s*/\s*(?P<y>\d{4})"),
]
_CUM_IN_TEXT = re.compile(r"\b(?P<m>6|9) thang(?: dau)?(?: nam)?\s*(?P<y>\d{4})")


def find_in_text(text: str) -> Period | None:
    """A period named inside a title such as "BÁO CÁO ... QUÝ III NĂM 2025", or None."""
    folded = fold(text)
    for form in _IN_TEXT:
        m = form.search(folded)
        if m:
            q = m.group("q")
            return quarter(int(m.group("y")), int(q) if q.isdigit() else _FROM_ROMAN[q.upper()])
    m = _CUM_IN_TEXT.search(folded)
    if m:
        return cumulative(int(m.group("y")), 2 if m.group("m") == "6" else 3)
    return None


def choices(quarters_with_data: list[date]) -> list[Period]:
    """Periods to offer: every quarter with data and the cumulative periods those quarters make
    (6 tháng, 9 tháng, năm), newest end first, a quarter before the cumulative period ending with it."""
    quarters = sorted({from_date(d) for d in quarters_with_data}, reverse=True)
    out: list[Period] = []
    for q in quarters:
        out.append(q)
        if q.last_q >= 2:
            out.append(cumulative(q.year, q.last_q))
    return out
