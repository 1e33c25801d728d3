from datetime import date

import pytest

from reform import periods


@pytest.mark.parametrize(
    "text",
    ["2025-Q3", "Q3/2025", "Quý III/2025", "quý 3 năm 2025", "QIII/2025", "  quý III / 2025 ", "QUÝ III NĂM 2025"],
)
def test_quarter_forms_staff_write(text: str) -> None:
    p = periods.parse(text)
    assert (p.code, p.label, p.start) == ("2025-Q3", "Quý III/2025", date(2025, 7, 1))


@pytest.mark.parametrize(
    ("text", "code", "first", "last"),
    [
        ("2025-H1", "2025-H1", 1, 2),
        ("6 tháng năm 2025", "2025-H1", 1, 2),
        ("9 tháng 2025", "2025-9M", 1, 3),
        ("2025-9M", "2025-9M", 1, 3),
        ("Năm 2024", "2024-FY", 1, 4),
        ("2024-FY", "2024-FY", 1, 4),
    ],
)
def test_cumulative_periods_run_from_january(text: str, code: str, first: int, last: int) -> None:
    p = periods.parse(text)
    assert (p.code, p.first_q, p.last_q) == (code, first, last)
    assert [q.code for q in p.quarters()] == [f"{p.year}-Q{i}" for i in range(first, last + 1)]


@pytest.mark.parametrize("text", ["3/2025", "03/2025", "3-2025"])
def test_month_year_is_refused_as_ambiguous(text: str) -> None:
    with pytest.raises(periods.PeriodError, match="tháng/năm"):
        periods.parse(text)


@pytest.mark.parametrize("text", ["", "Q5/2025", "quý 0 năm 2025", "2025", "abc", "Q3/25"])
def test_unreadable_periods_say_how_to_write_them(text: str) -> None:
    with pytest.raises(periods.PeriodError, match="Quý III/2025"):
        periods.parse(text)


def test_same_period_last_year_and_quarter_of_a_date() -> None:
    assert periods.parse("Quý I/2026").shift_years(-1).code == "2025-Q1"
    assert periods.from_date(date(2025, 9, 30)).code == "2025-Q3"
    assert periods.cumulative(2025, 3).label == "9 tháng năm 2025"
