"""Finding a unit by part of its code or name, with or without diacritics."""

from hypothesis import given, settings
from hypothesis import strategies as st

from reform import textnorm

UNITS = {
    "XP01": "Đảng bộ xã An Hưng",
    "XP010": "Đảng bộ xã Long Sơn",
    "P01XP01": "Đảng bộ phường Xuân Phú",
    "BTC": "Ban Tổ chức Tỉnh ủy",
}
INDEX = [(c, textnorm.fold(f"{c} {n}")) for c, n in UNITS.items()]


def test_an_exact_code_comes_first_then_codes_that_start_with_it_then_the_rest() -> None:
    assert textnorm.search(INDEX, "xp01", 10) == ["XP01", "XP010", "P01XP01"]


def test_names_match_without_diacritics_and_with_them() -> None:
    assert textnorm.search(INDEX, "an hung", 10) == ["XP01"]
    assert textnorm.search(INDEX, "Tổ chức", 10) == ["BTC"]
    assert textnorm.search(INDEX, "  ĐẢNG BỘ   xã ", 10) == ["XP01", "XP010"]


def test_at_most_limit_and_nothing_for_an_empty_or_unknown_query() -> None:
    assert len(textnorm.search(INDEX, "dang bo", 2)) == 2
    assert textnorm.search(INDEX, "   ", 10) == []
    assert textnorm.search(INDEX, "không có", 10) == []


@settings(max_examples=300, deadline=None)
@given(st.lists(st.text(), max_size=20))
def test_folding_many_texts_at_once_gives_what_folding_each_gives(texts: list[str]) -> None:
    assert textnorm.fold_many(texts) == [textnorm.fold(x) for x in texts]


def test_folding_many_vietnamese_names() -> None:
    names = ["Đảng bộ xã An Hưng", "Ban Tổ chức  Tỉnh ủy", "Ð\u0061\u0300ng_u\u0309y", "Xã Ðông Hòa"]
    assert textnorm.fold_many(names) == ["dang bo xa an hung", "ban to chuc tinh uy", "dang uy", "xa dong hoa"]
