"""One rounding for every screen: half away from zero, and never an exception on a finite number."""

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from reform import fmt


@pytest.mark.parametrize(
    ("x", "decimals", "expected"),
    [(83.85, 1, 83.9), (98.747, 1, 98.7), (-0.25, 1, -0.3), (2.5, 0, 3.0), (-2.5, 0, -3.0), (0.0, 2, 0.0)],
)
def test_rounds_half_away_from_zero(x: float, decimals: int, expected: float) -> None:
    assert fmt.rounded(x, decimals) == expected


@pytest.mark.parametrize("x", [1e30, -1e30, 1.7e308, -1.7e308, 5e-324])
def test_huge_and_tiny_values_are_written_not_raised(x: float) -> None:
    # An office cell of 1E+30 must reach the "out of range" message, not crash the validator.
    text = fmt.number(x)
    assert text.replace(".", "").lstrip("-").isdigit()
    assert math.isclose(fmt.rounded(x, 0), round(x), rel_tol=1e-12, abs_tol=1)


@given(st.floats(allow_nan=False, allow_infinity=False), st.integers(min_value=0, max_value=3))
def test_any_finite_float_rounds_within_half_a_step(x: float, decimals: int) -> None:
    r = fmt.rounded(x, decimals)
    assert math.isfinite(r)
    assert abs(r - x) <= 0.5 * 10**-decimals + abs(x) * 1e-15 + 1e-9


def test_missing_values_show_a_dash() -> None:
    assert fmt.number(None) == "–"
    assert fmt.percent(float("nan")) == "–"
    assert fmt.number(-0.4) == "0"
