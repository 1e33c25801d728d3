"""Each query file: given a few stored rows, expect these rows. And every file runs on the demo."""

from datetime import date

import duckdb
import pandas as pd
import pytest

from reform import periods, sql, store

OLD_END, NEW_START, START = date(2025, 6, 30), date(2025, 7, 1), date(2020, 1, 1)
Q = {code: periods.parse(code).start for code in ("2024-Q3", "2025-Q1", "2025-Q2", "2025-Q3")}


@pytest.fixture
def con(empty_con: duckdb.DuckDBPyConnection) -> duckdb.DuckDBPyConnection:
    """TU ← D (district) ← A, B until 2025-Q2; from 2025-Q3 C replaces A, B and D; K throughout."""
    units = pd.DataFrame(
        [
            ("TU", "Tỉnh ủy", "tinh_uy", None, START, None),
            ("D", "Huyện ủy D", "huyen_uy", "TU", START, OLD_END),
            ("A", "Đảng bộ xã A", "dang_bo_xa", "D", START, OLD_END),
            ("B", "Đảng bộ xã B", "dang_bo_xa", "D", START, OLD_END),
            ("C", "Đảng bộ xã C", "dang_bo_xa", "TU", NEW_START, None),
            ("K", "Đảng bộ Công an", "dang_bo_truc_thuoc", "TU", START, None),
        ],
        columns=store.UNIT_COLUMNS,
    )
    lineage = pd.DataFrame(
        [("A", "C", 1.0, NEW_START), ("B", "C", 1.0, NEW_START), ("D", "C", 1.0, NEW_START)],
        columns=store.LINEAGE_COLUMNS,
    )
    store.replace_units(empty_con, units, lineage)
    given = [
        ("A", "2024-Q3", "kt_tcd", 3),
        ("B", "2024-Q3", "kt_tcd", 4),
        ("D", "2024-Q3", "kt_tcd", 1),
        ("K", "2024-Q3", "kt_tcd", 10),
        ("C", "2025-Q3", "kt_tcd", 9),
        ("K", "2025-Q3", "kt_tcd", 12),
        ("C", "2025-Q3", "kt_dv", 30),
        ("C", "2025-Q3", "vb_di_dientu", 1),
        ("C", "2025-Q3", "vb_di_tong", 2),
        ("K", "2025-Q3", "vb_di_dientu", 90),
        ("K", "2025-Q3", "vb_di_tong", 100),
        ("K", "2025-Q3", "vb_kyso", 50),  # K only: the rate pairs it with K's denominator alone
        ("C", "2025-Q3", "vb_kyso", 0),
        ("A", "2025-Q1", "dv_tong", 100),
        ("B", "2025-Q1", "dv_tong", 50),
        ("K", "2025-Q1", "dv_tong", 30),
        ("A", "2025-Q2", "dv_tong", 110),
        ("B", "2025-Q2", "dv_tong", 55),
        ("K", "2025-Q2", "dv_tong", 31),
        ("C", "2025-Q3", "dv_tong", 170),
        ("K", "2025-Q3", "dv_tong", 32),
        ("A", "2025-Q1", "hop_tong", 10),
        ("C", "2025-Q3", "hop_tong", 20),
        ("C", "2025-Q3", "co_ttdt", 1),
        ("K", "2025-Q3", "co_ttdt", 0),
        ("A", "2024-Q3", "co_ttdt", 0),
        ("B", "2024-Q3", "co_ttdt", 1),
        ("K", "2024-Q3", "co_ttdt", 0),
        ("D", "2024-Q3", "co_ttdt", 1),
    ]
    df = pd.DataFrame([(u, Q[p], i, float(v)) for u, p, i, v in given], columns=store.VALUE_COLUMNS)
    store.write_values(empty_con, df, file_name="given", digest="0", layout="long", user="test")
    return empty_con


def summary(con: duckdb.DuckDBPyConnection, scope: str, period: str) -> pd.DataFrame:
    p = periods.parse(period)
    return sql.run(con, "summary", scope=scope, start=p.start, end=p.end).set_index("indicator_code")


def test_flows_are_summed_and_last_year_is_mapped_onto_todays_units(con) -> None:
    province = summary(con, "TU", "2025-Q3")
    assert province.loc["kt_tcd", ["value", "previous"]].tolist() == [21, 18]
    commune = summary(con, "C", "2025-Q3")
    assert commune.loc["kt_tcd", ["value", "previous"]].tolist() == [9, 8]  # A + B + D a year ago


def test_a_missing_prior_value_stays_missing(con) -> None:
    row = summary(con, "TU", "2025-Q3").loc["kt_dv"]
    assert row["value"] == 30 and pd.isna(row["previous"])
    assert pd.isna(summary(con, "TU", "2025-Q3").loc["kl_dv", "value"])


def test_rates_are_recomputed_from_sums_over_units_reporting_both(con) -> None:
    s = summary(con, "TU", "2025-Q3")
    assert s.loc["tl_vb_di_dientu", "value"] == pytest.approx(100 * 91 / 102)  # not the mean of 50% and 90%
    assert s.loc["tl_vb_kyso", "value"] == pytest.approx(100 * 50 / 102)
    assert s.loc["tl_vb_di_dientu", "units_reported"] == 2


def test_stocks_take_the_last_quarter_not_the_sum(con) -> None:
    nine_months = summary(con, "TU", "2025-9M")
    assert nine_months.loc["dv_tong", "value"] == 202  # Q3 only: C 170 + K 32
    assert nine_months.loc["hop_tong", "value"] == 30  # flows add up across quarters
    assert summary(con, "TU", "2025-Q2").loc["dv_tong", "value"] == 196


def test_flags_are_the_share_of_reporting_units(con) -> None:
    s = summary(con, "TU", "2025-Q3")
    assert s.loc["co_ttdt", "value"] == pytest.approx(50.0)
    assert s.loc["co_ttdt", "previous"] == pytest.approx(50.0)  # C's predecessors: 0, 1, 1 → weight 3; K: 0


def test_units_expected_are_the_scopes_units_in_force(con) -> None:
    assert set(summary(con, "TU", "2025-Q3")["units_expected"]) == {3}  # TU, C, K
    assert set(summary(con, "TU", "2024-Q3")["units_expected"]) == {5}  # TU, D, A, B, K
    assert set(summary(con, "D", "2024-Q3")["units_expected"]) == {3}


def test_every_catalogue_indicator_has_a_row_in_catalogue_order(con) -> None:
    s = sql.run(con, "summary", scope="TU", start=Q["2025-Q3"], end=Q["2025-Q3"])
    assert s["indicator_code"].tolist() == sql.run(con, "catalog")["code"].tolist()


def test_trend_gives_each_quarter_its_own_figures(con) -> None:
    tr = sql.run(con, "trend", scope="TU", start=Q["2025-Q1"], end=Q["2025-Q3"])
    dv = tr[tr["indicator_code"] == "dv_tong"].set_index("period")["value"]
    assert dv.tolist() == [180, 196, 202]
    rate = tr[(tr["indicator_code"] == "tl_vb_di_dientu")]
    assert rate["value"].tolist() == [pytest.approx(100 * 91 / 102)]


def test_periods_with_data_newest_first(con) -> None:
    df = sql.run(con, "periods_with_data", scope="TU")
    assert [periods.from_date(d).code for d in df["period"]] == ["2025-Q3", "2025-Q2", "2025-Q1", "2024-Q3"]
    assert df["values_stored"].tolist() == [14, 3, 4, 8]
    assert sql.run(con, "units_reported", scope="TU", start=Q["2025-Q3"], end=Q["2025-Q3"])["units_reported"][0] == 2


def test_unit_subtree_and_root(con) -> None:
    assert sql.run(con, "unit_subtree", unit="D")["code"].tolist() == ["D", "A", "B"]
    assert sql.run(con, "root_unit")["code"].tolist() == ["TU"]


# Values for every parameter name used in queries/, for the meta-test below.
PARAMS = {
    "scope": "TU",
    "unit": "H01",
    "start": date(2025, 1, 1),
    "end": date(2025, 7, 1),
    "key": "dataset",
    "value": "demo",
    "upload_id": 999,
    "changed_at": pd.Timestamp("2026-01-01"),
    "file_name": "x.csv",
    "sha256": "0",
    "layout": "long",
    "user_name": "test",
    "created_at": pd.Timestamp("2026-01-01"),
    "rows": 1,
    "inserted": 0,
    "updated": 0,
    "unchanged": 1,
    "indicator": "kt_tcd",
    "before": date(2025, 7, 1),
    "period_start": date(2025, 1, 1),
    "period_end": date(2025, 7, 1),
    "units": ["H01X01", "XP01"],
    "status": "stored",
    "period": date(2024, 7, 1),
    "periods": [date(2024, 7, 1)],
    "undo_upload_id": 998,
    "at": date(2025, 7, 1),
    "deck": "Giao ban",
    "spec": "[]",
    "updated_at": pd.Timestamp("2026-01-01"),
    "frozen_at": pd.Timestamp("2026-01-01"),
    "frozen_upload_id": 1,
    "snapshot": "{}",
    "limit": 80,
    "quarter": date(2025, 7, 1),
    "on": date(2025, 7, 1),
    "min_cases": 5.0,
    "after_upload": 0,
    "issuer": "https://id.example",
    "subject": "abc",
    "email": "a@b.vn",
    "display_name": "A",
    "id": 1,
    "person_id": 1,
    "author_id": 1,
    "role": "xem",
    "by": "test",
    "since": pd.Timestamp("2026-01-01"),
    "happened_at": pd.Timestamp("2026-01-01"),
    "actor": "test",
    "action": "upload",
    "target": "1",
    "outcome": "ok",
    "detail": None,
    "reason": "kiểm thử",
    "closed_periods": [date(2024, 7, 1)],
    "official": True,
    "from": date(2025, 1, 1),
    "to": date(2025, 7, 1),
}


def file_queries() -> list[str]:
    """Every query file that runs on both engines (lake_*.sql are DuckLake's maintenance: test_lake.py),
    and its official variant (approved and locked values only) where it has one."""
    working = [n for n in sql.names() if not n.startswith("lake_")]
    official = [sql.official(n) for n in working if reads(n) and sql.text(sql.official(n)) != sql.text(n)]
    return official + working  # the official variant of each that reads values or the rollup, first:
    # the working list ends with writes (closure, rollup) that the rolled-back transaction still sees


def reads(name: str) -> bool:
    """The statement only reads (the pages' queries); the official tables are written by reform.official."""
    body = [line for line in sql.text(name).splitlines() if line.strip() and not line.startswith("--")]
    return body[0].split()[0].lower() in {"select", "with", "from"}


def run_every_query(demo_con, names: list[str]) -> None:
    """Run each named query with the test values, in a transaction rolled back."""
    incoming = pd.DataFrame([("H01X01", date(2024, 7, 1), "kt_tcd", 1.0)], columns=store.VALUE_COLUMNS)
    demo_con.register("incoming", incoming)
    undo_rows = incoming.assign(old_value=0.0, new_value=1.0, upload_id=1, old_upload_id=1)[
        ["unit_code", "period", "indicator_code", "old_value", "new_value", "upload_id", "old_upload_id"]
    ]
    demo_con.register("undo_rows", undo_rows)
    moves = pd.DataFrame(
        [("H01X01", "submit", "open", "submitted")], columns=["unit_code", "action", "from_state", "to_state"]
    )
    demo_con.register("moves", moves)
    demo_con.register("scored", demo_con.sql("select * from index_score limit 1").df())  # index_score_insert
    demo_con.execute("begin transaction")
    try:
        for name in names:
            demo_con.execute(sql.text(name), {p: PARAMS[p] for p in sql.params_of(name)} or None)
    finally:
        demo_con.execute("rollback")


def test_every_query_file_runs_against_the_demo_database(demo_con) -> None:
    names = file_queries()
    assert len(names) >= 15
    unknown = {p for n in names for p in sql.params_of(n)} - set(PARAMS)
    assert not unknown, f"add test values for {unknown}"
    run_every_query(demo_con, names)


def test_every_query_file_says_what_it_returns_and_its_parameters() -> None:
    for name in sql.names():
        header = [line for line in sql.text(name).splitlines() if line.startswith("--")]
        assert header, f"{name}.sql has no header comment"
        for param in sql.params_of(name):
            assert any(f"${param}" in line for line in header), f"{name}.sql: ${param} not described"


def rank(con, scope: str, indicator: str, period: str) -> pd.DataFrame:
    p = periods.parse(period)
    return sql.run(con, "rank", scope=scope, indicator=indicator, start=p.start, end=p.end).set_index("unit_code")


def test_rank_orders_todays_children_with_last_years_rank_through_the_lineage(con) -> None:
    r = rank(con, "TU", "kt_tcd", "2025-Q3")
    assert list(r.index) == ["K", "C"]  # children in force in 2025-Q3; TU itself is the scope
    assert r.loc["K", ["value", "previous", "rank", "previous_rank"]].tolist() == [12, 10, 1, 1]
    assert r.loc["C", ["value", "previous", "rank", "previous_rank"]].tolist() == [9, 8, 2, 2]  # A + B + D


def test_children_started_gives_the_childrens_first_day_in_force(con) -> None:
    now = sql.run(con, "children_started", scope="TU", end=Q["2025-Q3"])
    assert now.values.tolist() == [["C", pd.Timestamp(NEW_START)], ["K", pd.Timestamp(START)]]
    before = sql.run(con, "children_started", scope="TU", end=Q["2024-Q3"])
    assert before["code"].tolist() == ["D", "K"]  # C did not exist yet; A and B sit below D


def test_rank_of_a_down_indicator_puts_the_lowest_first_and_neutral_is_not_ranked(con) -> None:
    rates = rank(con, "TU", "tl_vb_di_dientu", "2025-Q3")
    assert rates.loc["K", "rank"] == 1 and rates.loc["C", "rank"] == 2  # 90% before 50%
    meetings = rank(con, "TU", "hop_tong", "2025-Q3")  # down is good; K did not report
    assert meetings.loc["C", "rank"] == 1 and pd.isna(meetings.loc["K", "rank"])
    neutral = rank(con, "TU", "dv_tong", "2025-Q3")
    assert neutral["rank"].isna().all() and neutral["previous_rank"].isna().all()
    assert neutral.loc["C", "value"] == 170


def test_completeness_marks_each_unit_in_force_as_reported_partial_or_missing(con) -> None:
    df = sql.run(con, "completeness", scope="TU", start=Q["2025-Q2"], end=Q["2025-Q3"], limit=100)
    q3 = df[df["period"] == pd.Timestamp(Q["2025-Q3"])].set_index("unit_code")
    assert set(q3.index) == {"TU", "C", "K"}  # units in force in 2025-Q3 only
    assert q3.loc["TU", "status"] == "missing" and q3.loc["C", "status"] == "partial"
    assert q3.loc["C", "indicators_reported"] == 8 and set(q3["indicators_expected"]) == {45}
    q2 = df[df["period"] == pd.Timestamp(Q["2025-Q2"])].set_index("unit_code")
    assert set(q2.index) == {"TU", "D", "A", "B", "K"}


def test_completeness_keeps_the_units_with_the_most_gaps_and_says_how_many_there_were(con) -> None:
    df = sql.run(con, "completeness", scope="TU", start=Q["2025-Q2"], end=Q["2025-Q3"], limit=2)
    # gaps: TU missing twice (4); D (Q2 only), A, B missing once (2 each); K partial twice (2); C partial (1)
    assert sorted(set(df["unit_code"])) == ["D", "TU"]  # TU, then D before K (code) and A, B (depth)
    assert set(df["units"]) == {6}  # every unit in force in either quarter, before the limit
    assert len(df[df["unit_code"] == "D"]) == 1  # D is in force in 2025-Q2 only


def test_reporting_rate_counts_units_in_force_that_reported_anything_and_everything(con) -> None:
    df = sql.run(con, "reporting_rate", scope="TU", start=Q["2025-Q1"], end=Q["2025-Q3"]).set_index("period")
    q3 = df.loc[pd.Timestamp(Q["2025-Q3"])]
    assert (q3["expected"], q3["reported"], q3["complete"]) == (3, 2, 0)  # TU, C, K; C and K partly
    assert q3["rate"] == pytest.approx(200 / 3)
    q2 = df.loc[pd.Timestamp(Q["2025-Q2"])]
    assert (q2["expected"], q2["reported"]) == (5, 3)  # TU, D, A, B, K; A, B and K reported dv_tong
    district = sql.run(con, "reporting_rate", scope="D", start=Q["2025-Q1"], end=Q["2025-Q3"])
    assert district["expected"].tolist() == [3, 3] and district["reported"].tolist() == [2, 2]  # no Q3 row: D ended


def test_units_behind_lists_missing_then_partial_with_the_unit_above(con) -> None:
    df = sql.run(con, "units_behind", scope="TU", quarter=Q["2025-Q3"])
    assert df["unit_code"].tolist() == ["TU", "K", "C"]  # missing first; then partial by the unit above, name
    assert df["status"].tolist() == ["missing", "partial", "partial"]
    assert pd.isna(df.loc[0, "parent_name"]) and set(df.loc[1:, "parent_name"]) == {"Tỉnh ủy"}
    assert df.loc[df["unit_code"] == "C", "indicators_reported"].item() == 8
    assert sql.run(con, "units_behind", scope="K", quarter=Q["2025-Q1"])["unit_code"].tolist() == ["K"]


def test_group_trend_gives_each_child_its_own_series(con) -> None:
    df = sql.run(con, "group_trend", scope="TU", indicator="dv_tong", start=Q["2025-Q1"], end=Q["2025-Q3"])
    series = {(r.unit_code, periods.from_date(pd.Timestamp(r.period).date()).code): r.value for r in df.itertuples()}
    assert series[("C", "2025-Q1")] == 150 and series[("C", "2025-Q3")] == 170  # A + B mapped onto C
    assert series[("K", "2025-Q2")] == 31


def test_peer_figures_compare_a_unit_with_units_of_its_type_and_level(con) -> None:
    df = sql.run(con, "peer_figures", unit="A", indicator="kt_tcd", start=Q["2024-Q3"], end=Q["2024-Q3"])
    assert df["unit_code"].tolist() == ["A"]  # the unit's own rows; its peers are the communes A, B under D
    a = df.iloc[0]
    assert (a["value"], a["peer_median"], a["peers"], a["rank"], a["peer_scope"]) == (3, 3.5, 2, 2, "Tỉnh ủy")


def test_peer_figures_stay_within_the_province_and_provinces_compare_with_provinces(empty_con) -> None:
    units = pd.DataFrame(
        [
            ("TW", "Trung ương", "tinh_uy", None, START, None),
            ("P1", "Tỉnh ủy P1", "tinh_uy", "TW", START, None),
            ("P2", "Tỉnh ủy P2", "tinh_uy", "TW", START, None),
            ("X1", "Đảng bộ xã X1", "dang_bo_xa", "P1", START, None),
            ("X2", "Đảng bộ xã X2", "dang_bo_xa", "P1", START, None),
            ("X3", "Đảng bộ xã X3", "dang_bo_xa", "P2", START, None),
            ("K1", "Đảng bộ Công an P1", "dang_bo_truc_thuoc", "P1", START, None),
        ],
        columns=store.UNIT_COLUMNS,
    )
    store.replace_units(empty_con, units, pd.DataFrame(columns=store.LINEAGE_COLUMNS))
    given = [("X1", 4), ("X2", 6), ("X3", 100), ("K1", 50)]
    rows = pd.DataFrame(
        {
            "unit_code": [u for u, _ in given],
            "period": Q["2025-Q3"],
            "indicator_code": "kt_tcd",
            "value": [float(v) for _, v in given],
            "note": None,
        }
    )
    store.write_values(empty_con, rows, file_name="x.csv", digest="x", layout="long", user="test")
    x1 = sql.run(empty_con, "peer_figures", unit="X1", indicator="kt_tcd", start=Q["2025-Q3"], end=Q["2025-Q3"])
    assert (x1["peer_median"].item(), x1["peers"].item(), x1["rank"].item()) == (5, 2, 2)  # X1, X2; not X3, not K1
    assert x1["peer_scope"].item() == "Tỉnh ủy P1"
    p2 = sql.run(empty_con, "peer_figures", unit="P2", indicator="kt_tcd", start=Q["2025-Q3"], end=Q["2025-Q3"])
    assert (p2["value"].item(), p2["peer_median"].item(), p2["rank"].item()) == (100, 80, 1)  # P1 = 4 + 6 + 50
    assert p2["peer_scope"].item() == "Trung ương"


def test_explain_lineage_lists_the_units_a_comparison_carries_through_the_lineage(con) -> None:
    mapped = sql.run(con, "explain_lineage", scope="TU", at=Q["2025-Q3"])
    rows = mapped[["unit_code", "source_code", "share"]].values.tolist()
    assert rows == [["C", "A", 1.0], ["C", "B", 1.0], ["C", "D", 1.0]]
    assert set(mapped["source_name"]) == {"Đảng bộ xã A", "Đảng bộ xã B", "Huyện ủy D"}
    assert set(mapped["effective"]) == {pd.Timestamp(NEW_START)}
    assert sql.run(con, "explain_lineage", scope="K", at=Q["2025-Q3"]).empty  # K replaced nobody
    assert sql.run(con, "explain_lineage", scope="TU", at=Q["2024-Q3"]).empty  # before the merger
