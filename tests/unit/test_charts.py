from datetime import date

import pandas as pd

from reform import charts


def test_trend_has_one_trace_per_indicator_with_quarter_labels_and_vietnamese_separators() -> None:
    df = pd.DataFrame(
        [(date(2025, 4, 1), "a", 50.0), (date(2025, 7, 1), "a", 60.0), (date(2025, 7, 1), "b", 10.0)],
        columns=["period", "indicator_code", "value"],
    )
    fig = charts.trend_figure(df, title="Tỷ lệ, Quý III/2025", y_title="Tỷ lệ (%)", names={"a": "Chỉ tiêu A", "b": "B"})
    assert [t.name for t in fig.data] == ["Chỉ tiêu A", "B"]
    assert list(fig.data[0].x) == ["Quý II/2025", "Quý III/2025"] and list(fig.data[0].y) == [50.0, 60.0]
    assert fig.layout.separators == ",."
    assert fig.layout.title.text == "Tỷ lệ, Quý III/2025" and fig.layout.yaxis.title.text == "Tỷ lệ (%)"


def test_an_empty_trend_says_what_is_missing() -> None:
    fig = charts.trend_figure(
        pd.DataFrame(columns=["period", "indicator_code", "value"]), title="T", y_title="%", names={"a": "A"}
    )
    assert fig.data == ()
    assert "Chưa có số liệu" in fig.layout.annotations[0].text
