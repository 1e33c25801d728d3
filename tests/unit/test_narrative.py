"""The generated commentary on given figures: percent for counts, points for rates, neutral never judged."""

import pytest

from reform import catalog, narrative
from reform.config import DEFAULT_DATA_DIR
from reform.summary import compare

CATALOG = catalog.read_indicators(DEFAULT_DATA_DIR).set_index("code")
PRAISE_OR_BLAME = ["tích cực", "cần quan tâm", "tốt", "kém", "hạn chế", "đáng khen", "yếu"]


def row(code: str, value: float | None, previous: float | None) -> dict:
    """A summary row of the real catalogue with the given figures."""
    c = CATALOG.loc[code]
    change = compare(value, previous, c["type"], c["good"])
    short = c["short_vi"] if isinstance(c["short_vi"], str) else c["name_vi"]
    phrase = c["phrase_vi"] if isinstance(c["phrase_vi"], str) else ""
    return {
        "code": code,
        "name_vi": c["name_vi"],
        "short_vi": short,
        "type": c["type"],
        "good": c["good"],
        "unit": c["unit"],
        "decimals": int(c["decimals"]),
        "phrase_vi": phrase,
        "value": value,
        "previous": previous,
        "change": change.change,
        "change_pct": change.change_pct,
        "tone": change.tone,
    }


def test_the_report_sentence_of_the_issue() -> None:
    text = narrative.opening(
        "Quý III/2025",
        "toàn Đảng bộ",
        [row("kt_tcd", 45, 40), row("tl_vb_di_dientu", 92.4, 89.3)],
        reported=39,
        expected=42,
    )
    assert text == (
        "Quý III/2025, toàn Đảng bộ kiểm tra 45 tổ chức đảng, tăng 12,5% so với cùng kỳ; "
        "tỷ lệ văn bản đi gửi qua mạng đạt 92,4%, tăng 3,1 điểm % so với cùng kỳ; "
        "còn 3 đơn vị chưa báo cáo."
    )


@pytest.mark.parametrize(
    ("code", "value", "previous", "expected"),
    [
        ("kt_tcd", 45, 40, "kiểm tra 45 tổ chức đảng, tăng 12,5% so với cùng kỳ"),  # increase
        ("kt_dv", 1648, 1803, "kiểm tra 1.648 đảng viên, giảm 8,6% so với cùng kỳ"),  # decrease, 1.648
        ("hop_tong", 120, 120, "tổ chức 120 cuộc họp, hội nghị, bằng cùng kỳ"),  # no change
        (
            "tthc_dongian",
            5,
            0,
            "đơn giản hóa 5 thủ tục hành chính trong Đảng, tăng 5 thủ tục so với cùng kỳ (cùng kỳ không có)",
        ),  # zero prior: no infinite percent
        ("kt_tcd", 45, None, "kiểm tra 45 tổ chức đảng, chưa có số liệu cùng kỳ để so sánh"),  # missing prior
        ("tl_vb_kyso", 66.0, 44.6, "tỷ lệ văn bản đi có chữ ký số đạt 66,0%, tăng 21,4 điểm % so với cùng kỳ"),
        ("co_phtt", 75.6, 71.5, "75,6% đơn vị có phòng họp trực tuyến, tăng 4,1 điểm % so với cùng kỳ"),  # flag
        (
            "gio_moi_cuoc",
            2.6,
            2.9,
            "thời lượng bình quân một cuộc họp là 2,6 giờ/cuộc, giảm 0,3 giờ/cuộc so với cùng kỳ",
        ),  # a rate that is not a percentage
        ("kl_dv", 12, 10, "thi hành kỷ luật 12 đảng viên, tăng 20,0% so với cùng kỳ"),  # neutral: plain facts
        ("kt_tcd", None, 40, "chưa có số liệu tổ chức đảng được kiểm tra"),
    ],
)
def test_each_figure_reads_as_a_clause(code, value, previous, expected) -> None:
    assert narrative.clause(row(code, value, previous)) == expected


def test_rates_change_in_points_never_in_percent() -> None:
    text = narrative.clause(row("tl_dv_csdl", 90.9, 83.7))
    assert "điểm %" in text and "%, tăng" in text and "8,6%" not in text


def test_neutral_indicators_are_neither_praised_nor_blamed() -> None:
    rows = [row("kl_dv", 30, 10), row("tc_nhan", 5, 50), row("ktdh_tcd", 8, 2)]
    assert narrative.verdict(rows) == ""
    assert narrative.headline(rows) == "Các chỉ tiêu chính chưa có thay đổi để đánh giá so với cùng kỳ"
    text = narrative.opening("Quý III/2025", "toàn Đảng bộ", rows)
    assert not any(word in text for word in PRAISE_OR_BLAME)


def test_the_verdict_names_good_and_bad_moves_in_the_indicators_direction() -> None:
    rows = [row("hop_tong", 90, 120), row("kt_tcd", 30, 40), row("kl_dv", 30, 10)]
    text = narrative.verdict(rows)
    assert text.startswith("Chuyển biến tích cực: tổng số cuộc họp (giảm 25,0%).")  # fewer meetings is good
    assert "Cần quan tâm: tổ chức đảng được kiểm tra (giảm 25,0%)." in text
    assert "kỷ luật" not in text
    assert narrative.headline(rows, "Toàn Đảng bộ") == (
        "Toàn Đảng bộ: 1 chỉ tiêu chính chuyển biến tích cực, 1 chỉ tiêu cần quan tâm so với cùng kỳ"
    )


def test_a_sentence_becomes_one_figure_a_line_on_screen() -> None:
    assert narrative.bullets(["Quý III/2025, A tăng; B giảm; còn 3 đơn vị chưa báo cáo.", "Câu hai."]) == [
        "Quý III/2025, A tăng;",
        "B giảm;",
        "còn 3 đơn vị chưa báo cáo.",
        "Câu hai.",
    ]


def test_a_rate_first_gets_a_verb_after_the_subject() -> None:
    text = narrative.opening("Quý III/2025", "Đảng bộ xã An Phú", [row("tl_vb_kyso", 50.0, 50.0)])
    assert text == "Quý III/2025, Đảng bộ xã An Phú có tỷ lệ văn bản đi có chữ ký số đạt 50,0%, bằng cùng kỳ."


@pytest.mark.parametrize(
    ("reported", "expected", "text"),
    [
        (42, 42, "tất cả 42 đơn vị đã báo cáo"),
        (39, 42, "còn 3 đơn vị chưa báo cáo"),
        (0, 0, "còn 0 đơn vị chưa báo cáo"),
    ],
)
def test_reporting_clause(reported, expected, text) -> None:
    assert narrative.reporting_clause(reported, expected) == text


def test_abbreviations_keep_their_capitals() -> None:
    assert narrative.lower_first("KT, GS hoàn thành kế hoạch") == "KT, GS hoàn thành kế hoạch"
    assert narrative.lower_first("Tổng số cuộc họp") == "tổng số cuộc họp"
    assert (
        narrative.names_list([f"Đơn vị {i}" for i in range(8)], limit=3)
        == "Đơn vị 0, Đơn vị 1, Đơn vị 2 và 5 đơn vị khác"
    )
