"""The interface strings: one place, Vietnamese and English with the same keys and the same blanks."""

import string

from reform import texts


def blanks(sentence: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(sentence) if name}


def test_english_has_every_vietnamese_key_and_no_other() -> None:
    assert set(texts.EN) == set(texts.VI)


def test_both_languages_fill_the_same_blanks() -> None:
    differ = {k for k in texts.VI if blanks(texts.VI[k]) != blanks(texts.EN[k])}
    assert differ == set()
