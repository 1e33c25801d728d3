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
