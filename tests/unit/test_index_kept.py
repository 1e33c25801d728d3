"""The composite index kept per quarter (index_score): equal to scoring it on the spot, refreshed by every
write and by new weights, checked by invariants.check, and its official variant equal to an index
recomputed from approved values only."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from reform import cli, index, invariants, periods, sql, store, weights
from reform.config import DEFAULT_DATA_DIR
from tests.unit.test_official import approved, recomputed  # noqa: F401 (fixtures: part of the demo approved)


def same(a: index.IndexResult, b: index.IndexResult) -> None:
    """Two results of one scope and period hold the same units, ranks, intervals and parts."""
    pd.testing.assert_frame_equal(a.units, b.units, check_dtype=False, check_exact=False, rtol=1e-9)
    pd.testing.assert_frame_equal(a.parts, b.parts, check_dtype=False, check_exact=False, rtol=1e-9)
    assert a.provisional == b.provisional


def parents(con: duckdb.DuckDBPyConnection) -> list[str]:
    found = con.execute("select distinct parent_code from units where parent_code is not null order by 1")
    return [r[0] for r in found.fetchall()]


def kept_rows(con: duckdb.DuckDBPyConnection, unit: str, quarter: date) -> pd.DataFrame:
    return con.execute(
        "select * from index_score where not official and unit_code = $u and period = $p", {"u": unit, "p": quarter}
    ).df()


def test_the_kept_index_equals_the_index_scored_on_the_spot_for_every_scope_and_quarter(demo_con) -> None:
    quarters = sorted(set(demo_con.execute("select distinct period from index_score").df()["period"].dt.date))
    assert len(quarters) >= 8
    read = 0
    for scope in parents(demo_con):
        for q in quarters[::3] + [quarters[-1]]:
            p = periods.from_date(q)
            kept = index.compute(demo_con, scope, p)
            same(kept, index.compute(demo_con, scope, p, kept=False))
            read += not kept.units.empty
    assert read > 10


def test_a_write_scores_its_quarter_and_the_quarter_a_year_later_again(demo_con, checked_writes) -> None:
    q3, next_q3 = date(2025, 7, 1), date(2026, 7, 1)
    unit = index.compute(demo_con, "TU", periods.from_date(q3)).units.dropna(subset=["score"])["unit_code"].iloc[-1]
    before, before_next = kept_rows(demo_con, unit, q3), kept_rows(demo_con, unit, next_q3)
    lifted = pd.DataFrame(  # the unit's own documents: all of them sent electronically
        [(unit, q3, "vb_di_tong", 4000.0), (unit, q3, "vb_di_dientu", 4000.0)], columns=store.VALUE_COLUMNS
    )
    store.write_values(demo_con, lifted, file_name="t.csv", digest="lift", layout="long", user="test")
    after, after_next = kept_rows(demo_con, unit, q3), kept_rows(demo_con, unit, next_q3)
    assert after["score"].iloc[0] > before["score"].iloc[0]
    assert after_next["previous_score"].iloc[0] == pytest.approx(after["score"].iloc[0])
    assert after_next["previous_score"].iloc[0] != pytest.approx(before_next["previous_score"].iloc[0])
    # checked_writes ran invariants.check after the write: the kept index equals a rebuild


def test_the_invariants_find_a_kept_index_that_is_not_a_rebuild(demo_con) -> None:
    assert invariants.check(demo_con) == []
    unit = demo_con.execute("select min(unit_code) from index_score where score is not null").fetchone()[0]
    demo_con.execute("update index_score set score = score + 1 where unit_code = $u", {"u": unit})
    assert any(p.startswith("index_score: ") and "score differs" in p for p in invariants.check(demo_con))


def test_a_new_weights_version_scores_its_quarters_with_it_and_keeps_the_old_ones(demo_con) -> None:
    table = weights.read(DEFAULT_DATA_DIR, sql.run(demo_con, "catalog"))
    newer = table.assign(version="2026.1", valid_from=date(2026, 1, 1))
    newer.loc[newer["part"] == "co_nq_cchc", "points"] -= 5
    newer.loc[newer["part"] == "tl_vb_kyso", "points"] += 5
    weights.load(demo_con, pd.concat([table, newer], ignore_index=True))
    versions = demo_con.execute(
        "select distinct year(period) as y, version from index_score where score is not null order by y"
    ).fetchall()
    assert (2025, "2025.1") in versions and (2026, "2026.1") in versions and (2026, "2025.1") not in versions
    p = periods.parse("2026-Q3")
    kept = index.compute(demo_con, "TU", p)
    assert kept.version == "2026.1"
    same(kept, index.compute(demo_con, "TU", p, kept=False))
    assert invariants.check(demo_con) == []


# ------------------------------------------------------------------------------------------ official figures
@pytest.mark.parametrize("period", ["2025-Q3", "2024-Q3", "2025-9M"])
def test_the_official_index_equals_one_recomputed_from_approved_values_only(
    approved: Path,  # noqa: F811
    recomputed: Path,  # noqa: F811
    period: str,
) -> None:
    p = periods.parse(period)
    with duckdb.connect(str(approved), read_only=True) as a, duckdb.connect(str(recomputed), read_only=True) as r:
        for scope in ("TU", *parents(a)[:3]):
            official = index.compute(a, scope, p, official=True)
            expected = index.compute(r, scope, p)
            assert official.provisional is False and expected.provisional is True
            pd.testing.assert_frame_equal(official.units, expected.units, check_dtype=False, rtol=1e-9)
            pd.testing.assert_frame_equal(official.parts, expected.parts, check_dtype=False, rtol=1e-9)
        working = index.compute(a, "TU", p)
        official = index.compute(a, "TU", p, official=True)
        assert working.units["score"].notna().sum() > official.units["score"].notna().sum()  # not the working index


def test_index_official_on_the_command_line_counts_approved_values_only(approved: Path, capsys) -> None:  # noqa: F811
    assert cli.main(["index", "--period", "2025-Q3", "--db", str(approved), "--official", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["official"] is True and out["provisional"] is False and "đã duyệt" in out["note"]
    with duckdb.connect(str(approved), read_only=True) as con:
        expected = index.to_records(index.compute(con, "TU", periods.parse("2025-Q3"), official=True))
    assert out["units"] == json.loads(json.dumps(expected))
    assert cli.main(["index", "--period", "2025-Q3", "--db", str(approved), "--json"]) == 0
    working = json.loads(capsys.readouterr().out)
    assert working["provisional"] is True and working["units"] != out["units"]


def test_a_database_made_before_the_kept_index_fills_it_when_opened(demo_db) -> None:
    from reform import db

    con = db.connect(demo_db)
    expected = con.execute("select count(*), count(distinct period) from index_score").fetchone()
    con.execute("drop table index_score")
    con.execute("delete from schema_migrations where version = 18")
    con.close()
    con = db.connect(demo_db)
    try:
        assert con.execute("select count(*), count(distinct period) from index_score").fetchone() == expected
        assert expected[0] > 0 and invariants.check(con) == []
    finally:
        con.close()


def test_an_official_deck_scores_its_index_slide_on_approved_values(demo_con) -> None:
    from reform import approval, briefing, policy

    admin = policy.command_line("kiểm thử")
    for unit in ("XP01", "XP02", "XP03"):
        approval.act(demo_con, admin, "submit", unit, date(2026, 7, 1))
        approval.act(demo_con, admin, "approve", unit, date(2026, 7, 1))
    spec = briefing.DeckSpec("Chỉ số", "TU", "2026-Q3", [briefing.SlideSpec("index")], official=True)
    slide = briefing.build(demo_con, spec).slides[0]
    official = index.compute(demo_con, "TU", periods.parse("2026-Q3"), official=True)
    assert "tạm tính" not in slide.title and "tạm tính" not in slide.headline
    assert len(slide.table.rows) == len(official.units.dropna(subset=["score"]))
    working = briefing.build(demo_con, briefing.DeckSpec("x", "TU", "2026-Q3", [briefing.SlideSpec("index")]))
    assert "tạm tính" in working.slides[0].title
