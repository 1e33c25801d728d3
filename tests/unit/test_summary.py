import pandas as pd
import pytest

from reform import fmt
from reform import summary as s


@pytest.mark.parametrize(
    ("x", "decimals", "text"),
    [
        (1234567, 0, "1.234.567"),
        (1234.5, 1, "1.234,5"),
        (0, 0, "0"),
        (-3.25, 2, "-3,25"),
        (None, 0, "–"),
        (float("nan"), 1, "–"),
    ],
)
def test_vietnamese_number_format(x, decimals: int, text: str) -> None:
    assert fmt.number(x, decimals) == text


def test_units_of_measure() -> None:
    assert fmt.with_unit(85.5, "%", 1) == "85,5%"
    assert fmt.with_unit(62.26, "% đơn vị", 1) == "62,3%"
    assert fmt.with_unit(2.24, "giờ/cuộc", 1) == "2,2 giờ/cuộc"
    assert fmt.with_unit(1234, "văn bản") == "1.234 văn bản"


def row(value, previous, type_="flow", good="up", unit="tổ chức", decimals=0) -> pd.Series:
    c = s.compare(value, previous, type_, good)
    return pd.Series(
        {
            "value": value,
            "previous": previous,
            "type": type_,
            "good": good,
            "unit": unit,
            "decimals": decimals,
            "change": c.change,
            "change_pct": c.change_pct,
            "tone": c.tone,
        }
    )


@pytest.mark.parametrize(
    ("r", "text", "tone"),
    [
        (row(45, 40), "tăng 5 tổ chức (12,5%)", "good"),
        (row(37, 40), "giảm 3 tổ chức (7,5%)", "bad"),
        (row(40, 40), "không đổi so với cùng kỳ", "neutral"),
        (row(5, 0), "tăng 5 tổ chức (cùng kỳ bằng 0)", "good"),
        (row(5, None), "chưa có số liệu cùng kỳ", "none"),
        (row(None, 5), "chưa có số liệu", "none"),
        (row(92.4, 89.3, "rate", "up", "%", 1), "tăng 3,1 điểm %", "good"),
        (row(62.5, 50.0, "flag", "up", "% đơn vị", 1), "tăng 12,5 điểm %", "good"),
        (row(2.2, 2.6, "rate", "down", "giờ/cuộc", 1), "giảm 0,4 giờ/cuộc", "good"),
        (row(12, 8, "flow", "neutral", "đảng viên"), "tăng 4 đảng viên (50,0%)", "neutral"),
        (row(900, 1200, "flow", "down", "văn bản"), "giảm 300 văn bản (25,0%)", "good"),
    ],
)
def test_change_reads_as_a_party_report_would_write_it(r: pd.Series, text: str, tone: str) -> None:
    assert s.change_text(r) == text
    assert r["tone"] == tone


def test_rates_have_no_relative_change_and_neutral_is_never_judged() -> None:
    assert s.compare(92.4, 89.3, "rate", "up").change_pct is None
    assert s.compare(10, 0, "flow", "up").change_pct is None
    assert s.compare(10, 5, "flow", "up").change_pct == pytest.approx(100.0)
    assert s.tone(-5, "neutral") == "neutral" and s.tone(5, "neutral") == "neutral"
    assert s.tone(-5, "down") == "good" and s.tone(5, "down") == "bad"


def test_movers_rank_good_and_bad_moves_and_leave_neutral_ones_out() -> None:
    rows = pd.DataFrame(
        [
            {"code": "a", "value": 60, "previous": 40, "type": "flow", "good": "up"},  # +50 %
            {"code": "b", "value": 90, "previous": 80, "type": "rate", "good": "up"},  # +10 points
            {"code": "c", "value": 10, "previous": 20, "type": "flow", "good": "up"},  # -50 %
            {"code": "d", "value": 1, "previous": 100, "type": "flow", "good": "neutral"},
            {"code": "e", "value": 5, "previous": None, "type": "flow", "good": "up"},
            {"code": "f", "value": 2.0, "previous": 3.0, "type": "rate", "good": "down"},  # -1 hour: good
        ]
    )
    changes = [s.compare(r.value, r.previous, r.type, r.good) for r in rows.itertuples()]
    rows = rows.assign(
        change=[c.change for c in changes], change_pct=[c.change_pct for c in changes], tone=[c.tone for c in changes]
    )
    good, bad = s.movers(rows, n=2)
    assert good["code"].tolist() == ["a", "b"] and bad["code"].tolist() == ["c"]
    assert "d" not in set(good["code"]) | set(bad["code"])
