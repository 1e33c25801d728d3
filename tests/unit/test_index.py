"""The composite reform index (Chỉ số CCHC): given rows → expected scores, the weights table's checks,
the scores recomputed from `summary`, the robustness draws, and the command-line contract."""

from __future__ import annotations

import json
from datetime import date

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from reform import catalog, cli, index, periods, sql, store, weights
from reform import summary as summary_core
from reform.config import DEFAULT_DATA_DIR

START, OLD_END, NEW_START = date(2020, 1, 1), date(2025, 6, 30), date(2025, 7, 1)
Q3_25, Q3_24 = periods.parse("2025-Q3"), periods.parse("2024-Q3")

# p1: two rates sharing 50 points; p2: one flag with 50 points
GIVEN_WEIGHTS = pd.DataFrame(
    [
        ("t1", date(2024, 1, 1), "p1", "Trụ cột 1", "tl_vb_di_dientu", 50.0, 100.0, 30.0),
        ("t1", date(2024, 1, 1), "p1", "Trụ cột 1", "tl_hop_tl_dientu", 0.0, 100.0, 20.0),
        ("t1", date(2024, 1, 1), "p2", "Trụ cột 2", "co_ttdt", 0.0, 100.0, 50.0),
    ],
    columns=weights.COLUMNS,
)


@pytest.fixture
def con(empty_con):
    """TU ← X1, X2, K throughout; A, B until 2025-Q2, merged into C from 2025-Q3."""
    units = pd.DataFrame(
        [
            ("TU", "Tỉnh ủy", "tinh_uy", None, START, None),
            ("X1", "Đảng bộ xã X1", "dang_bo_xa", "TU", START, None),
            ("X2", "Đảng bộ xã X2", "dang_bo_xa", "TU", START, None),
            ("A", "Đảng bộ xã A", "dang_bo_xa", "TU", START, OLD_END),
            ("B", "Đảng bộ xã B", "dang_bo_xa", "TU", START, OLD_END),
            ("C", "Đảng bộ xã C", "dang_bo_xa", "TU", NEW_START, None),
            ("K", "Đảng bộ Công an", "dang_bo_truc_thuoc", "TU", START, None),
        ],
        columns=store.UNIT_COLUMNS,
    )
    lineage = pd.DataFrame([("A", "C", 1.0, NEW_START), ("B", "C", 1.0, NEW_START)], columns=store.LINEAGE_COLUMNS)
    store.replace_units(empty_con, units, lineage)
    weights.load(empty_con, GIVEN_WEIGHTS)
    return empty_con


def write(con, rows: list[tuple[str, periods.Period, dict[str, float]]]) -> None:
    records = [(u, p.start, code, float(v)) for u, p, values in rows for code, v in values.items()]
    df = pd.DataFrame(records, columns=store.VALUE_COLUMNS)
    store.write_values(con, df, file_name="given", digest=str(len(records)), layout="long", user="test")


def at(vb: tuple[float, float], hop: tuple[float, float], flag: int) -> dict[str, float]:
    """Values giving tl_vb_di_dientu = vb[0]/vb[1] and tl_hop_tl_dientu = hop[0]/hop[1], and co_ttdt."""
    return {
        "vb_di_dientu": vb[0],
        "vb_di_tong": vb[1],
        "hop_tl_dientu": hop[0],
        "hop_tong": hop[1],
        "co_ttdt": flag,
    }


def units_of(con, period=Q3_25) -> pd.DataFrame:
    return index.compute(con, "TU", period, draws=50).units.set_index("unit_code")


def parts_of(con, unit: str, period=Q3_25) -> pd.DataFrame:
    parts = index.compute(con, "TU", period, draws=0).parts
    return parts[parts["unit_code"] == unit].set_index("part")


def test_a_unit_at_every_target_scores_100_and_at_every_floor_0(con) -> None:
    write(con, [("X1", Q3_25, at((100, 100), (10, 10), 1)), ("X2", Q3_25, at((50, 100), (0, 10), 0))])
    u = units_of(con)
    assert u.loc["X1", "score"] == pytest.approx(100) and u.loc["X1", "tier"] == "Hoàn thành xuất sắc"
    assert u.loc["X2", "score"] == pytest.approx(0) and u.loc["X2", "tier"] == "Không hoàn thành"
    assert (u.loc["X1", "rank"], u.loc["X2", "rank"]) == (1, 2)


def test_values_between_floor_and_target_score_in_proportion_and_beyond_are_clipped(con) -> None:
    write(con, [("X1", Q3_25, at((75, 100), (12, 10), 1))])  # halfway; an impossible 120 % is capped
    parts = parts_of(con, "X1")
    assert parts.loc["tl_vb_di_dientu", "part_score"] == pytest.approx(50)
    assert parts.loc["tl_hop_tl_dientu", "part_score"] == pytest.approx(100)
    assert units_of(con).loc["X1", "score"] == pytest.approx((30 * 50 + 20 * 100 + 50 * 100) / 100)


def test_a_rate_on_too_few_cases_is_not_applicable_and_its_points_stay_in_its_pillar(con) -> None:
    write(con, [("K", Q3_25, at((75, 100), (0, 4), 0))])  # 4 meetings: below the 5 cases a rate needs
    parts = parts_of(con, "K")
    assert not parts.loc["tl_hop_tl_dientu", "applicable"]
    assert parts.loc["tl_hop_tl_dientu", "eff_points"] == 0
    assert parts.loc["tl_vb_di_dientu", "eff_points"] == pytest.approx(50)  # 30 + the 20 of its pillar
    assert parts.loc["co_ttdt", "eff_points"] == pytest.approx(50)  # the other pillar keeps its own
    assert units_of(con).loc["K", "score"] == pytest.approx(50 * 50 / 100)


def test_flags_score_100_or_0(con) -> None:
    write(con, [("X1", Q3_25, {"co_ttdt": 1}), ("X2", Q3_25, {"co_ttdt": 0})])
    assert parts_of(con, "X1").loc["co_ttdt", "part_score"] == 100
    assert parts_of(con, "X2").loc["co_ttdt", "part_score"] == 0
    u = units_of(con)  # the rates have no value: the flag's pillar carries the whole score
    assert (u.loc["X1", "score"], u.loc["X2", "score"]) == (pytest.approx(100), pytest.approx(0))


def test_a_merged_unit_is_ranked_last_year_through_its_lineage(con) -> None:
    write(
        con,
        [
            ("A", Q3_24, at((100, 100), (10, 10), 1)),  # A and B, summed onto C, were the best last year
            ("B", Q3_24, at((100, 100), (10, 10), 1)),
            ("X1", Q3_24, at((60, 100), (5, 10), 1)),
            ("X2", Q3_24, at((50, 100), (0, 10), 0)),
            ("C", Q3_25, at((50, 100), (0, 10), 0)),  # ... and the worst now
            ("X1", Q3_25, at((100, 100), (10, 10), 1)),
            ("X2", Q3_25, at((80, 100), (5, 10), 1)),
        ],
    )
    u = units_of(con)
    assert u.loc["C", "previous_rank"] == 1 and u.loc["C", "previous_score"] == pytest.approx(100)
    assert u.loc["C", "rank"] == 3 and u.loc["C", "rank_change"] == -2
    assert u.loc["X1", "previous_rank"] == 2 and u.loc["X1", "rank"] == 1
    assert "A" not in u.index and "B" not in u.index  # not in force in 2025-Q3


def test_an_old_quarter_keeps_the_weights_version_it_was_scored_with(con) -> None:
    newer = GIVEN_WEIGHTS.assign(version="t2", valid_from=date(2025, 7, 1))
    newer.loc[newer["part"] == "co_ttdt", "points"] = 10.0
    newer.loc[newer["part"] == "tl_vb_di_dientu", "points"] = 70.0
    weights.load(con, pd.concat([GIVEN_WEIGHTS, newer]))
    write(con, [("X1", Q3_24, {"co_ttdt": 1}), ("X1", Q3_25, at((50, 100), (0, 10), 1))])
    now, then = index.compute(con, "TU", Q3_25, draws=0), index.compute(con, "TU", Q3_24, draws=0)
    assert (now.version, then.version) == ("t2", "t1")
    assert now.units.set_index("unit_code").loc["X1", "score"] == pytest.approx(10)
    assert set(then.weights["points"]) == {30.0, 20.0, 50.0}
    assert now.parts.set_index(["unit_code", "part"]).loc[("X1", "co_ttdt"), "previous_version"] == "t1"


# ------------------------------------------------------------------------------------------ the weights table
def test_the_default_weights_sum_to_100_over_rates_and_flags_of_every_group() -> None:
    df = weights.read(DEFAULT_DATA_DIR, catalog.read_indicators(DEFAULT_DATA_DIR))
    cat = catalog.read_indicators(DEFAULT_DATA_DIR).set_index("code")
    assert df.groupby("version")["points"].sum().eq(100).all()
    assert set(cat.loc[df["part"], "type"]) <= {"rate", "flag"}
    assert set(df["pillar"]) == set(catalog.read_groups(DEFAULT_DATA_DIR)["code"])


@pytest.mark.parametrize(
    "change, problem",
    [
        (lambda d: d.assign(points=d["points"].where(d.index > 0, 99)), "tổng điểm"),
        (lambda d: d.assign(part=d["part"].where(d.index > 0, "khong_co")), "không có trong danh mục"),
        (lambda d: d.assign(part=d["part"].where(d.index > 0, "kt_tcd")), "số đếm"),
        (lambda d: d.assign(part=d["part"].where(d.index > 0, "gio_moi_cuoc")), "mục tiêu phải tốt hơn"),
        (lambda d: d.assign(target=d["target"].where(d["part"] != "co_ttdt", 50)), "có/không"),
        (lambda d: d.drop(columns="target"), "thiếu cột target"),
    ],
)
def test_a_broken_weights_table_is_refused_with_the_reason(change, problem: str) -> None:
    df = pd.read_csv(DEFAULT_DATA_DIR / weights.FILE, dtype={"version": "str"})
    problems = weights.check(change(df), catalog.read_indicators(DEFAULT_DATA_DIR))
    assert any(problem in p for p in problems), problems


def test_a_neutral_indicator_is_refused(tmp_path) -> None:
    cat = catalog.read_indicators(DEFAULT_DATA_DIR)
    cat.loc[cat["code"] == "tl_vb_kyso", "good"] = "neutral"
    df = pd.read_csv(DEFAULT_DATA_DIR / weights.FILE, dtype={"version": "str"})
    assert any("trung tính" in p for p in weights.check(df, cat))


def test_a_broken_weights_file_is_refused_and_the_stored_weights_stay(empty_con, tmp_path) -> None:
    before = sql.run(empty_con, "index_weights", on=date(2026, 7, 1))
    for name in ("indicators.csv", "indicator_groups.csv", weights.FILE):
        (tmp_path / name).write_bytes((DEFAULT_DATA_DIR / name).read_bytes())
    text = (tmp_path / weights.FILE).read_text(encoding="utf-8").replace(",co_nq_cchc,0,100,10", ",co_nq_cchc,0,100,11")
    (tmp_path / weights.FILE).write_text(text, encoding="utf-8")
    with pytest.raises(weights.WeightsError, match="tổng điểm 101"):
        catalog.sync(empty_con, tmp_path)
    pd.testing.assert_frame_equal(sql.run(empty_con, "index_weights", on=date(2026, 7, 1)), before)


# ------------------------------------------------------------------------------------------ on the demo
@pytest.fixture(scope="module")
def demo_index(demo_db_master):
    from reform import db

    con = db.connect(demo_db_master, read_only=True)
    result = index.compute(con, "TU", Q3_25, draws=200)
    yield con, result
    con.close()


def independent_score(figures: pd.DataFrame, table: pd.DataFrame, cat: pd.DataFrame) -> float | None:
    """The index from a unit's `summary` figures, written again from the definition, without the SQL."""
    pillars = {}
    for w in table.itertuples():
        value = figures.at[w.part, "value"]
        den_code = cat.at[w.part, "denominator"]
        den = figures.at[den_code, "value"] if isinstance(den_code, str) else None
        ok = not pd.isna(value) and (cat.at[w.part, "type"] == "flag" or (den is not None and den >= 5))
        s = 100 * min(1, max(0, (value - w.floor) / (w.target - w.floor))) if ok else 0.0
        total, earned, used = pillars.get(w.pillar, (0.0, 0.0, 0.0))
        pillars[w.pillar] = (total + w.points, earned + (w.points * s if ok else 0), used + (w.points if ok else 0))
    live = [(t, e / u) for t, e, u in pillars.values() if u > 0]
    return sum(t * s for t, s in live) / sum(t for t, _ in live) if live else None


def test_scores_recomputed_from_summary_figures_agree(demo_index) -> None:
    con, result = demo_index
    table = pd.read_csv(DEFAULT_DATA_DIR / weights.FILE)
    cat = catalog.read_indicators(DEFAULT_DATA_DIR).set_index("code")
    checked = 0
    for u in result.units.itertuples():
        figures = summary_core.summary(con, u.unit_code, Q3_25).set_index("code")
        expected = independent_score(figures, table, cat)
        if expected is None:
            assert pd.isna(u.score)
            continue
        assert u.score == pytest.approx(expected, abs=1e-9), u.unit_code
        checked += 1
    assert checked >= 20


def test_the_numpy_aggregation_is_the_sql_score_linear_and_geometric(demo_index) -> None:
    _, result = demo_index
    m = index.matrices(result.parts)
    units = result.units.set_index("unit_code").loc[m.units]
    lin = index.aggregate(m.points[None, :], m.target, m)[0]
    geo = index.aggregate(m.points[None, :], m.target, m, geometric=True)[0]
    np.testing.assert_allclose(lin, units["score"].to_numpy(dtype=float), rtol=1e-9)
    np.testing.assert_allclose(geo, units["score_geo"].to_numpy(dtype=float), rtol=1e-9)
    ranked = index.ranks(lin[None, :], m.groups)[0]
    np.testing.assert_array_equal(np.nan_to_num(ranked), units["rank"].fillna(0).to_numpy(dtype=float))


def test_rank_intervals_hold_the_rank_and_are_the_same_for_the_same_seed(demo_index) -> None:
    con, result = demo_index
    u = result.units.dropna(subset=["score"])
    assert (u["rank_low"] <= u["median_rank"]).all() and (u["median_rank"] <= u["rank_high"]).all()
    assert (u["rank_high"] <= u["peers"]).all() and (u["rank_low"] >= 1).all()
    assert (u["rank_high"] > u["rank_low"]).any()  # the draws do move some ranks
    again = index.compute(con, "TU", Q3_25, draws=200).units
    pd.testing.assert_frame_equal(result.units, again)


def test_a_unit_is_borderline_when_its_tier_changes_in_more_than_a_fifth_of_draws(demo_index) -> None:
    _, result = demo_index
    u = result.units.dropna(subset=["score"])
    assert (u["borderline"] == (u["tier_change_share"] > 0.2)).all()
    far = u[(u["score"] - 70).abs().clip(upper=(u["score"] - 90).abs()).clip(upper=(u["score"] - 50).abs()) > 15]
    assert not far["borderline"].any()  # far from every band edge, weights ±25 % cannot move the tier


def test_what_if_with_the_table_weights_gives_the_table_scores(demo_index) -> None:
    _, result = demo_index
    same = index.what_if(result, dict(zip(result.weights["part"], result.weights["points"], strict=True)))
    merged = same.merge(result.units, on="unit_code", suffixes=("", "_sql"))
    np.testing.assert_allclose(merged["score"], merged["score_sql"], rtol=1e-9)
    only_flags = index.what_if(result, {"co_nq_cchc": 1.0})
    assert set(only_flags["score"].dropna()) <= {0.0, 100.0}


# ------------------------------------------------------------------------------------------ property
@settings(max_examples=200, deadline=None)
@given(
    values=st.lists(st.floats(0, 100), min_size=5, max_size=5),
    applicable=st.lists(st.booleans(), min_size=5, max_size=5),
    part=st.integers(0, 4),
    raise_by=st.floats(0, 100),
)
def test_raising_any_part_never_lowers_the_score(values, applicable, part, raise_by) -> None:
    floor, target = np.array([0, 50, 30, 0, 0.0]), np.array([100, 100, 90, 60, 100.0])
    m_of = lambda v: index.Matrices(  # noqa: E731
        units=np.array(["U"]),
        groups=np.array(["g"]),
        parts=np.array(list("abcde")),
        pillars=np.array([0, 0, 1, 1, 2]),
        points=np.array([30, 20, 20, 10, 20.0]),
        target=index.normalise(np.array([v]), floor, target) * np.array([applicable]),
        minmax=np.zeros((1, 5)),
        applicable=np.array([applicable], dtype=float),
    )
    raised = list(values)
    raised[part] += raise_by
    for geometric in (False, True):
        before = index.aggregate(m_of(values).points[None, :], m_of(values).target, m_of(values), geometric=geometric)
        after = index.aggregate(m_of(raised).points[None, :], m_of(raised).target, m_of(raised), geometric=geometric)
        assert np.isnan(before[0, 0]) == np.isnan(after[0, 0])
        if not np.isnan(before[0, 0]):
            assert after[0, 0] >= before[0, 0] - 1e-9


# ------------------------------------------------------------------------------------------ command line
def test_index_json_gives_each_child_unit_with_its_parts(demo_db, capsys) -> None:
    assert cli.main(["index", "--period", "2025-Q3", "--db", str(demo_db), "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["provisional"] is True and "tạm tính" in out["note"] and out["official"] is False
    unit = out["units"][0]
    for key in ("unit_code", "score", "tier", "rank", "rank_low", "rank_high", "previous_rank", "parts"):
        assert key in unit
    part = unit["parts"][0]
    assert set(part) >= {"code", "value", "score", "points", "applicable"}
    scored = [u for u in out["units"] if u["score"] is not None]
    for u in scored:
        assert sum(p["points"] for p in u["parts"]) == pytest.approx(100, abs=0.01)
    assert [u["score"] for u in scored] == sorted((u["score"] for u in scored), reverse=True)


def test_index_weights_prints_the_table_in_force_as_csv(demo_db, capsys) -> None:
    assert cli.main(["index", "--weights", "--db", str(demo_db)]) == 0
    printed = pd.read_csv(pd.io.common.StringIO(capsys.readouterr().out))
    assert list(printed.columns) == weights.COLUMNS and printed["points"].sum() == 100


def test_index_of_an_unknown_unit_or_without_a_period_is_refused(demo_db, capsys) -> None:
    assert cli.main(["index", "--period", "2025-Q3", "--unit", "KHONGCO", "--db", str(demo_db)]) == 2
    assert cli.main(["index", "--db", str(demo_db)]) == 2
    assert "--period" in capsys.readouterr().err


# ------------------------------------------------------------------------------------------ the briefing slide
def test_the_index_slide_says_how_many_reach_a_band_and_exports_like_the_others(demo_con) -> None:
    from pypdf import PdfReader

    from reform import briefing, export

    spec = briefing.DeckSpec("Chỉ số", "TU", "2026-Q3", [briefing.SlideSpec("index")])
    deck = briefing.build(demo_con, spec)
    slide = deck.slides[0]
    result = index.compute(demo_con, "TU", periods.parse("2026-Q3"))
    scored = result.units.dropna(subset=["score"])
    good = int((scored["score"] >= 70).sum())
    assert slide.headline == f"Quý III/2026 có {good}/{len(scored)} đơn vị đạt mức Hoàn thành tốt trở lên (tạm tính)"
    assert "chưa được phê duyệt" in slide.commentary
    assert slide.chart.categories[0] == scored["name"].iloc[0]
    assert slide.chart.series[0].values[0] == round(float(scored["score"].iloc[0]), 1)
    assert export.to_pptx(deck)[:2] == b"PK"
    text = "".join(page.extract_text() for page in PdfReader(pd.io.common.BytesIO(export.to_pdf(deck))).pages)
    assert "Chỉ số cải cách hành chính" in text
