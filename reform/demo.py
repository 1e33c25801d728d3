"""The demo province: an invented "tỉnh Lâm Giang", its units before and after 1 July 2025,
and fifteen quarters of plausible figures, generated deterministically from a seed.

Nothing here is a real figure. Every screen that shows this data says "Dữ liệu minh họa".
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd

from reform import catalog, locks, periods, sql, store

SEED = 2025
DATASET_LABEL = "Dữ liệu minh họa: tỉnh Lâm Giang là tỉnh giả định, số liệu không có thật"
FIRST = periods.quarter(2023, 1)
LAST = periods.quarter(2026, 3)
MERGE_DAY = date(2025, 7, 1)
BEFORE = date(2020, 1, 1)
LAST_OLD_DAY = date(2025, 6, 30)

_DISTRICTS = [
    ("H01", "Thành ủy Lâm Giang", "Phường"),
    ("H02", "Huyện ủy Ngọc Thủy", "Xã"),
    ("H03", "Huyện ủy Đông Lâm", "Xã"),
    ("H04", "Huyện ủy Phước Hòa", "Xã"),
    ("H05", "Thị ủy Kim Sơn", "Phường"),
    ("H06", "Huyện ủy Thanh Mỹ", "Xã"),
    ("H07", "Huyện ủy Vạn Xuân", "Xã"),
    ("H08", "Huyện ủy Hà Lam", "Xã"),
]
_FIRST_SYLLABLE = ["An", "Bình", "Phú", "Tân", "Hòa", "Thạnh", "Long", "Mỹ", "Đức", "Vĩnh", "Phước", "Quảng"]
_SECOND_SYLLABLE = ["Lợi", "Thành", "Hưng", "Thủy", "Lộc", "Thịnh", "Đông", "Tây", "Nam", "Sơn", "Hải", "Tiến"]
COMMUNES_PER_DISTRICT = 12
OLD_PER_NEW = 3


@dataclass(frozen=True)
class Register:
    units: pd.DataFrame
    lineage: pd.DataFrame


def _unit(code: str, name: str, type_: str, parent: str | None, start: date, end: date | None) -> dict:
    return {"code": code, "name": name, "type": type_, "parent_code": parent, "valid_from": start, "valid_to": end}


def register() -> Register:
    """The demo unit register and the lineage of the 1 July 2025 restructuring."""
    units = [
        _unit("TU", "Tỉnh ủy Lâm Giang", "tinh_uy", None, BEFORE, None),
        _unit("VP", "Văn phòng Tỉnh ủy", "ban_dang", "TU", BEFORE, None),
        _unit("BTC", "Ban Tổ chức Tỉnh ủy", "ban_dang", "TU", BEFORE, None),
        _unit("UBKT", "Ủy ban Kiểm tra Tỉnh ủy", "ban_dang", "TU", BEFORE, None),
        _unit("BNC", "Ban Nội chính Tỉnh ủy", "ban_dang", "TU", BEFORE, None),
        _unit("BTG", "Ban Tuyên giáo Tỉnh ủy", "ban_dang", "TU", BEFORE, LAST_OLD_DAY),
        _unit("BDV", "Ban Dân vận Tỉnh ủy", "ban_dang", "TU", BEFORE, LAST_OLD_DAY),
        _unit("BTGDV", "Ban Tuyên giáo và Dân vận Tỉnh ủy", "ban_dang", "TU", MERGE_DAY, None),
        _unit("KCQ", "Đảng bộ Khối các cơ quan tỉnh", "dang_bo_truc_thuoc", "TU", BEFORE, LAST_OLD_DAY),
        _unit("KDN", "Đảng bộ Khối doanh nghiệp tỉnh", "dang_bo_truc_thuoc", "TU", BEFORE, LAST_OLD_DAY),
        _unit("DCQD", "Đảng bộ các cơ quan Đảng tỉnh", "dang_bo_truc_thuoc", "TU", MERGE_DAY, None),
        _unit("DUB", "Đảng bộ Ủy ban nhân dân tỉnh", "dang_bo_truc_thuoc", "TU", MERGE_DAY, None),
        _unit("QS", "Đảng bộ Quân sự tỉnh", "dang_bo_truc_thuoc", "TU", BEFORE, None),
        _unit("CA", "Đảng bộ Công an tỉnh", "dang_bo_truc_thuoc", "TU", BEFORE, None),
    ]
    lineage = [
        ("BTG", "BTGDV", 1.0),
        ("BDV", "BTGDV", 1.0),
        ("KCQ", "DCQD", 0.4),
        ("KCQ", "DUB", 0.6),
        ("KDN", "DUB", 1.0),
    ]
    new_index = 0
    for d, (dcode, dname, kind) in enumerate(_DISTRICTS):
        units.append(_unit(dcode, dname, "huyen_uy", "TU", BEFORE, LAST_OLD_DAY))
        names = _commune_names(d)
        old_codes = []
        for c, cname in enumerate(names):
            prefix = "Thị trấn" if kind == "Xã" and c == 0 else kind
            code = f"{dcode}X{c + 1:02d}"
            old_codes.append(code)
            units.append(_unit(code, f"Đảng bộ {prefix.lower()} {cname}", "dang_bo_xa", dcode, BEFORE, LAST_OLD_DAY))
        new_codes = []
        for g in range(COMMUNES_PER_DISTRICT // OLD_PER_NEW):
            new_index += 1
            code = f"XP{new_index:02d}"
            new_codes.append(code)
            units.append(
                _unit(code, f"Đảng bộ {kind.lower()} {names[g * OLD_PER_NEW]}", "dang_bo_xa", "TU", MERGE_DAY, None)
            )
            for old in old_codes[g * OLD_PER_NEW : (g + 1) * OLD_PER_NEW]:
                lineage.append((old, code, 1.0))
        # the district committee's own work is carried on by the communes of its territory
        lineage += [(dcode, code, 1 / len(new_codes)) for code in new_codes]
        # one commune per district was split between two new communes
        split_old = old_codes[OLD_PER_NEW - 1]
        lineage = [row for row in lineage if row[0] != split_old]
        lineage += [(split_old, new_codes[0], 0.6), (split_old, new_codes[1], 0.4)]
    lineage_df = pd.DataFrame(lineage, columns=["old_code", "new_code", "share"])
    lineage_df["effective"] = MERGE_DAY
    return Register(pd.DataFrame(units), lineage_df)


def _commune_names(district_index: int) -> list[str]:
    """Twelve distinct invented commune names for one district."""
    names = []
    for c in range(COMMUNES_PER_DISTRICT):
        i = district_index * COMMUNES_PER_DISTRICT + c
        a, b = i % 12, i // 12  # (a, b) -> (a, b + 5a mod 12) is one-to-one: no name repeats
        names.append(f"{_FIRST_SYLLABLE[a]} {_SECOND_SYLLABLE[(b + 5 * a) % 12]}")
    return names


# Approximate number of party members of a unit's own organisation, by type.
_SIZE = {
    "tinh_uy": (60, 90),
    "ban_dang": (20, 60),
    "huyen_uy": (80, 160),
    "dang_bo_xa": (250, 1200),
    "dang_bo_truc_thuoc": (2500, 6000),
}
_MEETINGS = {"tinh_uy": 40, "ban_dang": 18, "huyen_uy": 35, "dang_bo_xa": 16, "dang_bo_truc_thuoc": 30}


def _profiles(units: pd.DataFrame, lineage: pd.DataFrame, rng: np.random.Generator) -> pd.DataFrame:
    """Per unit: size, trend (improving > 0 > sliding), meeting base and flag adoption quarters."""
    prof = units[["code", "type"]].copy()
    lo = prof["type"].map(lambda t: _SIZE[t][0])
    hi = prof["type"].map(lambda t: _SIZE[t][1])
    prof["size"] = rng.uniform(lo, hi)
    merged = lineage.merge(prof[["code", "size"]], left_on="old_code", right_on="code")
    inherited = (merged["size"] * merged["share"]).groupby(merged["new_code"]).sum()
    is_new = prof["code"].isin(inherited.index)
    prof.loc[is_new, "size"] = prof.loc[is_new, "code"].map(inherited) * rng.uniform(0.95, 1.05, is_new.sum())
    prof["trend"] = rng.normal(0.0, 1.0, len(prof))
    # bigger committees meet a little more: a commune merged from three is not three communes' meetings
    typical = prof["type"].map(lambda t: sum(_SIZE[t]) / 2)
    prof["meetings"] = prof["type"].map(_MEETINGS) * (prof["size"] / typical) ** 0.4 * rng.uniform(0.7, 1.3, len(prof))
    for flag in ("co_ttdt", "co_phtt", "co_pm_dieuhanh", "co_nq_cchc"):
        prof[flag] = rng.integers(-6, 16, len(prof))  # quarter index from which the unit has it
    return prof.set_index("code")


def _binom(rng: np.random.Generator, n: int, p: float) -> int:
    return int(rng.binomial(max(int(n), 0), float(np.clip(p, 0.0, 0.985))))  # nobody is perfect every quarter


def _unit_quarter(rng: np.random.Generator, prof: pd.Series, t: int, q: int) -> dict[str, float]:
    """Every base indicator of one unit in one quarter (t = quarters since 2023-Q1)."""
    s = prof["size"] * (1 + 0.004 * t)
    p = min(t / 14 * (1 + 0.25 * prof["trend"]), 1.1)  # progress of reform: faster for improving units
    organisations = max(1, s / 28)
    v: dict[str, float] = {}
    v["kt_tcd"] = rng.poisson(organisations * 0.22 * (1.3 if q == 4 else 1.0))
    v["kt_dv"] = rng.poisson(s * 0.02)
    v["gs_tcd"] = rng.poisson(organisations * 0.18)
    v["gs_dv"] = rng.poisson(s * 0.015)
    v["ktdh_tcd"] = rng.poisson(0.05 + s / 4000)
    v["ktdh_dv"] = rng.poisson(0.2 + s / 900)
    v["kt_taichinh"] = rng.poisson(organisations * 0.08 * (0.9 + 0.1 * t / 14))
    v["ktgs_kehoach"] = rng.poisson(2 + s / 180)
    v["ktgs_hoanthanh"] = _binom(rng, v["ktgs_kehoach"], 0.78 + 0.15 * p)
    v["tc_nhan"] = rng.poisson(0.2 + s / 1500)
    v["tc_giaiquyet"] = _binom(rng, v["tc_nhan"], 0.85)
    v["tc_dunghan"] = _binom(rng, v["tc_giaiquyet"], 0.80 + 0.15 * p)
    v["kl_tcd"] = rng.poisson(0.01 + s / 30000)
    v["kl_dv"] = rng.poisson(s / 1800)
    v["hn_bch"] = 1 + rng.poisson(0.3)
    v["hn_btv"] = 3 + rng.poisson(1.5)
    v["giao_ban"] = 3 + rng.poisson(0.3)
    v["hop_tong"] = rng.poisson(prof["meetings"] * (1.05 - 0.25 * min(p, 1.2)))
    v["hop_truc_tuyen"] = _binom(rng, v["hop_tong"], 0.08 + 0.40 * p)
    v["hop_tl_dientu"] = _binom(rng, v["hop_tong"], 0.30 + 0.60 * p)
    v["gio_hop"] = round(v["hop_tong"] * max(1.2, rng.normal(3.3 - 1.0 * p, 0.2)) * 2) / 2
    v["sh_quydinh"] = int(round(organisations)) * 3
    v["sh_dinhky"] = _binom(rng, v["sh_quydinh"], 0.90 + 0.08 * p)
    v["chat_van"] = rng.poisson(organisations * (0.8 + 0.5 * p))
    v["doi_thoai"] = rng.poisson(1 + s / 1200)
    v["kn_nhan"] = rng.poisson(s / 90)
    v["kn_giaiquyet"] = _binom(rng, v["kn_nhan"], 0.70 + 0.22 * p)
    v["vb_di_tong"] = rng.poisson(40 + s / 6)
    v["vb_di_dientu"] = _binom(rng, v["vb_di_tong"], 0.52 + 0.42 * p)
    v["vb_kyso"] = _binom(rng, v["vb_di_dientu"], 0.35 + 0.60 * p)
    v["vb_den_tong"] = rng.poisson(70 + s / 4)
    v["vb_den_dientu"] = _binom(rng, v["vb_den_tong"], 0.60 + 0.36 * p)
    v["vb_giay"] = v["vb_di_tong"] - v["vb_di_dientu"] + rng.poisson(2 * (1 - min(p, 1)))
    v["cb_tong"] = int(round(8 + s / 45))
    v["cb_email"] = _binom(rng, v["cb_tong"], 0.62 + 0.36 * p)
    v["dv_tong"] = int(round(s))
    v["dv_csdl"] = _binom(rng, v["dv_tong"], 0.72 + 0.26 * p)
    v["dv_sotay"] = _binom(rng, v["dv_tong"], 0.12 + 0.62 * p)
    for flag in ("co_ttdt", "co_phtt", "co_pm_dieuhanh", "co_nq_cchc"):
        v[flag] = 1.0 if t >= prof[flag] else 0.0
    v["quyche_rasoat"] = rng.poisson(0.4 + s / 2500)
    v["tthc_dongian"] = rng.poisson(0.2 + s / 5000)
    v["vb_chidao"] = rng.poisson(2 + s / 600)
    return {k: float(x) for k, x in v.items()}


def values(reg: Register, seed: int = SEED) -> pd.DataFrame:
    """All demo values in long form (unit_code, period, indicator_code, value)."""
    rng = np.random.default_rng(seed)
    prof = _profiles(reg.units, reg.lineage, rng)
    units = reg.units.set_index("code")
    rows = []
    for t, period in enumerate(_quarters()):
        valid = units[
            (units["valid_from"] <= period.start) & (units["valid_to"].isna() | (units["valid_to"] >= period.start))
        ]
        late_share = 0.12 if period == LAST else 0.03  # the latest quarter is still coming in
        for code in valid.index:
            figures = _unit_quarter(rng, prof.loc[code], t, period.last_q)
            if rng.random() < late_share:
                continue
            if rng.random() < 0.03:  # a partial report: a few indicators left blank
                for k in rng.choice(sorted(figures), size=5, replace=False):
                    figures.pop(k)
            rows += [(code, period.start, k, x) for k, x in figures.items()]
    return pd.DataFrame(rows, columns=store.VALUE_COLUMNS)


def _quarters() -> list[periods.Period]:
    out, year, q = [], FIRST.year, FIRST.last_q
    while (year, q) <= (LAST.year, LAST.last_q):
        out.append(periods.quarter(year, q))
        year, q = (year + 1, 1) if q == 4 else (year, q + 1)
    return out


FORMATS = ["xlsx", "csv-1258", "csv-long", "txt-utf16"]
DEMO_DIR_NAME = "demo"


def file_name(period: periods.Period) -> str:
    """The demo upload file of a quarter: the formats rotate so the demo exercises every reader."""
    kind = FORMATS[(period.year * 4 + period.last_q) % len(FORMATS)]
    ext = {"xlsx": "xlsx", "csv-1258": "csv", "csv-long": "csv", "txt-utf16": "txt"}[kind]
    return f"bao_cao_{period.code}_{kind}.{ext}"


def write_files(con: duckdb.DuckDBPyConnection, folder: Path, seed: int = SEED) -> list[Path]:
    """Write the demo quarters as the files office staff would send, one per quarter."""
    from reform import demo_files

    folder.mkdir(parents=True, exist_ok=True)
    reg = register()
    vals = values(reg, seed)
    names = reg.units.set_index("code")["name"]
    written = []
    for period in _quarters():
        frame = vals[vals["period"] == period.start]
        path = folder / file_name(period)
        path.write_bytes(demo_files.render(con, file_name(period), period, frame, names))
        written.append(path)
    return written


def load(con: duckdb.DuckDBPyConnection, data_dir: Path) -> int:
    """Fill an empty database with the demo province by importing its quarterly files; return values stored."""
    with locks.writer(con):  # the whole province at once: no page reads it half loaded as "no data"
        return _load(con, data_dir)


def _load(con: duckdb.DuckDBPyConnection, data_dir: Path) -> int:
    from reform import importer

    catalog.sync(con, data_dir)
    reg = register()
    store.replace_units(con, reg.units, reg.lineage)
    stored = 0
    for period in _quarters():
        path = data_dir / DEMO_DIR_NAME / file_name(period)
        prepared = importer.prepare(con, path.read_bytes(), path.name, max_bytes=50 * 1024 * 1024)
        if prepared.report.errors:
            raise RuntimeError(f"{path.name}: {prepared.report.errors[0].message}")
        importer.commit(con, prepared, user="demo")
        stored += len(prepared.report.rows)
    sql.execute(con, "meta_set", key="dataset", value="demo")
    sql.execute(con, "meta_set", key="dataset_label", value=DATASET_LABEL)
    return stored
