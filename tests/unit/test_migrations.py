from pathlib import Path

import duckdb
import pytest

from reform import db


def tables(con: duckdb.DuckDBPyConnection) -> set[str]:
    return {r[0] for r in con.execute("select table_name from information_schema.tables").fetchall()}


def test_fresh_database_gets_every_migration_in_order(tmp_path: Path) -> None:
    con = db.connect(tmp_path / "fresh.duckdb")
    versions = [r[0] for r in con.execute("select version from schema_migrations order by version").fetchall()]
    assert versions == [v for v, _, _ in db.migrations()]
    assert versions == sorted(versions) and len(versions) >= 4
    repeatable = len(list(db.SCHEMA_DIR.glob("R_*.sql")))
    assert repeatable >= 1 and con.execute("select count(*) from schema_repeatable").fetchone()[0] == repeatable
    assert {"units", "unit_lineage", "unit_closure", "indicator", "upload", "value", "value_history", "meta"} <= tables(
        con
    )


def test_old_file_upgrades_itself_and_keeps_its_data(tmp_path: Path) -> None:
    path = tmp_path / "old.duckdb"
    con = duckdb.connect(str(path))
    assert db.migrate(con, upto=1) == [1]
    con.execute("insert into units values ('TU', 'Tỉnh ủy', 'tinh_uy', null, date '2020-01-01', null)")
    assert "value" not in tables(con)
    con.close()

    con = db.connect(path)
    assert "value" in tables(con)
    assert con.execute("select name from units").fetchall() == [("Tỉnh ủy",)]
    assert con.execute("select count(*) from schema_migrations").fetchone()[0] == len(db.migrations())


def test_reopening_applies_nothing_twice(tmp_path: Path) -> None:
    path = tmp_path / "again.duckdb"
    db.connect(path).close()
    con = db.connect(path)
    assert db.migrate(con) == []
    assert con.execute("select count(*) from schema_migrations").fetchone()[0] == len(db.migrations())


def test_a_failing_migration_leaves_no_trace(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    bad = tmp_path / "schema"
    bad.mkdir()
    for _, _, path in db.migrations():
        (bad / path.name).write_text(path.read_text(encoding="utf-8"), encoding="utf-8")
    (bad / "999_broken.sql").write_text("create table half_done (x integer); select * from no_such_table;")
    monkeypatch.setattr(db, "SCHEMA_DIR", bad)
    con = duckdb.connect(str(tmp_path / "broken.duckdb"))
    with pytest.raises(duckdb.Error):
        db.migrate(con)
    assert "half_done" not in tables(con)
    assert 999 not in db.applied_versions(con)
    assert "value" in tables(con)  # the sound migrations before it stay applied


def test_repeatable_definitions_follow_their_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    schema = tmp_path / "schema"
    schema.mkdir()
    for path in db.SCHEMA_DIR.glob("*.sql"):
        (schema / path.name).write_text(path.read_text(encoding="utf-8"), encoding="utf-8")
    monkeypatch.setattr(db, "SCHEMA_DIR", schema)
    con = db.connect(tmp_path / "r.duckdb")
    assert db.apply_repeatable(con) == []  # unchanged text: nothing to do
    (schema / "R_figure_macros.sql").write_text(
        (schema / "R_figure_macros.sql").read_text(encoding="utf-8") + "\ncreate or replace macro answer() as 42;\n",
        encoding="utf-8",
    )
    con.close()
    con = db.connect(tmp_path / "r.duckdb")  # an old file picks up the new definitions on open
    assert con.execute("select answer()").fetchone() == (42,)
    assert con.execute(
        "select count(*) from period_figures('X', 0, date '2025-07-01', date '2025-07-01')"
    ).fetchone() == (0,)


def test_a_file_from_before_the_rollup_gets_it_backfilled_on_open(demo_db: Path) -> None:
    """A demo database as it was before migrations 007, 008 and 009 gets a rollup equal to a rebuild."""
    from reform import rollup

    con = duckdb.connect(str(demo_db))
    con.execute(
        "drop table figure_epoch; drop table figure_weight; drop table figure_pair; drop table figure_rollup;"
        "drop table unit_period_count; drop table scope_period_count; drop table figure_compared;"
        "delete from schema_migrations where version >= 7"
    )
    con.close()
    con = db.connect(demo_db)
    # figure_compared's sums may add in another order: equal to 9 decimals, not to the last bit
    compared = (
        "select as_of, scope_code, period, indicator_code, pair_code, round(num, 9), round(den, 9),"
        " round(num_prev, 9), round(den_prev, 9), units_compared from figure_compared order by all"
    )
    backfilled = {
        t: con.execute(compared if t == "figure_compared" else f"select * from {t} order by all").fetchall()
        for t in (
            "figure_epoch",
            "figure_weight",
            "figure_pair",
            "figure_rollup",
            "figure_compared",
            "unit_period_count",
            "scope_period_count",
        )
    }
    assert len(backfilled["figure_rollup"]) > 1000 and len(backfilled["figure_epoch"]) == 2
    rollup.rebuild(con)
    for table, rows in backfilled.items():
        query = compared if table == "figure_compared" else f"select * from {table} order by all"
        assert con.execute(query).fetchall() == rows, table
