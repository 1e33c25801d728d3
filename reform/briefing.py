"""Build a briefing deck from the database: the presenter's choice of slides (a DeckSpec) → a Deck.

Every figure comes from the same core functions as the analysis pages (reform.summary and the
queries/ files), every sentence from reform.narrative, so a slide never disagrees with the page
it summarises or with `python -m reform summary`.
"""

from __future__ import annotations

import copy
import json
from dataclasses import asdict, dataclass, field
from datetime import datetime

import duckdb
import pandas as pd

from reform import locks, periods, slides, sql
from reform.deck import Deck, Footer

# slide kind -> (Vietnamese name for the deck editor, what its parameter is)
KINDS: dict[str, tuple[str, str | None]] = {
    "overview": ("Tổng quan", None),
    "group": ("Một nhóm chỉ tiêu", "group"),
    "trend": ("Diễn biến các tỷ lệ chính", None),
    "yoy": ("So sánh cùng kỳ giữa các đơn vị", "indicator"),
    "ranking": ("Xếp hạng các đơn vị", "indicator"),
    "completeness": ("Tình hình báo cáo", None),
    "watch": ("Đơn vị cần quan tâm", None),
    "index": ("Chỉ số CCHC", None),
}
DEFAULT_YOY = "tl_vb_di_dientu"
DEFAULT_RANKING = "tl_dv_csdl"


@dataclass
class SlideSpec:
    """One slide as the presenter chose it: its kind, parameter, speaker notes and edited text."""

    key: str
    param: str = ""
    notes: str = ""
    text: str | None = None  # the commentary as edited by the presenter; None: generated


@dataclass
class DeckSpec:
    """What a saved deck remembers: scope, period, the slides in order and the basis of its figures."""

    name: str
    scope: str
    period: str
    slides: list[SlideSpec] = field(default_factory=list)
    official: bool = False  # số liệu chính thức (approved and locked values only) or tất cả số liệu

    def slides_json(self) -> str:
        """The deck table's spec column: the slides, and the basis when official (a deck saved before
        approval existed holds a bare list of slides and shows all figures)."""
        slides = [asdict(s) for s in self.slides]
        return json.dumps({"official": True, "slides": slides} if self.official else slides, ensure_ascii=False)

    @staticmethod
    def slides_from_json(text: str) -> tuple[list[SlideSpec], bool]:
        """The inverse of slides_json: the slides and whether the figures are official."""
        data = json.loads(text)
        official = isinstance(data, dict) and bool(data.get("official"))
        slides = data["slides"] if isinstance(data, dict) else data
        return [SlideSpec(**s) for s in slides], official


def default_spec(
    con: duckdb.DuckDBPyConnection, scope: str, period: str, name: str = "", *, official: bool = False
) -> DeckSpec:
    """The sensible deck of a quarter: overview, one slide per group, trend, year-on-year, ranking,
    completeness and the units to watch (10 slides with the four groups)."""
    groups = sql.run(con, "catalog")["group_code"].drop_duplicates().tolist()
    chosen = [
        SlideSpec("overview"),
        *[SlideSpec("group", g) for g in groups],
        SlideSpec("trend"),
        SlideSpec("yoy", DEFAULT_YOY),
        SlideSpec("ranking", DEFAULT_RANKING),
        SlideSpec("completeness"),
        SlideSpec("watch"),
    ]
    return DeckSpec(name or f"Giao ban {periods.parse(period).label}", scope, period, chosen, official)


def build(con: duckdb.DuckDBPyConnection, spec: DeckSpec) -> Deck:
    """Every slide of the spec with its figures, chart and sentences, the presenter's notes and edits."""
    return with_edits(build_figures(con, spec), spec)


def build_figures(con: duckdb.DuckDBPyConnection, spec: DeckSpec) -> Deck:
    """The slides of the spec as the figures make them: generated sentences, no notes, and the footer."""
    facts = slides.Facts.load(con, spec.scope, periods.parse(spec.period), official=spec.official)
    built = [slides.BUILDERS[s.key](facts, s.param or _default_param(facts, s.key)) for s in _known(spec)]
    version = sql.run(con, "data_version").iloc[0]
    changed = None if pd.isna(version["last_changed"]) else pd.Timestamp(version["last_changed"]).to_pydatetime()
    footer = Footer(
        scope_name=facts.scope_name,
        period_label=facts.period.label,
        units_reported=facts.reported,
        units_expected=facts.expected,
        data_changed=changed,
        demo=facts.demo,
        official=spec.official,
    )
    return Deck(
        name=spec.name,
        scope=spec.scope,
        period=spec.period,
        slides=built,
        footer=footer,
        last_upload_id=int(version["last_upload_id"]),
    )


def _known(spec: DeckSpec) -> list[SlideSpec]:
    return [s for s in spec.slides if s.key in KINDS]


def with_edits(deck: Deck, spec: DeckSpec) -> Deck:
    """A copy of the deck with the spec's name, speaker notes and edited commentary, slide by slide."""
    out = copy.deepcopy(deck)
    out.name = spec.name
    for slide, s in zip(out.slides, _known(spec), strict=False):
        slide.notes = s.notes
        if s.text is not None and s.text.strip():
            slide.sentences, slide.edited = [s.text.strip()], True
    return out


def _default_param(facts: slides.Facts, key: str) -> str:
    return {"group": facts.figures["group_code"].iloc[0], "yoy": DEFAULT_YOY, "ranking": DEFAULT_RANKING}.get(key, "")


def figures_of(deck: Deck) -> dict[tuple[int, str, str, str], float | None]:
    """Every number a deck shows, keyed (slide index, slide title, series, category), for comparisons."""
    out = {}
    for i, s in enumerate(deck.slides):
        if s.chart is None:
            continue
        for series in s.chart.series:
            for cat, v in zip(s.chart.categories, series.values, strict=True):
                out[(i, s.title, series.name, cat)] = v
    return out


DIFF_COLUMNS = ["slide", "title", "series", "category", "frozen", "now"]


def differences(frozen: Deck, live: Deck) -> pd.DataFrame:
    """What changed between the figures of a frozen deck and the live ones: numbers and generated sentences."""
    a, b = figures_of(frozen), figures_of(live)
    rows = []
    for key in sorted(set(a) | set(b), key=lambda k: (k[0], k[2], k[3])):
        old, new = a.get(key), b.get(key)
        if not _same(old, new):
            rows.append((key[0] + 1, key[1], key[2], key[3], old, new))
    sentences = [
        (i + 1, s.title, "Nhận định", "", f.commentary, s.commentary)
        for i, (f, s) in enumerate(zip(frozen.slides, live.slides, strict=False))
        if f.commentary != s.commentary
    ]
    return pd.DataFrame(rows + sentences, columns=DIFF_COLUMNS)


def _same(a: object, b: object) -> bool:
    if a is None or b is None:
        return a is None and b is None
    if isinstance(a, float | int) and isinstance(b, float | int):
        return abs(float(a) - float(b)) < 1e-9
    return a == b


def slide_figures(deck: Deck) -> list[dict]:
    """Each slide's headline, sentences and chart figures, JSON-ready (what `brief --json` prints)."""
    return [
        {
            "slide": i + 1,
            "key": s.key,
            "title": s.title,
            "headline": s.headline,
            "sentences": s.sentences,
            "chart": None
            if s.chart is None
            else {
                "categories": s.chart.categories,
                "unit": s.chart.unit,
                "series": [{"name": x.name, "values": x.values} for x in s.chart.series],
            },
        }
        for i, s in enumerate(deck.slides)
    ]


class DeckError(ValueError):
    """A deck that cannot be found or changed as asked; message in Vietnamese."""


@dataclass
class Saved:
    """A saved deck: the presenter's choice of slides and, when frozen, the figures it is pinned to."""

    spec: DeckSpec
    frozen_at: datetime | None = None
    frozen_upload_id: int | None = None
    snapshot: Deck | None = None

    @property
    def frozen(self) -> bool:
        return self.snapshot is not None


def save(con: duckdb.DuckDBPyConnection, spec: DeckSpec) -> None:
    """Save the slides of a deck under its name; a frozen deck may change notes and text, not its figures."""
    if not spec.name.strip():
        raise DeckError("Hãy đặt tên cho bài trình chiếu.")
    old = load(con, spec.name)
    if (
        old is not None
        and old.frozen
        and (old.spec.scope, old.spec.period, [s.key for s in old.spec.slides], [s.param for s in old.spec.slides])
        != (spec.scope, spec.period, [s.key for s in spec.slides], [s.param for s in spec.slides])
    ):
        raise DeckError(f"Bài “{spec.name}” đang chốt số liệu: bỏ chốt trước khi đổi phạm vi, kỳ hoặc các trang.")
    with locks.writer(con):
        _save(con, spec)


def _save(con: duckdb.DuckDBPyConnection, spec: DeckSpec) -> None:
    sql.execute(
        con,
        "deck_save",
        deck=spec.name.strip(),
        scope=spec.scope,
        period=spec.period,
        spec=spec.slides_json(),
        updated_at=datetime.now(),
    )


def load(con: duckdb.DuckDBPyConnection, name: str) -> Saved | None:
    """A saved deck by name, or None."""
    df = sql.run(con, "deck_get", deck=name)
    if df.empty:
        return None
    r = df.iloc[0]
    chosen, official = DeckSpec.slides_from_json(str(r["spec"]))
    spec = DeckSpec(str(r["name"]), str(r["scope"]), str(r["period"]), chosen, official)
    if r["snapshot"] is None or pd.isna(r["snapshot"]):
        return Saved(spec)
    return Saved(
        spec,
        pd.Timestamp(r["frozen_at"]).to_pydatetime(),
        int(r["frozen_upload_id"]),
        Deck.from_dict(json.loads(str(r["snapshot"]))),
    )


def names(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Saved decks: name, scope, period, updated_at, frozen_at, frozen_upload_id."""
    return sql.run(con, "deck_list")


def delete(con: duckdb.DuckDBPyConnection, name: str) -> None:
    """Forget a saved deck."""
    with locks.writer(con):
        sql.execute(con, "deck_delete", deck=name)


def freeze(con: duckdb.DuckDBPyConnection, name: str, *, now: datetime | None = None) -> Deck:
    """Pin a saved deck to the figures as they stand now; later uploads no longer change what it shows.
    The snapshot holds the figures and generated sentences; notes and edits stay in the spec."""
    saved = _must(con, name)
    deck = build_figures(con, saved.spec)
    deck.footer.frozen_at = (now or datetime.now()).replace(microsecond=0)
    with locks.writer(con):
        sql.execute(
            con,
            "deck_freeze",
            deck=name,
            frozen_at=deck.footer.frozen_at,
            frozen_upload_id=deck.last_upload_id,
            snapshot=json.dumps(deck.to_dict(), ensure_ascii=False),
        )
    return with_edits(deck, saved.spec)


def unfreeze(con: duckdb.DuckDBPyConnection, name: str) -> pd.DataFrame:
    """Let a deck show live figures again; returns what differs between its frozen and the live figures."""
    saved = _must(con, name)
    changed = (
        differences(saved.snapshot, build_figures(con, saved.spec))
        if saved.frozen
        else pd.DataFrame(columns=DIFF_COLUMNS)
    )
    with locks.writer(con):
        sql.execute(con, "deck_freeze", deck=name, frozen_at=None, frozen_upload_id=None, snapshot=None)
    return changed


def _must(con: duckdb.DuckDBPyConnection, name: str) -> Saved:
    saved = load(con, name)
    if saved is None:
        raise DeckError(f"Không có bài trình chiếu “{name}”.")
    return saved


def current(con: duckdb.DuckDBPyConnection, saved: Saved) -> Deck:
    """What a saved deck shows: its frozen figures if frozen, else live ones, with today's notes and edits."""
    return with_edits(saved.snapshot if saved.frozen else build_figures(con, saved.spec), saved.spec)
