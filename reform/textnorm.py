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
    return re.sub(r"[\s_]+", " ", _no_marks(text)).strip().lower()


def _no_marks(text: str) -> str:
    """The text with "đ" as "d" and without diacritics (still in its case and spacing)."""
    decomposed = unicodedata.normalize("NFD", text.translate(_D))
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def fold_many(texts: list[str]) -> list[str]:
    """fold() of many texts at once: each distinct character is folded once, then str.translate does the
    rest (55,000 unit names: 2.5 times faster than one by one)."""
    table = {ord(c): f for c in set("".join(texts)) if (f := _no_marks(c)) != c}
    table[ord("_")] = " "
    return [" ".join(t.translate(table).split()).lower() for t in texts]


def search(index: list[tuple[str, str]], query: str, limit: int) -> list[str]:
    """Codes whose folded "code name" holds the folded query, an exact code first, then codes that start
    with it, then the rest in index order; at most limit. index: (code, fold(f"{code} {name}"))."""
    q = fold(query)
    if not q:
        return []
    hits = [(code, folded) for code, folded in index if q in folded]
    hits.sort(key=lambda h: 0 if fold(h[0]) == q else (1 if h[1].startswith(q) else 2))
    return [code for code, _ in hits[:limit]]


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
