"""The chart of a briefing slide on screen: traces, values, titles, colours, the empty case."""

import pytest

from reform import charts
from reform.deck import Chart, Series

BARS = Chart(
    "bar",
    "Các chỉ tiêu chính: thay đổi so với cùng kỳ, Quý III/2025",
    ["Tổ chức đảng được kiểm tra", "Tổng số cuộc họp"],
    [Series("Thay đổi (%)", [6.8, -51.0], point_colors=["#2a8a5c", "#2a8a5c"])],
    "%",
    1,
)
LINES = Chart(
    "line",
    "Hội họp: các tỷ lệ chính, Quý IV/2024 – Quý III/2025",
    ["Quý IV/2024", "Quý I/2025"],
    [Series("Họp trực tuyến", [28.9, None], "#1f5fa8"), Series("Họp có tài liệu điện tử", [62.1, 63.5])],
    "%",
    1,
)


def test_horizontal_bars_carry_values_colours_and_room_for_labels() -> None:
    fig = charts.slide_figure(BARS)
    (bar,) = fig.data
    assert bar.orientation == "h" and list(bar.x) == [6.8, -51.0] and list(bar.y) == BARS.categories
    assert list(bar.marker.color) == ["#2a8a5c", "#2a8a5c"]  # fewer meetings is good: green though negative
    low, high = fig.layout.xaxis.range
    assert low < -51.0 and high > 6.8
    assert fig.layout.separators == ",." and fig.layout.title.text == BARS.title
    assert fig.layout.xaxis.title.text == "%" and not fig.layout.showlegend


def test_lines_one_trace_per_series_with_gaps_kept() -> None:
    fig = charts.slide_figure(LINES, projector=True)
    assert [t.name for t in fig.data] == ["Họp trực tuyến", "Họp có tài liệu điện tử"]
    assert list(fig.data[0].y) == [28.9, None] and fig.layout.showlegend
    assert fig.layout.font.size == charts.PROJECTOR_FONT_SIZE and fig.layout.xaxis.tickfont.size >= 20


@pytest.mark.parametrize(
    "chart", [None, Chart("column", "Tỷ lệ đơn vị đã báo cáo", [], [], "%", empty_message="Chưa có kỳ báo cáo nào")]
)
def test_nothing_to_draw_says_so(chart) -> None:
    fig = charts.slide_figure(chart)
    assert not fig.data
    assert fig.layout.annotations[0].text in {"Chưa có kỳ báo cáo nào", "Trang này không có biểu đồ"}


RATES = Chart(
    "column",
    "Tỷ lệ đơn vị đã báo cáo, Quý IV/2024 – Quý III/2026",
    [f"Quý {q}/{y}" for y, q in [(2024, "IV"), (2025, "I"), (2025, "II"), (2025, "III"), (2025, "IV"), (2026, "I")]]
    + ["Quý II/2026", "Quý III/2026"],
    [Series("Đơn vị đã báo cáo (%)", [99.1, 94.8, 99.1, 97.6, 97.6, 95.2, 97.6, 83.3])],
    "%",
    1,
)


@pytest.mark.parametrize("projector", [False, True])
def test_a_rate_axis_ends_at_100_and_a_change_in_percent_is_not_capped(projector: bool) -> None:
    assert list(charts.slide_figure(RATES, projector=projector).layout.yaxis.range) == [0, 100]
    low, high = charts.slide_figure(LINES, projector=projector).layout.yaxis.range
    assert high == 100 and low == 20  # lines start at a round ten below their lowest point (28,9)
    assert list(charts.slide_figure(BARS, projector=projector).layout.xaxis.range) != [0, 100]


def test_a_ranking_of_rates_ends_at_100_with_room_for_its_labels() -> None:
    chart = Chart("bar", "Xếp hạng", ["1. Xã A", "2. Xã B"], [Series("Quý III/2026", [100.0, 86.1])], "%", 1)
    for projector in (False, True):
        fig = charts.slide_figure(chart, projector=projector)
        assert list(fig.layout.xaxis.range) == [0, 100] and fig.layout.margin.r >= 80


def test_many_quarters_are_named_on_two_lines_without_repeating_the_word() -> None:
    axis = charts.slide_figure(RATES, projector=True).layout.xaxis
    assert axis.ticktext[0] == "IV<br>2024" and axis.title.text == "Quý"
    few = charts.slide_figure(LINES, projector=True).layout.xaxis
    assert few.ticktext[0] == "Quý IV<br>2024" and few.title.text is None


def test_projector_legend_sits_at_the_foot_and_the_page_writes_the_title() -> None:
    fig = charts.slide_figure(LINES, projector=True)
    assert fig.layout.legend.yref == "container" and fig.layout.legend.y == 0 and fig.layout.legend.yanchor == "bottom"
    assert fig.layout.title.text is None and fig.layout.height is None  # the page sizes it to the window


def test_crowded_bars_name_every_category_and_label_the_current_period_only() -> None:
    names = [f"Đảng bộ xã {i}" for i in range(15)]
    chart = Chart("bar", "t", names, [Series("Cùng kỳ", [50.0] * 15), Series("Kỳ này", [60.0] * 15)], "%", 1)
    fig = charts.slide_figure(chart, projector=True)
    assert list(fig.layout.yaxis.tickvals) == names
    assert fig.data[0].texttemplate is None and fig.data[1].texttemplate


def test_quarters_are_joined_for_the_browser_too() -> None:
    assert (
        charts.keep_quarters("Tổng quan Quý III/2026 và Quý I/2025") == "Tổng quan Quý\u00a0III/2026 và Quý\u00a0I/2025"
    )
    assert charts.keep_quarters("Quý khách") == "Quý khách"


def test_a_wrapped_title_never_splits_a_quarter() -> None:
    title = "Văn bản đi gửi qua mạng của các đơn vị trực thuộc, so sánh giữa Quý III/2026"
    for width in range(20, len(title)):
        lines = charts._wrap(title, width).split("<br>")
        assert not any(line.endswith("Quý") for line in lines)
        assert "Quý\u00a0III/2026" in lines[-1]


def test_projector_bars_name_every_unit_even_a_hostile_name() -> None:
    hostile = Chart(
        "bar",
        "Xếp hạng",
        ["Đảng bộ <b>A</b> & B", "<img src=x onerror=alert(1)>"],
        [Series("Tỷ lệ", [40.0, 60.0])],
        "%",
        1,
    )
    fig = charts.slide_figure(hostile, projector=True)
    # the tick values are the bars' own (escaped) categories, so no unit loses its label on the projector
    assert list(fig.layout.yaxis.tickvals) == list(fig.data[0].y)
    assert "<img" not in str(fig.layout.yaxis.tickvals) and "&lt;img" in str(fig.data[0].y)
