"""A briefing deck: slides of one headline, one chart and a few sentences each, pinned to its figures.

The same Deck object is drawn on screen (reform.charts.slide_figure), written to PowerPoint and PDF
(reform.export) and printed by `python -m reform brief --json`, so the numbers never differ between them.
A deck is plain data: it serialises to JSON, which is how a frozen deck keeps its numbers.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field
from datetime import datetime

from reform import fmt

CHART_KINDS = {"column", "bar", "line"}  # vertical bars, horizontal bars, lines over categories


@dataclass
class Series:
    """One named row of values, one value per category (None where there is none)."""

    name: str
    values: list[float | None]
    color: str = "#1f5fa8"
    point_colors: list[str] | None = None  # per-category colours (bars coloured by tone), or None
    # per category, the figure a point shows as [scope, indicator, period code] ("Số liệu này từ đâu?"),
    # or None where the point is not one figure (a change, a count of reports)
    sources: list[list[str] | None] | None = None

    def source(self, i: int) -> tuple[str, str, str] | None:
        """The (scope, indicator, period code) of the i-th point, if it is one figure."""
        found = self.sources[i] if self.sources and i < len(self.sources) else None
        return tuple(found) if found else None  # type: ignore[return-value]


@dataclass
class Chart:
    """What a slide's chart shows, independent of who draws it."""

    kind: str
    title: str
    categories: list[str]
    series: list[Series]
    unit: str  # the axis title: the unit of measure ("%", "tổ chức", "điểm %")
    decimals: int = 0
    empty_message: str = ""  # said instead of a chart when there is nothing to draw

    @property
    def is_empty(self) -> bool:
        return not self.categories or all(fmt.missing(v) for s in self.series for v in s.values)

    def table(self) -> tuple[list[str], list[list[object]]]:
        """The figures behind the chart: (header, rows), one row per category."""
        header = [self.unit_label(), *[s.name for s in self.series]]
        rows = [[c, *[s.values[i] for s in self.series]] for i, c in enumerate(self.categories)]
        return header, rows

    def unit_label(self) -> str:
        return "Đơn vị / chỉ tiêu" if self.kind != "line" else "Kỳ"


@dataclass
class Table:
    """A small table shown beside or under the chart (units still missing, a ranking)."""

    columns: list[str]
    rows: list[list[object]]


@dataclass
class Slide:
    """One screen: a title, one headline message, a chart, generated sentences and speaker notes."""

    key: str  # the kind of slide: overview, group, trend, yoy, ranking, completeness, watch
    title: str
    headline: str
    sentences: list[str]
    chart: Chart | None = None
    table: Table | None = None
    notes: str = ""  # speaker notes written by the presenter
    param: str = ""  # group code or indicator code, for slides that take one
    edited: bool = False  # the sentences were edited by the presenter

    @property
    def commentary(self) -> str:
        return " ".join(self.sentences)


@dataclass
class Footer:
    """What every slide says at its foot: scope, period, reporting and the age of the data."""

    scope_name: str
    period_label: str
    units_reported: int
    units_expected: int
    data_changed: datetime | None
    frozen_at: datetime | None = None
    demo: bool = False
    official: bool = False  # the figures count approved and locked values only (số liệu chính thức)

    def text(self) -> str:
        """ "Tỉnh ủy Lâm Giang · Quý III/2025 · tất cả số liệu · 34/42 đơn vị đã báo cáo · số liệu cập nhật
        14:05 20/10/2025"; official: "số liệu chính thức · 30/42 đơn vị đã duyệt"."""
        done = "đã duyệt" if self.official else "đã báo cáo"
        basis = "số liệu chính thức" if self.official else "tất cả số liệu"
        parts = [
            self.scope_name,
            self.period_label,
            basis,
            f"{self.units_reported}/{self.units_expected} đơn vị {done}",
        ]
        if self.frozen_at is not None:
            parts.append(f"số liệu chốt lúc {self.frozen_at:%H:%M %d/%m/%Y}")
        elif self.data_changed is not None:
            parts.append(f"số liệu cập nhật {self.data_changed:%H:%M %d/%m/%Y}")
        if self.demo:
            parts.append("dữ liệu minh họa")
        return " · ".join(parts)


@dataclass
class Deck:
    """A built deck: every slide with its figures, for one scope and period."""

    name: str
    scope: str
    period: str  # period code: 2025-Q3, 2025-H1, ...
    slides: list[Slide]
    footer: Footer
    last_upload_id: int = 0  # the data version the figures come from
    built_at: datetime = field(default_factory=datetime.now)

    def to_dict(self) -> dict:
        """Plain JSON-ready data (datetimes as ISO text, NaN as None)."""
        return _clean(asdict(self))

    @classmethod
    def from_dict(cls, d: dict) -> Deck:
        """The inverse of to_dict."""
        slides = [_slide(s) for s in d["slides"]]
        f = dict(d["footer"])
        for k in ("data_changed", "frozen_at"):
            f[k] = _when(f.get(k))
        built = _when(d.get("built_at")) or datetime.now()
        return cls(
            name=d["name"],
            scope=d["scope"],
            period=d["period"],
            slides=slides,
            footer=Footer(**f),
            last_upload_id=int(d.get("last_upload_id") or 0),
            built_at=built,
        )


def _slide(d: dict) -> Slide:
    d = dict(d)
    if d.get("chart"):
        c = dict(d["chart"])
        c["series"] = [Series(**s) for s in c["series"]]
        d["chart"] = Chart(**c)
    if d.get("table"):
        d["table"] = Table(**d["table"])
    return Slide(**d)


def _when(x: object) -> datetime | None:
    return None if x in (None, "") else (x if isinstance(x, datetime) else datetime.fromisoformat(str(x)))


def _clean(x: object) -> object:
    if isinstance(x, dict):
        return {k: _clean(v) for k, v in x.items()}
    if isinstance(x, list | tuple):
        return [_clean(v) for v in x]
    if isinstance(x, datetime):
        return x.isoformat(timespec="seconds")
    if isinstance(x, float) and math.isnan(x):
        return None
    if hasattr(x, "item"):  # numpy scalars
        return _clean(x.item())
    return x
