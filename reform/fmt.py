"""Numbers written the Vietnamese way: 1.234.567 and 85,5%."""

from __future__ import annotations

import math
import re
from decimal import ROUND_HALF_UP, Context, Decimal


def missing(x: object) -> bool:
    """No value: None or NaN (how a blank cell or an unreported figure arrives)."""
    return x is None or (isinstance(x, float) and math.isnan(x))


_WIDE = Context(prec=400)


def rounded(x: float, decimals: int = 0) -> float:
    """x rounded once, half away from zero: 83.85 -> 83.9, 98.747 -> 98.7 (1 decimal), -0.25 -> -0.3.

    The float is first read to 9 decimals, so that 83.85 computed as 83.84999999999999 still rounds up;
    every screen, chart label, sentence and file shows this one rounding."""
    if not math.isfinite(float(x)):
        return float(x)
    exact = Decimal(f"{float(x):.9f}")
    # Precision enough for any finite float (up to ~1e308 with 9 decimals), so huge values never raise.
    return float(exact.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP, context=_WIDE))


def number(x: float | None, decimals: int = 0) -> str:
    """1234567.8 -> "1.234.567,8"; None -> "–"; rounded half away from zero (see rounded)."""
    if missing(x):
        return "–"
    x = rounded(x, decimals)
    if x == 0:
        x = 0.0  # never "-0"
    text = f"{x:,.{decimals}f}"
    return text.replace(",", "\x00").replace(".", ",").replace("\x00", ".")


def percent(x: float | None, decimals: int = 1) -> str:
    """85.5 -> "85,5%" (x is already in percent)."""
    return "–" if missing(x) else f"{number(x, decimals)}%"


def with_unit(x: float | None, unit: str, decimals: int = 0) -> str:
    """A value with its unit of measure: "85,5%", "2,3 giờ/cuộc", "1.234 văn bản"."""
    if unit == "%" or unit.startswith("% "):  # "% đơn vị": share of units
        return percent(x, decimals)
    return number(x, decimals) if missing(x) or not unit else f"{number(x, decimals)} {unit}"


def compact(x: float | None) -> str:
    """A stored value as short as it can be: 1234 -> "1.234", 2.5 -> "2,5", 2.25 -> "2,25"."""
    if missing(x):
        return "–"
    if float(x).is_integer():
        return number(x, 0)
    return number(x, 2).rstrip("0")


_MARKDOWN = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~:$@=&])")
# Backslashes do not stop the renderer's bare-link detection (an e-mail, "http://", "www."): an invisible
# word joiner (U+2060) after "@", ":" and "www" breaks the pattern and changes nothing on screen.
_AUTOLINK = re.compile(r"(@|:|(?i:www))")
JOINER = "\u2060"


def plain(text: object) -> str:
    """Text from a person or a file (a unit name, a deck name, a note, a file name, an e-mail) made inert for
    Streamlit's Markdown: every character Markdown, links, images, emoji codes, colours or formulas act on is
    escaped, and line breaks become spaces, so it shows as the text it is."""
    unlinked = _AUTOLINK.sub(lambda m: m.group(1) + JOINER, str(text))
    return _MARKDOWN.sub(r"\\\1", unlinked).replace("\r", " ").replace("\n", " ")
