"""Text normalisation shared by the readers: NFC, and a folded form for matching names."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

# "Ð" (U+00D0, Icelandic eth) is often typed for "Đ" (U+0110); both fold to "d".
_D = str.maketrans({"đ": "d", "Đ": "d", "ð": "d", "Ð": "d"})


def nfc(text: str) -> str:
    """The NFC form: macOS and Windows-1258 give decomposed tone marks."""
    return unicodedata.normalize("NFC", text)


def fold(text: object) -> str:
    """Lower case, no diacritics, single spaces: "Mã  ĐV" -> "ma dv", "unit_code" -> "unit code"."""
    return _fold(str(text))


@lru_cache(maxsize=65536)
def _fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFD", text.translate(_D))
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    return re.sub(r"[\s_]+", " ", stripped).strip().lower()


_TONES = {"\u0300", "\u0301", "\u0303", "\u0309", "\u0323"}  # the five tone marks Windows-1258 keeps separate


def to_windows_1258(text: str) -> bytes:
    """Encode as Excel does on a Vietnamese Windows: base letters, then the tone mark as its own character."""
    out = []
    for ch in unicodedata.normalize("NFC", text):
        parts = unicodedata.normalize("NFD", ch)
        tones = "".join(c for c in parts if c in _TONES)
        base = unicodedata.normalize("NFC", "".join(c for c in parts if c not in _TONES))
        out.append(base + tones)
    return "".join(out).encode("cp1258")
