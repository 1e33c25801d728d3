import pandas as pd
import pytest

from reform import catalog
from reform.config import DEFAULT_DATA_DIR

# DOMAIN.md §4: the codes are a contract with uploads and tests.
DOMAIN_CODES = {
    "kiem_tra": "kt_tcd kt_dv gs_tcd gs_dv ktdh_tcd ktdh_dv kt_taichinh ktgs_kehoach ktgs_hoanthanh "
    "tc_nhan tc_giaiquyet tc_dunghan kl_tcd kl_dv",
    "hoi_hop": "hn_bch hn_btv giao_ban hop_tong hop_truc_tuyen hop_tl_dientu gio_hop sh_dinhky sh_quydinh "
    "chat_van doi_thoai kn_nhan kn_giaiquyet",
    "cntt": "vb_di_tong vb_di_dientu vb_kyso vb_den_tong vb_den_dientu vb_giay cb_tong cb_email dv_tong dv_csdl "
    "dv_sotay co_ttdt co_phtt co_pm_dieuhanh",
    "the_che": "quyche_rasoat tthc_dongian vb_chidao co_nq_cchc",
}
NEUTRAL = {
    "ktdh_tcd",
    "ktdh_dv",
    "ktgs_kehoach",
    "tc_nhan",
    "kl_tcd",
    "kl_dv",
    "hn_bch",
    "hn_btv",
    "giao_ban",
    "sh_quydinh",
    "kn_nhan",
    "vb_di_tong",
    "vb_den_tong",
    "cb_tong",
    "dv_tong",
    "vb_chidao",
}
DOWN = {"hop_tong", "gio_hop", "vb_giay"}
STOCKS = {"cb_tong", "cb_email", "dv_tong", "dv_csdl", "dv_sotay"}
FLAGS = {"co_ttdt", "co_phtt", "co_pm_dieuhanh", "co_nq_cchc"}
DERIVED = [
    ("ktgs_hoanthanh", "ktgs_kehoach"),
    ("tc_dunghan", "tc_giaiquyet"),
    ("hop_truc_tuyen", "hop_tong"),
    ("hop_tl_dientu", "hop_tong"),
    ("gio_hop", "hop_tong"),
    ("sh_dinhky", "sh_quydinh"),
    ("kn_giaiquyet", "kn_nhan"),
    ("vb_di_dientu", "vb_di_tong"),
    ("vb_kyso", "vb_di_tong"),
    ("vb_den_dientu", "vb_den_tong"),
    ("cb_email", "cb_tong"),
    ("dv_csdl", "dv_tong"),
    ("dv_sotay", "dv_tong"),
]


@pytest.fixture(scope="module")
def indicators() -> pd.DataFrame:
    return catalog.read_indicators(DEFAULT_DATA_DIR).set_index("code")


def test_every_domain_code_is_in_its_group_with_a_vietnamese_name(indicators: pd.DataFrame) -> None:
    for group, codes in DOMAIN_CODES.items():
        for code in codes.split():
            assert code in indicators.index, code
            row = indicators.loc[code]
            assert row["group_code"] == group, code
            assert any(ord(ch) > 127 for ch in row["name_vi"]), f"{code}: {row['name_vi']!r} is not Vietnamese"


def test_types_and_directions_follow_the_domain(indicators: pd.DataFrame) -> None:
    base = indicators[indicators["type"] != "rate"]
    assert len(base) == 45
    assert set(base.index[base["type"] == "stock"]) == STOCKS
    assert set(base.index[base["type"] == "flag"]) == FLAGS
    assert set(base.index[base["good"] == "neutral"]) == NEUTRAL
    assert set(base.index[base["good"] == "down"]) == DOWN


def test_every_derived_rate_is_a_catalogue_row_naming_existing_codes(indicators: pd.DataFrame) -> None:
    rates = indicators[indicators["type"] == "rate"]
    assert sorted(zip(rates["numerator"], rates["denominator"], strict=True)) == sorted(DERIVED)
    assert set(rates["numerator"]) | set(rates["denominator"]) <= set(indicators.index)
    assert (rates["scale"] > 0).all()


def test_flags_have_a_yes_no_range_and_counts_cannot_be_negative(indicators: pd.DataFrame) -> None:
    base = indicators[indicators["type"] != "rate"]
    assert (base["min_value"] == 0).all()
    assert (base.loc[list(FLAGS), "max_value"] == 1).all()


@pytest.mark.parametrize(
    ("change", "problem"),
    [
        (lambda df: pd.concat([df, df.iloc[[0]]]), "mã trùng"),
        (lambda df: df.assign(type=df["type"].where(df.index > 0, "average")), "loại average"),
        (lambda df: df.assign(good=df["good"].where(df.index > 0, "sideways")), "chiều sideways"),
        (lambda df: df.assign(numerator=df["numerator"].replace("vb_kyso", "vb_khong_co")), "tử số/mẫu số"),
        (lambda df: df.assign(code=df["code"].where(df.index > 0, "KT TCD")), "mã không hợp lệ"),
        (lambda df: df.assign(name_vi=df["name_vi"].where(df.index > 0, " ")), "thiếu tên"),
    ],
)
def test_a_broken_catalogue_is_refused_with_the_reason(change, problem: str) -> None:
    df = catalog.read_indicators(DEFAULT_DATA_DIR).reset_index(drop=True)
    problems = catalog.check_indicators(change(df), catalog.read_groups(DEFAULT_DATA_DIR))
    assert any(problem in p for p in problems), problems


def test_catalogue_reloads_only_when_its_files_change(empty_con, tmp_path) -> None:
    assert catalog.sync(empty_con, DEFAULT_DATA_DIR) is False
    for name in ("indicators.csv", "indicator_groups.csv"):
        (tmp_path / name).write_bytes((DEFAULT_DATA_DIR / name).read_bytes())
    with open(tmp_path / "indicators.csv", "a", encoding="utf-8") as f:
        f.write("moi_them,Chỉ tiêu mới thêm,,the_che,flow,up,văn bản,0,100,,,,0,0,499\n")
    assert catalog.sync(empty_con, tmp_path) is True
    assert empty_con.execute("select name_vi from indicator where code = 'moi_them'").fetchone() == (
        "Chỉ tiêu mới thêm",
    )
