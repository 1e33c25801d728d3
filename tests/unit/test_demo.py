from datetime import date

import pandas as pd
import pytest

from reform import demo, sql
from reform.config import DEFAULT_DATA_DIR


@pytest.fixture(scope="module")
def reg() -> demo.Register:
    return demo.register()


@pytest.fixture(scope="module")
def vals(reg: demo.Register) -> pd.DataFrame:
    return demo.values(reg)


def test_about_150_units_in_one_tree_with_upper_case_ascii_codes(reg: demo.Register) -> None:
    units = reg.units.set_index("code")
    assert 120 <= len(units) <= 180
    assert units.index.is_unique
    assert all(c.isascii() and c == c.upper() for c in units.index)
    roots = units[units["parent_code"].isna()]
    assert list(roots.index) == ["TU"]
    assert set(units["parent_code"].dropna()) <= set(units.index)
    for code in units.index:  # walking up always reaches the root: no cycles
        seen, cur = set(), code
        while pd.notna(units.loc[cur, "parent_code"]):
            assert cur not in seen
            seen.add(cur)
            cur = units.loc[cur, "parent_code"]
        assert cur == "TU"


def test_children_live_within_their_parents_lifetime(reg: demo.Register) -> None:
    units = reg.units.set_index("code")
    far = date(9999, 1, 1)
    for code, u in units[units["parent_code"].notna()].iterrows():
        parent = units.loc[u["parent_code"]]
        assert parent["valid_from"] <= u["valid_from"], code
        assert (u["valid_to"] or far) <= (parent["valid_to"] or far), code


def test_district_level_exists_only_until_the_restructuring(reg: demo.Register) -> None:
    u = reg.units
    districts = u[u["type"] == "huyen_uy"]
    assert len(districts) >= 5 and (districts["valid_to"] == date(2025, 6, 30)).all()
    new = u[u["valid_from"] == demo.MERGE_DAY]
    assert (new["parent_code"] == "TU").all() and len(new) >= 20


def test_lineage_links_every_dissolved_unit_to_units_of_the_new_structure(reg: demo.Register) -> None:
    units = reg.units.set_index("code")
    lin = reg.lineage
    dissolved = set(units.index[units["valid_to"] == date(2025, 6, 30)])
    assert set(lin["old_code"]) == dissolved
    assert (units.loc[lin["new_code"], "valid_from"] == demo.MERGE_DAY).all()
    shares = lin.groupby("old_code")["share"].sum()
    assert shares.round(9).eq(1.0).all()
    assert (lin["share"] > 0).all() and (lin["share"] < 1).any()  # some units were split


def test_values_are_deterministic_and_depend_on_the_seed(reg: demo.Register, vals: pd.DataFrame) -> None:
    again = demo.values(reg)
    pd.testing.assert_frame_equal(vals, again)
    other = demo.values(reg, seed=demo.SEED + 1)
    assert not vals["value"].equals(other["value"])


def test_every_indicator_every_quarter_and_some_gaps(reg: demo.Register, vals: pd.DataFrame) -> None:
    assert vals["indicator_code"].nunique() == 45
    assert vals["period"].nunique() == 15
    assert vals.duplicated(["unit_code", "period", "indicator_code"]).sum() == 0
    reported = vals.groupby("period")["unit_code"].nunique()
    valid_per_quarter = [
        ((reg.units["valid_from"] <= p) & (reg.units["valid_to"].isna() | (reg.units["valid_to"] >= p))).sum()
        for p in reported.index
    ]
    assert (reported.values <= valid_per_quarter).all()
    assert (reported.values < valid_per_quarter).any()  # a few units missing a quarter
    assert (vals["value"] >= 0).all()


def test_numerators_never_exceed_their_denominators(vals: pd.DataFrame, empty_con) -> None:
    wide = vals.pivot_table(index=["unit_code", "period"], columns="indicator_code", values="value")
    rates = sql.run(empty_con, "catalog").query("type == 'rate' and unit == '%'")
    for r in rates.itertuples():
        both = wide[[r.numerator, r.denominator]].dropna()
        assert (both[r.numerator] <= both[r.denominator]).all(), r.code


def _yearly_rate(vals: pd.DataFrame, num: str, den: str, year: int) -> float:
    part = vals[pd.to_datetime(vals["period"]).dt.year == year]
    sums = part.groupby("indicator_code")["value"].sum()
    return sums[num] / sums[den]


def test_the_story_has_real_trends(vals: pd.DataFrame) -> None:
    assert (
        _yearly_rate(vals, "vb_di_dientu", "vb_di_tong", 2026)
        > _yearly_rate(vals, "vb_di_dientu", "vb_di_tong", 2023) + 0.2
    )
    assert _yearly_rate(vals, "vb_kyso", "vb_di_tong", 2026) > _yearly_rate(vals, "vb_kyso", "vb_di_tong", 2023) + 0.3
    assert _yearly_rate(vals, "hop_truc_tuyen", "hop_tong", 2026) > _yearly_rate(
        vals, "hop_truc_tuyen", "hop_tong", 2023
    )
    assert _yearly_rate(vals, "gio_hop", "hop_tong", 2026) < _yearly_rate(vals, "gio_hop", "hop_tong", 2023) - 0.5
    assert _yearly_rate(vals, "vb_giay", "vb_di_tong", 2026) < _yearly_rate(vals, "vb_giay", "vb_di_tong", 2023) / 2


def test_some_units_improve_and_some_slide(vals: pd.DataFrame) -> None:
    part = vals[vals["indicator_code"].isin(["vb_di_dientu", "vb_di_tong"])]
    year = pd.to_datetime(part["period"]).dt.year
    by = part.assign(year=year).pivot_table(
        index=["unit_code", "year"], columns="indicator_code", values="value", aggfunc="sum"
    )
    rate = (by["vb_di_dientu"] / by["vb_di_tong"]).unstack()
    gain = (rate[2024] - rate[2023]).dropna()
    assert (gain > 0.1).any() and (gain < 0.02).any()


def test_demo_is_loaded_from_its_upload_files_through_the_importer(demo_con, vals: pd.DataFrame) -> None:
    uploads = demo_con.execute("select count(*), sum(inserted), min(user_name) from upload").fetchone()
    layouts = {r[0] for r in demo_con.execute("select distinct layout from upload").fetchall()}
    stored = demo_con.execute("select unit_code, period, indicator_code, value from value").df()
    assert uploads == (15, len(stored), "demo")
    assert layouts == {"wide-xlsx", "wide-csv", "long-csv"}
    assert demo_con.execute("select count(*) from value_history where old_value is null").fetchone()[0] == len(stored)
    assert sql.run(demo_con, "meta_get", key="dataset")["value"].tolist() == ["demo"]
    stored["period"] = stored["period"].dt.date
    both = vals.merge(stored, on=["unit_code", "period", "indicator_code"], how="outer", indicator=True)
    assert (both["_merge"] == "both").all(), "the files in data/demo differ from the generator: run make demo-files"
    assert (both["value_x"] == both["value_y"]).all()


def test_demo_files_cover_every_reader() -> None:
    names = sorted(p.name for p in (DEFAULT_DATA_DIR / "demo").iterdir())
    assert len(names) == 15
    assert {n.rsplit("_", 1)[1] for n in names} == {"xlsx.xlsx", "csv-1258.csv", "csv-long.csv", "txt-utf16.txt"}
    text = (DEFAULT_DATA_DIR / "demo" / names[0]).read_bytes()
    assert names[0].endswith("csv-1258.csv") and "Đảng".encode() not in text  # really Windows-1258
