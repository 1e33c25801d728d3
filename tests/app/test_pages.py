"""Every page runs under AppTest with no exception, on an empty database and on the demo."""

import json
from pathlib import Path

import duckdb
import pytest
from streamlit.testing.v1 import AppTest

from reform import fmt, periods
from reform import summary as core

PROJECT = Path(__file__).resolve().parents[2]
PAGES = sorted(p.relative_to(PROJECT).as_posix() for p in (PROJECT / "pages").glob("*.py"))


@pytest.fixture
def app(open_page):
    return lambda _monkeypatch, db, page: open_page(db, page)


def test_pages_folder_holds_only_pages() -> None:
    assert PAGES, "no page found"
    source = (PROJECT / "dashboard.py").read_text(encoding="utf-8")
    assert all(page in source for page in PAGES), "every file in pages/ is registered in st.navigation"


EMPTY_STATE = {
    "pages/overview.py": "Chưa có số liệu",
    "pages/indicators.py": "Chưa có số liệu",
    "pages/year_on_year.py": "Chưa có số liệu",
    "pages/reporting.py": "Chưa có số liệu",
    "pages/unit_profile.py": "Chưa có số liệu",
    "pages/reform_index.py": "Chưa có số liệu",
    "pages/upload.py": "Chưa có danh sách đơn vị",
    "pages/uploads.py": "Chưa có lần tải lên nào",
    "pages/present.py": "Chưa có số liệu",
    "pages/deck.py": "Chưa có số liệu",
    "pages/people.py": "Chưa có người dùng nào",
    "pages/audit.py": "Chưa có dòng nhật ký nào",
}


def test_every_page_has_an_empty_state() -> None:
    assert set(EMPTY_STATE) == set(PAGES)


@pytest.mark.parametrize("page", PAGES)
def test_page_on_an_empty_database_explains_what_is_missing(app, monkeypatch, tmp_path, page: str) -> None:
    at = app(monkeypatch, tmp_path / "empty.duckdb", page)
    assert not at.exception
    assert any(EMPTY_STATE[page] in i.value for i in at.info)


@pytest.mark.parametrize("page", PAGES)
def test_page_on_the_demo_says_the_data_is_invented(app, monkeypatch, demo_db, page: str) -> None:
    at = app(monkeypatch, demo_db, page)
    assert not at.exception
    assert any("Dữ liệu minh họa" in i.value for i in at.info)
    assert all(df.proto.placeholder == "–" for df in at.dataframe)  # a missing value never reads "None"


def test_overview_cards_show_vietnamese_numbers_and_changes(app, monkeypatch, demo_db) -> None:
    at = app(monkeypatch, demo_db, "pages/overview.py")
    assert at.selectbox(key="ky").value == "2026-Q3"
    labels = [m.label for m in at.metric]
    assert "Văn bản đi gửi qua mạng" in labels and "Tổng số cuộc họp" in labels
    values = {m.label: m.value for m in at.metric}
    assert values["Văn bản đi gửi qua mạng"].endswith("%") and "," in values["Văn bản đi gửi qua mạng"]
    deltas = [m.proto.delta for m in at.metric]
    assert any("điểm %" in d for d in deltas) and any(d.startswith(("tăng", "giảm")) for d in deltas)
    assert any("đơn vị đã báo cáo" in str(p.proto) for p in at.get("progress"))


def test_overview_follows_the_chosen_period(app, monkeypatch, demo_db) -> None:
    at = app(monkeypatch, demo_db, "pages/overview.py")
    before = {m.label: m.value for m in at.metric}
    at.selectbox(key="ky").set_value("2024-Q3").run()
    assert not at.exception
    assert any("Quý III/2024" in h.value for h in at.subheader)
    assert {m.label: m.value for m in at.metric} != before


def test_filters_come_from_the_url_so_a_link_reproduces_the_view(app, monkeypatch, demo_db) -> None:
    monkeypatch.setenv("REFORM_DB", str(demo_db))
    monkeypatch.setenv("REFORM_AUTO_DEMO", "0")
    monkeypatch.setenv("REFORM_AUTH", "off")
    at = AppTest.from_file(str(PROJECT / "dashboard.py"), default_timeout=60)
    at.query_params["ky"] = "2025-9M"
    at.query_params["pham_vi"] = "XP01"
    at.run()
    at.switch_page("pages/overview.py").run()
    assert not at.exception
    assert at.selectbox(key="ky").value == "2025-9M" and at.selectbox(key="pham_vi").value == "XP01"
    assert any("Đảng bộ phường An Lợi, 9 tháng năm 2025" in h.value for h in at.subheader)


def test_indicator_page_follows_group_and_indicator_chosen_in_the_sidebar(app, monkeypatch, demo_db) -> None:
    at = app(monkeypatch, demo_db, "pages/indicators.py")
    at.selectbox(key="nhom").set_value("cntt").run()
    at.selectbox(key="chi_tieu").set_value("tl_vb_kyso").run()
    assert not at.exception
    assert at.subheader[0].value == "Tỷ lệ văn bản đi có chữ ký số (%)"
    ranking = next(df.value for df in at.dataframe if "Hạng" in df.value.columns)
    ranks = ranking["Hạng"].dropna().tolist()
    assert ranks == sorted(ranks) and ranks[0] == 1 and len(ranking) >= 30
    assert at.query_params["chi_tieu"] == "tl_vb_kyso"  # the URL follows the sidebar


def test_a_neutral_indicator_is_shown_but_not_ranked(app, monkeypatch, demo_db) -> None:
    at = app(monkeypatch, demo_db, "pages/indicators.py")
    at.selectbox(key="chi_tieu").set_value("kl_dv").run()
    assert not at.exception
    ranking = next(df.value for df in at.dataframe if "Hạng" in df.value.columns)
    assert ranking["Hạng"].isna().all()
    assert any("không đánh giá tốt/xấu" in c.value for c in at.caption)


def test_year_on_year_lists_every_child_unit_with_points_for_a_rate(app, monkeypatch, demo_db) -> None:
    at = app(monkeypatch, demo_db, "pages/year_on_year.py")
    at.selectbox(key="nhom").set_value("cntt").run()
    at.selectbox(key="chi_tieu").set_value("tl_vb_kyso").run()
    at.selectbox(key="ky").set_value("2025-Q3").run()
    assert not at.exception
    table = next(df.value for df in at.dataframe if "Cùng kỳ" in df.value.columns)
    assert len(table) >= 30 and "Tăng/giảm (%)" not in table.columns
    # the change is like for like (each child on its units that reported in both years), rounded once
    con = duckdb.connect(str(demo_db))
    ranked = core.rank(con, "TU", "tl_vb_kyso", periods.parse("2025-Q3")).set_index("name")
    con.close()
    expected = [fmt.rounded(c, 1) if not fmt.missing(c) else None for c in ranked.loc[table["Đơn vị"], "change"]]
    shown = [None if fmt.missing(c) else c for c in table["Tăng/giảm"]]
    assert shown == expected and any(c is not None for c in shown)
    assert "quy đổi từ đơn vị cũ" in set(table["Ghi chú"])
    shown = next(df for df in at.dataframe if "Cùng kỳ" in df.value.columns)
    assert shown.proto.placeholder == "–"  # a unit without a prior value reads "–", not "None"
    assert any("điểm %" in c.value and "quy đổi theo địa giới mới" in c.value for c in at.caption)


def test_year_on_year_shows_percent_columns_as_percent_and_hides_an_empty_note(app, monkeypatch, demo_db) -> None:
    at = app(monkeypatch, demo_db, "pages/year_on_year.py")
    at.selectbox(key="chi_tieu").set_value("kt_tcd").run()  # a count, in a quarter after the merger
    assert not at.exception
    shown = next(df for df in at.dataframe if "Cùng kỳ" in df.value.columns)
    assert "Ghi chú" not in shown.value.columns  # nobody was mapped: no empty column
    config = json.loads(shown.proto.columns)
    assert config["Tăng/giảm (%)"]["type_config"]["format"] == "percent"
    assert config["Kỳ này"]["type_config"]["format"] == "localized"
    ratio = shown.value["Tăng/giảm (%)"].dropna()
    assert ratio.abs().max() < 5  # a share (0,125 for 12,5%), which the percent format writes with its sign
    if shown.value["Kỳ này"].isna().any():  # units still to report: the note says why their row shows "–"
        assert any("“–” ở cột Kỳ này: đơn vị chưa báo cáo" in c.value for c in at.caption)


def test_reporting_page_lists_the_units_still_missing(app, monkeypatch, demo_db) -> None:
    at = app(monkeypatch, demo_db, "pages/reporting.py")
    assert not at.exception
    missing = next(df.value for df in at.dataframe if "Tình trạng" in df.value.columns)
    assert len(missing) >= 1 and set(missing["Tình trạng"]) <= {"Chưa báo cáo", "Báo cáo một phần"}
    assert "Trực thuộc" in missing.columns and at.get("download_button")
    rate = at.markdown[[i for i, m in enumerate(at.markdown) if "đơn vị đã báo cáo" in m.value][0]].value
    assert rate.startswith("**Quý III/2026:**") and "đơn vị báo cáo đủ" in rate


def test_unit_profile_opens_on_the_first_unit_then_shows_the_one_picked(app, monkeypatch, demo_db) -> None:
    at = app(monkeypatch, demo_db, "pages/unit_profile.py")
    assert not at.exception
    assert any("đơn vị đầu tiên thuộc" in i.value for i in at.info)  # never an empty page on the default scope
    assert at.subheader[0].value != "" and len(at.get("plotly_chart")) == 2
    at.selectbox(key="pham_vi").set_value("XP05").run()
    assert not at.exception
    assert at.subheader[0].value == "Đảng bộ xã An Thành"
    assert len(at.get("plotly_chart")) == 2


def test_the_english_interface_can_be_switched_on(app, monkeypatch, demo_db) -> None:
    monkeypatch.setenv("REFORM_LANG", "en")
    at = app(monkeypatch, demo_db, "pages/overview.py")
    assert not at.exception
    assert at.title[0].value == "Overview"
    assert any("Demo data" in i.value for i in at.info)


def test_the_browser_smoke_test_visits_every_page() -> None:
    smoke = (PROJECT / "tests" / "browser" / "test_smoke.py").read_text(encoding="utf-8")
    for page in PAGES:
        assert f'"{Path(page).stem}"' in smoke, f"{page} is not visited by the browser smoke test"


@pytest.fixture
def big_db(tmp_path: Path) -> Path:
    """Beyond what the scope picker lists whole: a root, 5 provinces and 100 communes in each (506 units)."""
    from datetime import date

    import pandas as pd

    from reform import db, store

    start = date(2020, 1, 1)
    units = [("TW", "Trung ương (thử)", "tinh_uy", None, start, None)]
    for p in range(1, 6):
        units.append((f"P{p}", f"Tỉnh ủy {p}", "tinh_uy", "TW", start, None))
        units += [(f"P{p}X{x:03d}", f"Đảng bộ xã {p}-{x:03d}", "dang_bo_xa", f"P{p}", start, None) for x in range(100)]
    path = tmp_path / "big.duckdb"
    con = db.connect(path)
    store.replace_units(
        con, pd.DataFrame(units, columns=store.UNIT_COLUMNS), pd.DataFrame(columns=store.LINEAGE_COLUMNS)
    )
    communes = [u[0] for u in units if u[2] == "dang_bo_xa"][::7]
    rows = pd.DataFrame(
        [(u, date(2025, q, 1), "kt_tcd", float(i % 9), None) for q in (1, 4, 7) for i, u in enumerate(communes)],
        columns=["unit_code", "period", "indicator_code", "value", "note"],
    )
    store.write_values(con, rows, file_name="x.csv", digest="x", layout="long", user="test")
    con.close()
    return path


def test_a_large_hierarchy_is_picked_by_going_down_one_level_at_a_time(app, monkeypatch, big_db) -> None:
    at = app(monkeypatch, big_db, "pages/overview.py")
    assert not at.exception
    picker = at.selectbox(key="pham_vi")
    assert picker.options[0].strip() == "Trung ương (thử)" and len(picker.options) == 6  # the root and 5 provinces
    assert any("cấp dưới" in c.value for c in at.sidebar.caption)
    at.selectbox(key="pham_vi").set_value("P2").run()
    picker = at.selectbox(key="pham_vi")
    assert len(picker.options) == 102 and picker.value == "P2"  # the path (root, P2) and P2's 100 communes
    at.selectbox(key="pham_vi").set_value("P2X005").run()
    picker = at.selectbox(key="pham_vi")
    assert [o.strip() for o in picker.options] == ["Trung ương (thử)", "Tỉnh ủy 2", "Đảng bộ xã 2-005"]
    assert at.query_params["pham_vi"] == "P2X005" and not at.exception
    at.switch_page("pages/unit_profile.py").run()  # the scope follows the reader to another page
    assert not at.exception and at.selectbox(key="pham_vi").value == "P2X005"
    titles = [json.loads(c.proto.spec)["layout"]["title"]["text"] for c in at.get("plotly_chart")]
    assert "thuộc Tỉnh ủy 2" in titles[0] and "trong 14 đơn vị cùng loại thuộc Tỉnh ủy 2" in titles[1]


def test_a_value_history_in_a_large_register_is_found_by_typing_part_of_a_name(app, monkeypatch, big_db) -> None:
    import ui

    monkeypatch.setattr(ui, "UNIT_PICK_MAX", 100)  # 506 units: beyond a select box of the whole register
    at = app(monkeypatch, big_db, "pages/uploads.py")
    assert not at.exception and not [s for s in at.selectbox if s.key == "ul_story_unit"]
    assert any("506 đơn vị" in c.value for c in at.caption)
    at.text_input(key="ul_story_unit_find").input("xa 2-00").run()  # no diacritics, part of the name
    picker = at.selectbox(key="ul_story_unit")
    assert picker.options[0].startswith("P2X000") and len(picker.options) == 10
    at.selectbox(key="ul_story_unit").set_value("P2X005").run()
    at.selectbox(key="ul_story_period").set_value("2025-Q1").run()
    assert not at.exception
    story = [df.value for df in at.dataframe if {"Tệp", "Giá trị cũ"} <= set(df.value.columns)]
    assert len(story) == 1 and story[0]["Tệp"].tolist() == ["x.csv"]  # P2X005 is among the communes given a value
    at.text_input(key="ul_story_unit_find").input("không có").run()
    assert not at.exception and any("Không có đơn vị nào" in c.value for c in at.caption)


def test_a_template_in_a_large_register_is_for_the_units_below_one_unit(app, monkeypatch, big_db) -> None:
    import ui

    monkeypatch.setattr(ui, "UNIT_PICK_MAX", 200)  # 506 units in force: no multiselect of all of them
    at = app(monkeypatch, big_db, "pages/upload.py")
    assert not at.exception
    top = at.selectbox(key="up_tpl_top")
    assert top.options[0].startswith("TW") and len(top.options) == 6  # the units that have units below them
    assert not [m for m in at.multiselect if m.key == "up_tpl_units"]  # 506 below the root: all of them
    at.selectbox(key="up_tpl_top").set_value("P3").run()
    units = at.multiselect(key="up_tpl_units")
    assert not at.exception and len(units.options) == 101 and units.options[0].startswith("P3 ")
    assert "cả 101 đơn vị" in units.label


def test_a_link_to_a_unit_deep_in_a_large_hierarchy_opens_on_it(monkeypatch, big_db) -> None:
    monkeypatch.setenv("REFORM_DB", str(big_db))
    monkeypatch.setenv("REFORM_AUTO_DEMO", "0")
    monkeypatch.setenv("REFORM_AUTH", "off")
    at = AppTest.from_file(str(PROJECT / "dashboard.py"), default_timeout=60)
    at.query_params["pham_vi"] = "P4X050"
    at.run()
    assert not at.exception
    assert at.selectbox(key="pham_vi").value == "P4X050"
    at.switch_page("pages/reporting.py").run()
    assert not at.exception and at.selectbox(key="pham_vi").value == "P4X050"


def test_the_filters_follow_the_reader_from_page_to_page(app, monkeypatch, demo_db) -> None:
    at = app(monkeypatch, demo_db, "pages/overview.py")
    at.selectbox(key="pham_vi").set_value("XP05").run()
    at.selectbox(key="ky").set_value("2026-Q1").run()
    at.switch_page("pages/indicators.py").run()
    assert not at.exception
    assert at.selectbox(key="pham_vi").value == "XP05" and at.selectbox(key="ky").value == "2026-Q1"


def test_the_upload_list_names_each_layout_in_words(app, monkeypatch, demo_db) -> None:
    at = app(monkeypatch, demo_db, "pages/uploads.py")
    layouts = set(next(df.value for df in at.dataframe if "Dạng" in df.value.columns)["Dạng"])
    assert {"Dạng bảng · Excel", "Dạng dài · CSV", "Dạng bảng · CSV"} <= layouts
    assert not any("-" in x for x in layouts)


def test_an_upload_that_changed_nothing_says_so_instead_of_an_empty_table(app, monkeypatch, demo_db) -> None:
    from reform import db, sql, store

    con = db.connect(demo_db)
    same = sql.run(con, "export_values", period_start=None, period_end=None, unit=None).head(3)
    rows = same.assign(period=same["period"].dt.date, note=None)[[*store.VALUE_COLUMNS, "note"]]
    store.write_values(con, rows, file_name="lai.csv", digest="again", layout="long-csv", user="test")
    con.close()
    at = app(monkeypatch, demo_db, "pages/uploads.py")  # the newest upload is shown first
    assert not at.exception and "lai.csv" in at.selectbox(key="ul_pick").format_func(at.selectbox(key="ul_pick").value)
    assert any("không ghi giá trị mới hay thay đổi giá trị nào" in c.value for c in at.caption)
    assert not [df for df in at.dataframe if "Giá trị cũ" in df.value.columns and "Tệp" not in df.value.columns]


def test_a_long_list_of_changes_shows_its_first_rows_and_says_how_many_there_are(app, monkeypatch, demo_db) -> None:
    at = app(monkeypatch, demo_db, "pages/uploads.py")
    assert len(at.dataframe[1].value) < 2000 and not any(c.value.startswith("Hiện 2.000") for c in at.caption)
    at.selectbox(key="ul_pick").set_value(1).run()  # a quarter before the 2025 merger: about 5,000 values
    assert not at.exception
    caption = next(c.value for c in at.caption if c.value.startswith("Hiện 2.000 trong"))
    total = int(caption.split(" trong ")[1].split(" ")[0].replace(".", ""))
    assert total > 2000 and len(at.dataframe[1].value) == 2000
