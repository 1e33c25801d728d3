"""A briefing deck on the demo province: its figures are the summary's, and a frozen deck holds still."""

from datetime import date, datetime

import duckdb
import pandas as pd
import pytest

from reform import briefing, fmt, periods, sql, store
from reform import summary as core
from reform.deck import Deck
from tests.unit.test_queries import Q, con  # noqa: F401  (the given-rows province of the query tests)

PERIOD = "2025-Q3"


@pytest.fixture
def root(demo_con: duckdb.DuckDBPyConnection) -> str:
    return str(sql.run(demo_con, "root_unit")["code"].iloc[0])


@pytest.fixture
def deck(demo_con, root) -> Deck:
    return briefing.build(demo_con, briefing.default_spec(demo_con, root, PERIOD))


def test_the_default_deck_has_ten_slides_one_per_group(deck) -> None:
    assert [s.key for s in deck.slides] == [
        "overview",
        "group",
        "group",
        "group",
        "group",
        "trend",
        "yoy",
        "ranking",
        "completeness",
        "watch",
    ]
    assert [s.param for s in deck.slides if s.key == "group"] == ["kiem_tra", "hoi_hop", "cntt", "the_che"]
    assert all(s.title and s.headline and s.sentences for s in deck.slides)
    assert deck.footer.text().startswith("Tỉnh ủy Lâm Giang · Quý III/2025 · ")
    assert "dữ liệu minh họa" in deck.footer.text()


def test_the_overview_chart_and_sentence_are_the_summary_figures(demo_con, root, deck) -> None:
    figures = core.summary(demo_con, root, periods.parse(PERIOD)).set_index("code")
    overview = deck.slides[0]
    for name, value in zip(overview.chart.categories, overview.chart.series[0].values, strict=True):
        code = figures.index[figures["short_vi"] == name][0]
        assert value == round(figures.loc[code, "change_pct"], 1)
    kt = figures.loc["kt_tcd"]
    assert f"kiểm tra {fmt.number(kt['value'])} tổ chức đảng" in overview.sentences[0]
    assert f"{fmt.number(abs(kt['change_pct']), 1)}% so với cùng kỳ" in overview.sentences[0]


def test_the_group_slide_lines_are_the_quarterly_figures(demo_con, root, deck) -> None:
    cntt = next(s for s in deck.slides if s.param == "cntt")
    trend = sql.run(demo_con, "trend", scope=root, start=date(2023, 10, 1), end=periods.parse(PERIOD).end)
    # each figure rounded once, half away from zero, to the catalogue's 1 decimal: the label the sentence quotes
    expected = [fmt.rounded(v, 1) for v in trend[trend["indicator_code"] == "tl_vb_di_dientu"]["value"]]
    series = next(x for x in cntt.chart.series if x.name == "Văn bản đi gửi qua mạng")
    assert series.values == expected and cntt.chart.categories[-1] == "Quý III/2025"
    assert len(cntt.chart.categories) == 8


def test_the_ranking_slide_is_the_rank_query(demo_con, root, deck) -> None:
    ranking = next(s for s in deck.slides if s.key == "ranking")
    ranked = core.rank(demo_con, root, "tl_dv_csdl", periods.parse(PERIOD)).dropna(subset=["rank"])
    assert ranking.chart.categories[0] == f"1. {ranked['name'].iloc[0]}"
    assert ranking.chart.series[0].values[0] == fmt.rounded(ranked["value"].iloc[0], 1)  # rounded once
    assert [r[1] for r in ranking.table.rows] == ranked.sort_values("rank")["name"].tolist()


def test_a_neutral_indicator_gets_no_ranking(demo_con, root) -> None:
    spec = briefing.DeckSpec("x", root, PERIOD, [briefing.SlideSpec("ranking", "kl_dv")])
    slide = briefing.build(demo_con, spec).slides[0]
    assert slide.chart is None and slide.headline == "Chỉ tiêu này không xếp hạng"


def test_edited_text_and_notes_replace_the_generated_ones(demo_con, root) -> None:
    spec = briefing.DeckSpec(
        "x",
        root,
        PERIOD,
        [briefing.SlideSpec("overview", notes="Nhấn mạnh kiểm tra.", text="Câu của người trình bày.")],
    )
    slide = briefing.build(demo_con, spec).slides[0]
    assert slide.sentences == ["Câu của người trình bày."] and slide.edited and slide.notes == "Nhấn mạnh kiểm tra."


def test_a_deck_survives_json(deck) -> None:
    again = Deck.from_dict(deck.to_dict())
    assert again.to_dict() == deck.to_dict()
    assert briefing.differences(deck, again).empty


def _upload_change(db: duckdb.DuckDBPyConnection, root: str) -> None:
    """A later upload during the meeting: every child's inspections of the period doubled."""
    kids = sql.run(db, "child_figures", scope=root, start=periods.parse(PERIOD).start, end=periods.parse(PERIOD).end)
    start = periods.parse(PERIOD).start
    stored = sql.run(db, "export_values", period_start=start, period_end=start, unit=None)
    stored = stored[stored["indicator_code"] == "kt_tcd"]
    stored = stored[stored["unit_code"].isin(set(kids["unit_code"]))]
    rows = pd.DataFrame(
        {
            "unit_code": stored["unit_code"],
            "period": periods.parse(PERIOD).start,
            "indicator_code": "kt_tcd",
            "value": stored["value"].astype(float) * 2 + 1,
        }
    )
    store.write_values(db, rows, file_name="later.csv", digest="later", layout="long", user="test")


def test_a_frozen_deck_holds_its_figures_against_a_later_upload(demo_con, root) -> None:
    spec = briefing.default_spec(demo_con, root, PERIOD, name="Giao ban quý III")
    briefing.save(demo_con, spec)
    frozen = briefing.freeze(demo_con, spec.name, now=datetime(2025, 10, 20, 8, 30))
    _upload_change(demo_con, root)
    saved = briefing.load(demo_con, spec.name)
    shown = briefing.current(demo_con, saved)
    assert briefing.figures_of(shown) == briefing.figures_of(frozen)
    assert "số liệu chốt lúc 08:30 20/10/2025" in shown.footer.text()
    live = briefing.build(demo_con, spec)
    assert briefing.figures_of(live) != briefing.figures_of(frozen)
    changed = briefing.unfreeze(demo_con, spec.name)
    assert "Tổ chức đảng được kiểm tra" in set(changed["category"])
    row = changed[changed["category"] == "Tổ chức đảng được kiểm tra"].iloc[0]
    assert row["frozen"] != row["now"]
    after = briefing.current(demo_con, briefing.load(demo_con, spec.name))
    assert briefing.figures_of(after) == briefing.figures_of(live)


def test_notes_may_change_while_frozen_but_not_the_slides(demo_con, root) -> None:
    spec = briefing.default_spec(demo_con, root, PERIOD, name="Bài A")
    briefing.save(demo_con, spec)
    briefing.freeze(demo_con, "Bài A")
    spec.slides[0].notes = "Ghi chú mới"
    briefing.save(demo_con, spec)
    assert briefing.current(demo_con, briefing.load(demo_con, "Bài A")).slides[0].notes == "Ghi chú mới"
    spec.slides = spec.slides[1:]
    with pytest.raises(briefing.DeckError, match="đang chốt số liệu"):
        briefing.save(demo_con, spec)
    assert len(briefing.load(demo_con, "Bài A").spec.slides) == 10


def test_saved_decks_are_listed_and_deleted(demo_con, root) -> None:
    briefing.save(demo_con, briefing.default_spec(demo_con, root, PERIOD, name="Một"))
    briefing.save(demo_con, briefing.default_spec(demo_con, root, "2025-9M", name="Hai"))
    assert set(briefing.names(demo_con)["name"]) == {"Một", "Hai"}
    assert briefing.load(demo_con, "Hai").spec.period == "2025-9M"
    briefing.delete(demo_con, "Một")
    assert list(briefing.names(demo_con)["name"]) == ["Hai"]
    with pytest.raises(briefing.DeckError):
        briefing.freeze(demo_con, "Một")
    with pytest.raises(briefing.DeckError):
        briefing.save(demo_con, briefing.DeckSpec("  ", root, PERIOD))


def test_child_figures_list_every_child_with_last_year_mapped(con) -> None:  # noqa: F811
    df = sql.run(con, "child_figures", scope="TU", start=Q["2025-Q3"], end=Q["2025-Q3"])
    assert set(df["unit_code"]) == {"C", "K"}
    kt = df[df["indicator_code"] == "kt_tcd"].set_index("unit_code")
    assert kt.loc["C", ["value", "previous"]].tolist() == [9, 8]  # A + B + D a year ago
    assert kt.loc["K", ["value", "previous"]].tolist() == [12, 10]


@pytest.fixture
def half_approved(demo_con, root) -> duckdb.DuckDBPyConnection:
    """The demo with five units below the province approved for 2025-Q3, the rest not."""
    from reform import approval, policy

    admin = policy.command_line("kiểm thử")
    tree = approval.status(demo_con, root, date(2025, 7, 1))
    for unit in tree[tree["depth"] == 1]["unit_code"].head(5):
        approval.act(demo_con, admin, "submit", unit, date(2025, 7, 1), with_below=True)
        approval.act(demo_con, admin, "approve", unit, date(2025, 7, 1), with_below=True)
    return demo_con


def test_an_official_deck_shows_approved_figures_only_and_says_so_in_every_footer(half_approved, root) -> None:
    c = half_approved
    official = briefing.build(c, briefing.default_spec(c, root, PERIOD, official=True))
    working = briefing.build(c, briefing.default_spec(c, root, PERIOD))
    figures = core.summary(c, root, periods.parse(PERIOD), official=True).set_index("code")
    overview = official.slides[0]
    kt = figures.loc["kt_tcd"]
    assert f"kiểm tra {fmt.number(kt['value'])} tổ chức đảng" in overview.commentary
    assert briefing.figures_of(official) != briefing.figures_of(working)
    assert "số liệu chính thức" in official.footer.text() and "đơn vị đã duyệt" in official.footer.text()
    assert "tất cả số liệu" in working.footer.text() and "đơn vị đã báo cáo" in working.footer.text()
    reported = int(figures["units_reported"].max())
    assert f"{official.footer.units_reported}/" in official.footer.text() and official.footer.units_reported <= reported


def test_a_saved_deck_keeps_its_basis_and_a_frozen_one_says_it(half_approved, root) -> None:
    c = half_approved
    spec = briefing.default_spec(c, root, PERIOD, name="Chính thức", official=True)
    briefing.save(c, spec)
    assert briefing.load(c, spec.name).spec.official
    frozen = briefing.freeze(c, spec.name, now=datetime(2025, 10, 20, 8, 30))
    shown = briefing.current(c, briefing.load(c, spec.name))
    assert shown.footer.official and "số liệu chính thức" in shown.footer.text()
    assert briefing.figures_of(shown) == briefing.figures_of(frozen)
    # a deck saved before approval existed holds a bare list of slides: it shows all figures
    old = briefing.DeckSpec("Cũ", root, PERIOD, spec.slides)
    assert old.slides_json().startswith("[")
    assert briefing.DeckSpec.slides_from_json(old.slides_json()) == (spec.slides, False)
    assert Deck.from_dict({**frozen.to_dict(), "footer": {**frozen.to_dict()["footer"]} | {"official": False}})


def test_an_overview_without_a_comparison_does_not_say_there_is_no_data(half_approved, root) -> None:
    # only five units approved and none a year earlier: figures exist, a comparison does not
    deck = briefing.build(half_approved, briefing.default_spec(half_approved, root, PERIOD, official=True))
    overview = deck.slides[0]
    assert overview.chart.is_empty
    assert "chưa có số liệu kỳ này" not in overview.headline
    assert "chưa có thay đổi để đánh giá so với cùng kỳ" in overview.headline
