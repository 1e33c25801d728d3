"""Property: a deck built from any figures never says what its numbers contradict.

Random figures for a small province (units that report or not in either year, counts, rates of any
size, every indicator rising or falling together or not) are stored, the default deck is built, and
every sentence and headline is read back against the numbers it states: the direction word matches
the sign of the change as shown, each stated figure is the one rounding of the figure (the same as
the chart's label), and each count in a headline counts what the slide shows.
"""

from __future__ import annotations

import itertools
import re
from datetime import date

import duckdb
import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reform import briefing, db, fmt, narrative, periods, slides, sql, store
from reform import catalog as catalogue
from reform import summary as core
from reform.config import DEFAULT_DATA_DIR
from reform.deck import Deck, Slide
from reform.slides import TONE_COLORS

UNITS = ["TU", "X1", "X2", "X3", "X4", "X5", "X6"]
NUMBER = r"-?[\d.]+(?:,\d+)?"
_years = itertools.count(2040, 4)  # each example its own years, four apart: no trend reaches an earlier one


@pytest.fixture(scope="module")
def con(tmp_path_factory: pytest.TempPathFactory) -> duckdb.DuckDBPyConnection:
    c = db.connect(tmp_path_factory.mktemp("deck") / "deck.duckdb")
    catalogue.sync(c, DEFAULT_DATA_DIR)
    units = pd.DataFrame(
        [("TU", "Tỉnh ủy", "tinh_uy", None, date(2020, 1, 1), None)]
        + [(u, f"Đảng bộ xã {u}", "dang_bo_xa", "TU", date(2020, 1, 1), None) for u in UNITS[1:]],
        columns=store.UNIT_COLUMNS,
    )
    store.replace_units(c, units, pd.DataFrame(columns=store.LINEAGE_COLUMNS))
    yield c
    c.close()


def figures_of(seed: int, missing: float, trend: str, year: int, cat: pd.DataFrame) -> pd.DataFrame:
    """Values of every base indicator for Q3 of year - 1 and year; numerators within their denominators."""
    rng = np.random.default_rng(seed)
    base = cat[cat["type"] != "rate"]
    parts = cat[cat["type"] == "rate"]
    limits = dict(zip(parts["numerator"], parts["denominator"], strict=True))
    rows = []
    for unit in UNITS:
        prev: dict[str, float] = {}
        for y in (year - 1, year):
            if rng.random() < missing:  # the unit has not reported this year
                prev = {}
                continue
            now: dict[str, float] = {}
            for code, kind in zip(base["code"], base["type"], strict=True):
                if code in limits:
                    continue
                now[code] = _draw(rng, kind, prev.get(code), trend)
            for num, den in limits.items():
                if num == "gio_hop":  # hours of meetings: not a part of its denominator
                    now[num] = float(rng.integers(0, 4 * int(now[den]) + 1))
                else:
                    now[num] = min(now[den], _draw(rng, "flow", prev.get(num), trend))
            quarter = periods.parse(f"{y}-Q3").start
            rows += [(unit, quarter, k, v) for k, v in now.items() if rng.random() > missing / 4]
            prev = now
    return pd.DataFrame(rows, columns=store.VALUE_COLUMNS)


def _draw(rng: np.random.Generator, kind: str, before: float | None, trend: str) -> float:
    if kind == "flag":
        return float(rng.integers(0, 2))
    if before is None or trend == "mixed":
        return float(rng.integers(0, 2001))
    step = float(rng.integers(0, 50))
    return before + step if trend == "up" else max(before - step, 0.0)


def said(text: str) -> float:
    """A number as a sentence writes it ("1.234,5") back to a float."""
    return float(text.replace(".", "").replace(",", "."))


def check_clauses(slide: Slide, figures: pd.DataFrame) -> None:
    """Each figure's clause: the direction and the size of its change as rounded once."""
    text = " ".join(slide.sentences)
    for r in figures.to_dict(orient="records"):
        if fmt.missing(r["value"]) or fmt.missing(r["change"]):
            continue
        points = core.is_percent(r["unit"])
        step = fmt.rounded(r["change"], max(int(r["decimals"]), 1) if points else int(r["decimals"]))
        anchor = re.escape(narrative.value_phrase(r)) + r", (tăng|giảm|bằng cùng kỳ) ?(" + NUMBER + r")?(%| điểm %)?"
        for m in re.finditer(anchor, text):
            if m.group(1) == "bằng cùng kỳ":
                assert step == 0, (m.group(0), r["change"])
                continue
            assert step != 0 and (step > 0) == (m.group(1) == "tăng"), (m.group(0), r["change"])
            if m.group(3) == "%":  # a count's relative change
                assert said(m.group(2)) == fmt.rounded(abs(r["change_pct"]), 1), (m.group(0), r["change_pct"])
            else:
                assert said(m.group(2)) == abs(step), (m.group(0), r["change"])


def check_overview(slide: Slide, figures: pd.DataFrame) -> None:
    colors = slide.chart.series[0].point_colors if slide.chart.series else []
    good = sum(c == TONE_COLORS["good"] for c in colors)
    bad = sum(c == TONE_COLORS["bad"] for c in colors)
    found_good = re.search(r"(\d+) chỉ tiêu chính chuyển biến tích cực", slide.headline)
    found_bad = re.search(r"(\d+) chỉ tiêu cần quan tâm", slide.headline)
    assert (int(found_good.group(1)) if found_good else 0) == good, slide.headline
    assert (int(found_bad.group(1)) if found_bad else 0) == bad, slide.headline
    by_name = figures.set_index("short_vi")
    for name, v in zip(slide.chart.categories, slide.chart.series[0].values if slide.chart.series else [], strict=True):
        assert v == fmt.rounded(by_name.loc[name, "change_pct"], 1)


def check_yoy(slide: Slide) -> None:
    changes = {row[0]: row[3] for row in slide.table.rows}
    known = [c for c in changes.values() if not fmt.missing(c)]
    m = re.fullmatch(r"(\d+)/(\d+) đơn vị tăng, (\d+) đơn vị giảm so với cùng kỳ", slide.headline)
    if m:
        assert [int(x) for x in m.groups()] == [sum(c > 0 for c in known), len(known), sum(c < 0 for c in known)]
    else:
        assert not known, slide.headline
    for word, name, number in re.findall(
        r"(\w+ \w+ nhất): ([^(;]+) \((\+?" + NUMBER + r") ", " ".join(slide.sentences)
    ):
        stated = said(number.lstrip("+"))
        assert stated == changes[name.strip()], (word, name, number)
        wanted = {"tăng nhiều nhất": max(known), "giảm nhiều nhất": min(known)}
        assert (stated > 0) == word.lower().startswith("tăng"), (word, stated)
        if word.lower() in wanted:
            assert stated == wanted[word.lower()]


def check_trend(slide: Slide) -> None:
    d = slide.chart.decimals
    rising = 0
    for s in slide.chart.series:
        known = [v for v in s.values if v is not None]
        rising += len(known) > 0 and known[-1] > known[0]
        sentence = next((x for x in slide.sentences if x.startswith(f"{s.name}: từ ")), None)
        if len(known) < 2:
            assert sentence is None
            continue
        m = re.search(rf"từ ({NUMBER})% .* đến ({NUMBER})% \([^)]*\)(?:, (tăng|giảm) ({NUMBER}) điểm %)?", sentence)
        assert said(m.group(1)) == known[0] and said(m.group(2)) == known[-1], sentence
        step = fmt.rounded(known[-1] - known[0], d)
        if step == 0:
            assert m.group(3) is None, sentence
        else:
            assert m.group(3) == ("tăng" if step > 0 else "giảm") and said(m.group(4)) == abs(step), sentence
    if slide.chart.categories:
        assert slide.headline.startswith(f"{rising}/{len(slide.chart.series)} tỷ lệ chính tăng")


def check_ranking(slide: Slide) -> None:
    values = {row[1]: row[2] for row in slide.table.rows} if slide.table else {}
    for name, number in re.findall(r"([^:,(]+) \((" + NUMBER + r")%\)", " ".join(slide.sentences)):
        assert said(number) == values[name.strip()], (name, number)


def check_labels(deck: Deck) -> None:
    """A chart value is already rounded to the decimals its label shows: one rounding everywhere."""
    for slide in deck.slides:
        for s in slide.chart.series if slide.chart else []:
            for v in s.values:
                assert v is None or v == fmt.rounded(v, slide.chart.decimals), (slide.title, s.name, v)


@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    seed=st.integers(0, 2**32 - 1),
    missing=st.sampled_from([0.0, 0.2, 0.5]),
    trend=st.sampled_from(["mixed", "up", "down"]),
)
def test_every_sentence_of_a_random_deck_agrees_with_its_numbers(con, seed: int, missing: float, trend: str) -> None:
    year = next(_years)
    cat = sql.run(con, "catalog")
    values = figures_of(seed, missing, trend, year, cat)
    if not values.empty:
        store.write_values(con, values, file_name=f"{year}.csv", digest=str(year), layout="long", user="test")
    period = f"{year}-Q3"
    deck = briefing.build(con, briefing.default_spec(con, "TU", period))
    figures = core.summary(con, "TU", periods.parse(period))
    check_labels(deck)
    for slide in deck.slides:
        if slide.key in ("overview", "group", "yoy"):
            check_clauses(slide, figures)
        {
            "overview": lambda s: check_overview(s, figures),
            "yoy": check_yoy,
            "trend": check_trend,
            "ranking": check_ranking,
        }.get(slide.key, lambda s: None)(slide)


def test_when_every_unit_rose_no_unit_is_said_to_have_fallen_most() -> None:
    """The demo's Quý III/2026 case: 33 units up, none down; the smallest rise is said as such."""
    ranked = pd.DataFrame(
        {"unit_code": ["A", "B", "C"], "name": ["Xã A", "Xã B", "Xã Tân Lộc"], "change": [21.4, 3.0, 0.6]}
    )
    ind = pd.Series({"unit": "%", "decimals": 1})
    assert slides._extremes(ranked, ind) == [
        "Tăng nhiều nhất: Xã A (+21,4 điểm %); tăng ít nhất: Xã Tân Lộc (+0,6 điểm %)."
    ]
    fell = ranked.assign(change=[-0.4, -3.0, -0.6])
    assert slides._extremes(fell, ind) == ["Giảm nhiều nhất: Xã B (-3,0 điểm %); giảm ít nhất: Xã A (-0,4 điểm %)."]
    assert slides._extremes(ranked.assign(change=0.0), ind) == ["Không đơn vị nào thay đổi so với cùng kỳ."]
