from datetime import date

import pandas as pd

from reform import charts


def units(n: int) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "unit_code": [f"U{i:03d}" for i in range(n)],
            "name": [f"Đơn vị {i}" for i in range(n)],
            "value": [float(i) for i in range(n)],
            "previous": [float(i) - 1 for i in range(n)],
        }
    )


def test_dumbbell_draws_three_traces_with_this_and_last_year() -> None:
    fig = charts.dumbbell_figure(units(5), title="Văn bản đi, Quý III/2025", x_title="Tỷ lệ (%)", color="#123456")
    assert len(fig.data) == 3
    assert [t.name for t in fig.data[1:]] == ["Cùng kỳ năm trước", "Kỳ này"]
    assert list(fig.data[2].x) == [4.0, 3.0, 2.0, 1.0, 0.0][::-1]  # best at the top
    assert fig.layout.xaxis.title.text == "Tỷ lệ (%)" and fig.layout.separators == ",."


def test_dumbbell_of_many_units_keeps_top_and_bottom_and_the_highlighted_one() -> None:
    fig = charts.dumbbell_figure(units(400), title="T", x_title="x", color="#000", top_n=10, highlight="U200")
    assert len(fig.data) == 3 and len(fig.data[2].x) == 21
    assert "10 cao nhất và 10 thấp nhất trong 400 đơn vị" in fig.layout.title.text
    assert "<b>Đơn vị 200</b>" in list(fig.data[2].y)


def test_heatmap_is_units_by_quarters_sorted_by_the_latest_quarter() -> None:
    df = pd.DataFrame(
        {
            "unit_code": ["A", "A", "B", "B"],
            "name": ["Xã A", "Xã A", "Xã B", "Xã B"],
            "period": [date(2025, 4, 1), date(2025, 7, 1)] * 2,
            "value": [1.0, 9.0, 5.0, 2.0],
        }
    )
    fig = charts.heatmap_figure(df, title="Họp trực tuyến", unit_label="%")
    assert list(fig.data[0].x) == ["Quý II/2025", "Quý III/2025"]
    assert list(fig.data[0].y) == ["Xã B", "Xã A"]  # highest latest value at the top (last row)
    assert fig.data[0].z.tolist() == [[5.0, 2.0], [1.0, 9.0]]


def test_heatmap_shows_a_missing_report_apart_from_a_zero_and_names_it() -> None:
    df = pd.DataFrame(
        {
            "unit_code": ["A", "A", "B"],
            "name": ["Xã A", "Xã A", "Xã B"],
            "period": [date(2025, 4, 1), date(2025, 7, 1), date(2025, 7, 1)],
            "value": [0.0, 9.0, 5.0],
        }
    )
    fig = charts.heatmap_figure(df, title="Họp trực tuyến", unit_label="%")
    values, gaps = fig.data[0], fig.data[1]
    assert values.colorscale[0][1] != "#ffffff" and values.colorscale[0][1] != charts.NO_REPORT  # 0 is blue
    row_b = list(values.y).index("Xã B")
    assert gaps.text[row_b][0] == "–" and gaps.text[row_b][1] == ""  # Xã B did not report Quý II
    assert gaps.z[row_b][0] == 1 and pd.isna(gaps.z[list(values.y).index("Xã A")][0])  # Xã A's zero is a value
    assert fig.layout.showlegend and "Chưa báo cáo" in fig.data[2].name


def test_empty_unit_charts_say_what_is_missing() -> None:
    empty = units(0)
    dumbbell = charts.dumbbell_figure(empty, title="T", x_title="x", color="#000")
    assert "Chưa có số liệu" in dumbbell.layout.annotations[0].text
    heat = charts.heatmap_figure(
        pd.DataFrame(columns=["unit_code", "name", "period", "value"]), title="T", unit_label="%"
    )
    assert "Chưa có số liệu" in heat.layout.annotations[0].text


def test_completeness_grid_colours_status_and_puts_gaps_on_top() -> None:
    df = pd.DataFrame(
        {
            "name": ["Xã A", "Xã A", "Xã B", "Xã B"],
            "period": [date(2025, 4, 1), date(2025, 7, 1)] * 2,
            "status": ["reported", "reported", "missing", "partial"],
        }
    )
    fig = charts.completeness_figure(df, title="Báo cáo")
    assert list(fig.data[0].y) == ["Xã A", "Xã B"]  # last row is drawn on top: Xã B has a gap
    assert fig.data[0].z.tolist() == [[2, 2], [0, 1]]
    assert fig.data[0].customdata.tolist()[1] == ["Chưa báo cáo", "Báo cáo một phần"]


def test_completeness_grid_has_a_legend_and_a_symbol_beside_each_colour() -> None:
    df = pd.DataFrame(
        {
            "unit_code": ["XA", "XB", "XC"],
            "name": ["Xã A", "Xã B", "Xã C"],
            "period": [date(2025, 7, 1)] * 3,
            "status": ["reported", "partial", "missing"],
        }
    )
    fig = charts.completeness_figure(df, title="Báo cáo")
    assert fig.data[0].text.tolist() == [["✓"], ["◐"], ["✗"]] and fig.data[0].texttemplate == "%{text}"
    legend = [tr.name for tr in fig.data[1:] if tr.showlegend is not False]
    assert legend == ["✓ Đã báo cáo", "◐ Báo cáo một phần", "✗ Chưa báo cáo", "Chưa thành lập hoặc đã sáp nhập"]
    colours = {tr.marker.color for tr in fig.data[1:]}
    assert len(colours) == 4 and "#2a8a5c" not in colours  # no red against green
    assert fig.layout.plot_bgcolor == charts.NOT_IN_FORCE  # a unit not in force is grey, not a status


def test_completeness_grid_counts_units_in_force_and_keeps_units_that_share_a_name_apart() -> None:
    df = pd.DataFrame(
        {
            "unit_code": ["X1", "X1", "X9", "XB", "XB"],
            "name": ["Xã A", "Xã A", "Xã A", "Xã B", "Xã B"],
            "period": [date(2025, 4, 1), date(2025, 7, 1), date(2025, 4, 1), date(2025, 4, 1), date(2025, 7, 1)],
            "status": ["reported", "reported", "missing", "reported", "partial"],
            "units": [150] * 5,
        }
    )
    fig = charts.completeness_figure(df, title="Báo cáo", in_force=42)
    assert (
        fig.layout.title.text.replace("<br>", " ")
        .replace("\u00a0", " ")
        .startswith("Báo cáo (42 đơn vị đang hoạt động Quý III/2025; hiện 3 đơn vị")
    )
    assert "trong 150 đơn vị từng hoạt động" in fig.layout.title.text.replace("<br>", " ").replace("\u00a0", " ")
    assert sorted(fig.data[0].y) == ["Xã A (X1)", "Xã A (X9)", "Xã B"]  # the merged unit keeps its own row


def test_completeness_grid_says_when_it_shows_only_the_units_with_most_gaps() -> None:
    rows = [("Xã A", "reported"), ("Xã B", "partial"), ("Xã C", "missing")]
    df = pd.DataFrame(
        {
            "name": [n for n, _ in rows],
            "period": [date(2025, 7, 1)] * 3,
            "status": [s for _, s in rows],
            "units": [1200] * 3,
        }
    )
    fig = charts.completeness_figure(df, title="Báo cáo")
    assert (
        fig.layout.title.text.replace("<br>", " ")
        .replace("\u00a0", " ")
        .endswith("(hiện 3 đơn vị báo cáo thiếu nhiều nhất trong 1.200 đơn vị từng hoạt động trong giai đoạn)")
    )
    assert list(fig.data[0].y) == ["Xã A", "Xã B", "Xã C"]  # the most gaps last, drawn on top
    capped = charts.completeness_figure(df.drop(columns="units"), title="Báo cáo", max_rows=2)
    assert list(capped.data[0].y) == [
        "Xã B",
        "Xã C",
    ] and "hiện 2 đơn vị báo cáo thiếu nhiều nhất trong 3" in capped.layout.title.text.replace("<br>", " ").replace(
        "\u00a0", " "
    )
    whole = charts.completeness_figure(df.assign(units=3), title="Báo cáo")
    assert whole.layout.title.text == "Báo cáo"


def test_reporting_rate_profile_and_rank_history() -> None:
    rate = pd.DataFrame({"period": [date(2025, 7, 1)], "rate": [80.0], "reported": [4], "expected": [5]})
    fig = charts.reporting_rate_figure(rate, title="Tỷ lệ")
    assert list(fig.data[0].y) == [80.0] and fig.layout.yaxis.range == (0, 100)
    prof = pd.DataFrame(
        {
            "period": [date(2025, 4, 1), date(2025, 7, 1)],
            "value": [10.0, 20.0],
            "peer_median": [12.0, 15.0],
            "rank": [3.0, None],
            "peers": [9, 9],
        }
    )
    fig = charts.profile_figure(prof, title="Hồ sơ", unit_name="Xã A", y_title="%", color="#123")
    assert [t.name for t in fig.data] == ["Trung vị các đơn vị cùng loại", "Xã A"]
    ranks = charts.rank_history_figure(prof, title="Hạng", color="#123")
    assert list(ranks.data[0].y) == [3.0] and ranks.layout.yaxis.autorange == "reversed"
    assert (
        "Không xếp hạng"
        in charts.rank_history_figure(prof.assign(rank=None), title="H", color="#1").layout.annotations[0].text
    )
