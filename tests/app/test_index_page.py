"""The Chỉ số CCHC page: the ranking with its weights on screen, one unit's parts, and a what-if not saved."""

import json

import pandas as pd

from reform import db, index, periods, sql


def frame(at, column: str) -> pd.DataFrame:
    """The first table on the page with this column (read-only tables carry no key under AppTest)."""
    return next(df.value for df in at.dataframe if column in df.value.columns)


def test_the_index_page_ranks_the_children_and_shows_the_weights(open_page, demo_db) -> None:
    at = open_page(demo_db, "pages/reform_index.py")
    assert not at.exception
    assert any("Tạm tính" in w.value for w in at.warning)
    ranking = frame(at, "Khoảng hạng 5–95%")
    weights = frame(at, "Trụ cột")
    con = db.connect(demo_db)
    expected = index.compute(con, "TU", periods.parse("2026-Q3"))
    table = sql.run(con, "index_weights", on=periods.parse("2026-Q3").start)
    con.close()
    assert ranking["Đơn vị"].tolist() == expected.units["name"].tolist()
    assert weights["Điểm tối đa"].sum() == 100 and len(weights) == len(table)
    assert any("đơn vị đạt mức Hoàn thành tốt trở lên" in m.value for m in at.markdown)


def test_picking_a_unit_shows_its_parts_and_a_what_if_changes_ranks_without_saving(open_page, demo_db) -> None:
    at = open_page(demo_db, "pages/reform_index.py")
    at.selectbox(key="ci_unit").set_value("XP24").run()
    assert not at.exception
    parts = frame(at, "Điểm tính cho đơn vị")
    assert len(parts) == 16 and "Điểm tính cho đơn vị" in parts.columns
    before = frame(at, "Hạng khi thử")
    moves = before["Thay đổi so với hạng hiện tại"]
    assert (moves[moves != "–"] == "không đổi").all() and (moves != "–").sum() >= 20  # the table's own weights
    con = db.connect(demo_db)
    stored = sql.run(con, "index_weights", on=periods.parse("2026-Q3").start)
    con.close()
    edits = {"edited_rows": {i: {"points": 0} for i in range(len(stored)) if stored["part"][i] != "co_nq_cchc"}}
    at.session_state["ci_whatif_editor"] = edits
    at.run()
    assert not at.exception
    after = frame(at, "Hạng khi thử")
    assert set(after["Điểm"].dropna()) <= {0.0, 100.0}  # only the flag left: every unit 100 or 0
    con = db.connect(demo_db)
    assert sql.run(con, "index_weights", on=periods.parse("2026-Q3").start).equals(stored)
    con.close()


def test_the_overview_has_an_index_card(open_page, demo_db) -> None:
    at = open_page(demo_db, "pages/overview.py")
    card = [m for m in at.metric if m.label.startswith("Chỉ số CCHC (tạm tính)")]
    assert card and card[0].value.endswith("đơn vị")


def test_the_index_page_and_card_follow_the_official_choice(open_page, demo_db) -> None:
    """With six units' 2026-Q3 approved, số liệu chính thức shows the official index (only they are scored,
    marked as approved values) and tất cả số liệu the provisional one."""
    from datetime import date

    from reform import approval, policy

    con = db.connect(demo_db)
    q3 = periods.parse("2026-Q3")
    working = index.compute(con, "TU", q3).units.dropna(subset=["score"])
    children = working["unit_code"].sort_values().tolist()[:6]
    admin = policy.command_line("kiểm thử")
    for unit in children:
        approval.act(con, admin, "submit", unit, date(2026, 7, 1), with_below=True)
        approval.act(con, admin, "approve", unit, date(2026, 7, 1), with_below=True)
    official = index.compute(con, "TU", q3, official=True)
    con.close()
    assert set(official.units.dropna(subset=["score"])["unit_code"]) == set(children)
    at = open_page(demo_db, "pages/reform_index.py")
    at.selectbox(key="so_lieu").set_value("chinh_thuc").run()
    assert not at.exception
    assert any("Số liệu chính thức" in i.value for i in at.info) and not any("Tạm tính" in w.value for w in at.warning)
    ranking = frame(at, "Khoảng hạng 5–95%")
    assert ranking["Đơn vị"].tolist() == official.units["name"].tolist()
    assert ranking["Điểm"].fillna(-1).tolist() == official.units["score"].round(1).fillna(-1).tolist()
    axes = [json.loads(c.proto.spec)["layout"].get("xaxis", {}).get("title", {}) for c in at.get("plotly_chart")]
    axis = [a.get("text", "") for a in axes if "Điểm (trên 100" in a.get("text", "")]
    assert axis == ["Điểm (trên 100, số liệu chính thức)"]  # not "tạm tính" on official figures
    at.selectbox(key="so_lieu").set_value("tat_ca").run()
    assert any("Tạm tính" in w.value for w in at.warning)
    overview = open_page(demo_db, "pages/overview.py")
    overview.selectbox(key="so_lieu").set_value("chinh_thuc").run()
    card = [m for m in overview.metric if m.label.startswith("Chỉ số CCHC (số liệu chính thức)")]
    assert card and card[0].value.endswith(f"/{len(children)} đơn vị")
