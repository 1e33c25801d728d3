"""Benchmark of the Overview page queries: DuckDB (the project's SQL) against plain pandas.

It builds a synthetic database at a chosen scale through the project's own code
(reform.db migrations, catalog.sync, store.replace_units; the bulk values are generated
in DuckDB SQL), then times the queries the Overview page runs -- summary (latest quarter
against the same quarter a year earlier), trend (last 8 quarters), periods_with_data and
trend over the whole history (what the page's chart asks for), all at the root scope --
and the same computation done in pandas on DataFrames already in memory. Each query is
timed as it runs now (reading the rollup the writer keeps, migration 007) and as it ran
before (the same text summing the value table: the macros without the rollup_ prefix).
It prints the times and their ratio, checks that all give the same results, and times
what refreshing the rollup for one quarter adds to a write; it never asserts anything
about the times. Opening a bench file built before migration 007 backfills the rollup
(the time is printed).

    .venv/bin/python bench/overview_bench.py --scale province
    .venv/bin/python bench/overview_bench.py --scale national [--db FILE] [--repeat 5] [--keep]
        [--no-before]   # skip the queries as they ran before the rollup (the full history takes ~30 s each)

province: 3,000 units x 15 quarters (2023-Q1..2026-Q3) x 45 base indicators (~2 M values)
national: 55,000 units (34 provinces) x 40 quarters (2017-Q1..2026-Q4) x 45 (~99 M values)
(about 4 % fewer are stored: some reports are missing on purpose, see GAP_PCT and below).

Without --db the database goes to a fresh temporary folder and is deleted at the end
unless --keep. An existing --db file is reused when it holds bench data of the same
scale (the build is then skipped) and is never deleted.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from reform import catalog, config, db, rollup, sql, store  # noqa: E402

# ---------------------------------------------------------------- scales and register


@dataclass(frozen=True)
class Scale:
    name: str
    units: int  # all units, the root included
    provinces: int  # 0: the root is the province committee itself
    first: date  # first quarter (first day)
    quarters: int


SCALES = {
    "province": Scale("province", 3_000, 0, date(2023, 1, 1), 15),
    "national": Scale("national", 55_000, 34, date(2017, 1, 1), 40),
}
ROOT = "TU"
VALID_FROM = date(2000, 1, 1)
DIRECT_TYPES = ["ban_dang"] * 8 + ["dang_bo_truc_thuoc"] * 12 + ["huyen_uy"] * 80  # ~100 direct units
GAP_PCT = 3  # % of unit-quarters with no report at all
LATE_PCT = 20  # % of units whose report for the latest quarter is not in yet
BLANK_PER_MILLE = 5  # single values left blank in a report
TREND_QUARTERS = 8
CHART_START = date(2000, 1, 1)  # pages/overview.py asks the chart's trend from 2000-Q1: the whole history


def quarters(scale: Scale) -> list[date]:
    """First days of the scale's quarters, oldest first."""
    start = scale.first.year * 4 + (scale.first.month - 1) // 3
    return [date((start + i) // 4, 3 * ((start + i) % 4) + 1, 1) for i in range(scale.quarters)]


def qlabel(d: date) -> str:
    return f"{d.year}-Q{(d.month - 1) // 3 + 1}"


def _unit(code: str, name: str, type_: str, parent: str | None) -> dict:
    return {
        "code": code,
        "name": name,
        "type": type_,
        "parent_code": parent,
        "valid_from": VALID_FROM,
        "valid_to": None,
    }


def province_units(prefix: str, code: str, parent: str | None, size: int) -> list[dict]:
    """A province committee, up to 100 units directly under it and the rest below those."""
    rows = [_unit(code, f"Tỉnh ủy {code} (giả định)", "tinh_uy", parent)]
    direct = [(f"{prefix}D{i + 1:03d}", DIRECT_TYPES[i]) for i in range(min(len(DIRECT_TYPES), size - 1))]
    rows += [_unit(c, f"Đơn vị {c} (giả định)", t, code) for c, t in direct]
    hosts = [(c, t) for c, t in direct if t != "ban_dang"]
    for j in range(size - 1 - len(direct)):
        host, host_type = hosts[j % len(hosts)]
        child = f"{prefix}C{j + 1:05d}"
        kind = "dang_bo_xa" if host_type == "huyen_uy" else "dang_bo_truc_thuoc"
        rows.append(_unit(child, f"Đảng bộ cơ sở {child} (giả định)", kind, host))
    return rows


def register(scale: Scale) -> pd.DataFrame:
    """The synthetic unit register: one province, or a national root with provinces below."""
    if scale.provinces == 0:
        return pd.DataFrame(province_units("", ROOT, None, scale.units))
    rows = [_unit(ROOT, "Trung ương (giả định)", "tinh_uy", None)]
    base, extra = divmod(scale.units - 1, scale.provinces)
    for p in range(scale.provinces):
        code = f"P{p + 1:02d}"
        rows += province_units(code, code, ROOT, base + (1 if p < extra else 0))
    return pd.DataFrame(rows)


# ---------------------------------------------------------------- building the database

VALUES_SQL = """
insert into value
select u.code, $period, g.code,
    case when g.type = 'flag'
        then ((hash(u.code, g.code) % 48)::bigint - 8 <= $t)::int::double
        else floor((hash(u.code, $period, g.root) % 1000) * g.frac
                   * (0.9 + (hash(u.code, $period, g.code) % 100) / 1000))
    end,
    $upload_id
from units as u
cross join bench_gen as g
where hash(u.code, $period) % 100 >= $gap
  and hash(u.code, g.code, $period) % 1000 >= $blank
"""


def generators(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Per base indicator: the code its random draw follows and a factor, so that the
    numerator of a rate stays at or below its denominator (hours per meeting: about 3)."""
    ind = con.execute("select code, type, numerator, denominator from indicator").df()
    rates = ind[ind["type"] == "rate"]
    den_of = dict(zip(rates["numerator"], rates["denominator"], strict=True))
    base = ind[ind["type"] != "rate"][["code", "type"]].copy()
    base["root"] = [den_of.get(c, c) for c in base["code"]]
    base["frac"] = [3.0 if c == "gio_hop" else 0.85 if c in den_of else 1.0 for c in base["code"]]
    return base


def record_upload(con: duckdb.DuckDBPyConnection, scale: Scale) -> int:
    """One upload row for the bulk load (counts filled in afterwards)."""
    upload_id = int(sql.run(con, "next_id_upload")["id"].iloc[0])  # no sequence: max + 1, as the writer does
    sql.execute(
        con,
        "store_insert_upload",
        id=upload_id,
        file_name=f"Dữ liệu benchmark tổng hợp ({scale.name})",
        sha256=store.sha256(f"bench:{scale}".encode()),
        layout="bench",
        user_name="bench",
        created_at=datetime.now(),
        rows=0,
        inserted=0,
        updated=0,
        unchanged=0,
    )
    return upload_id


def fill_values(con: duckdb.DuckDBPyConnection, scale: Scale, upload_id: int) -> int:
    """Generate the values quarter by quarter (in period order); return how many."""
    con.register("gen_df", generators(con))
    con.execute("create or replace temp table bench_gen as select * from gen_df")
    con.unregister("gen_df")
    qs = quarters(scale)
    for t, period in enumerate(qs):
        gap = LATE_PCT if period == qs[-1] else GAP_PCT
        con.execute(
            VALUES_SQL, {"period": period, "t": t, "gap": gap, "blank": BLANK_PER_MILLE, "upload_id": upload_id}
        )
    n = con.execute("select count(*) from value").fetchone()[0]
    con.execute("update upload set rows = $n, inserted = $n where id = $id", {"n": n, "id": upload_id})
    return n


def build(path: Path, scale: Scale) -> float:
    """Create the database at path; return the seconds it took (checkpoint included)."""
    t0 = time.perf_counter()
    con = db.connect(path)
    try:
        catalog.sync(con, config.DEFAULT_DATA_DIR)
        lineage = pd.DataFrame({"old_code": [], "new_code": [], "share": [], "effective": []})
        store.replace_units(con, register(scale), lineage.astype({"share": float}))
        fill_values(con, scale, record_upload(con, scale))
        rollup.refresh(con)  # the values went in by SQL, around the writer: sum the rollup once
        sql.execute(con, "meta_set", key="dataset", value=f"bench:{scale.name}")
        sql.execute(con, "meta_set", key="dataset_label", value="Dữ liệu benchmark tổng hợp, không có thật")
        con.execute("checkpoint")
    finally:
        con.close()
    return time.perf_counter() - t0


def is_bench_db(path: Path, scale: Scale) -> bool:
    """Whether an existing file is a bench database of this scale."""
    try:
        con = duckdb.connect(str(path), read_only=True)
    except duckdb.Error:
        return False
    try:
        row = con.execute("select value from meta where key = 'dataset'").fetchone()
    except duckdb.Error:
        row = None
    finally:
        con.close()
    return row is not None and row[0] == f"bench:{scale.name}"


def file_size(path: Path) -> int:
    wal = Path(f"{path}.wal")
    return path.stat().st_size + (wal.stat().st_size if wal.exists() else 0)


# ---------------------------------------------------------------- pandas baseline: data


@dataclass
class Frames:
    values: pd.DataFrame  # unit_code, period, indicator_code (categorical), value (float64)
    units: pd.DataFrame
    closure: pd.DataFrame
    lineage: pd.DataFrame
    catalog: pd.DataFrame  # indicators in catalogue order, with across_quarters


LOAD_SQL = """
select u.i as unit, p.i as period, k.i as ind, v.value
from value as v
join bench_unit_ix as u on u.code = v.unit_code
join bench_period_ix as p on p.period = v.period
join bench_ind_ix as k on k.code = v.indicator_code
"""
INDEX_SQL = {
    "bench_unit_ix": "select code, (row_number() over (order by code) - 1)::int32 as i from units",
    "bench_period_ix": "select period, (row_number() over (order by period) - 1)::int8 as i "
    "from (select distinct period from value)",
    "bench_ind_ix": "select code, (row_number() over (order by code) - 1)::int8 as i from indicator",
}


def _categories(con: duckdb.DuckDBPyConnection, table: str) -> pd.Index:
    col = "period" if table == "bench_period_ix" else "code"
    return pd.Index(con.execute(f"select {col} from {table} order by i").df()[col])


def load_values(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """The value table as compact columns: codes fetched as small integers (never as
    Python strings) and turned into categoricals; upload_id is left out (no query uses it)."""
    for name, query in INDEX_SQL.items():
        con.execute(f"create or replace temp table {name} as {query}")
    raw = con.execute(LOAD_SQL).df()
    return pd.DataFrame(
        {
            "unit_code": pd.Categorical.from_codes(raw["unit"], _categories(con, "bench_unit_ix")),
            "period": pd.Categorical.from_codes(raw["period"], _categories(con, "bench_period_ix"), ordered=True),
            "indicator_code": pd.Categorical.from_codes(raw["ind"], _categories(con, "bench_ind_ix")),
            "value": raw["value"].astype("float64"),
        }
    )


CATALOG_SQL = """
select i.code, i.type, coalesce(i.scale, 1) as scale, i.numerator, i.denominator,
    case when i.type = 'flow' or (i.type = 'rate' and n.type = 'flow') then 'sum' else 'last' end
        as across_quarters
from indicator as i
join indicator_group as g on g.code = i.group_code
left join indicator as n on n.code = i.numerator
order by g.sort_order, i.sort_order
"""


def load_frames(con: duckdb.DuckDBPyConnection) -> Frames:
    return Frames(
        values=load_values(con),
        units=con.execute("select * from units").df(),
        closure=con.execute("select * from unit_closure").df(),
        lineage=con.execute("select * from unit_lineage").df(),
        catalog=con.execute(CATALOG_SQL).df(),
    )


# ---------------------------------------------------------------- pandas baseline: queries


def member(s: pd.Series | pd.Index, of: pd.Index) -> np.ndarray:
    """s.isin(of) through the hash table of the index `of` (unique labels): in pandas 3.1,
    Series[str].isin(<55,000 strings>) spends ~0.3-0.4 s just preparing its argument."""
    return of.get_indexer(s) >= 0


def descendants(fr: Frames, scope: str) -> pd.Index:
    return pd.Index(fr.closure.loc[fr.closure["ancestor"] == scope, "descendant"])


def scope_units(fr: Frames, scope: str, at: date) -> pd.Index:
    """Units of the scope in force on `at` (the scope_units macro)."""
    u = fr.units[member(fr.units["code"], descendants(fr, scope))]
    at_ts = pd.Timestamp(at)
    ok = (u["valid_from"] <= at_ts) & (u["valid_to"].isna() | (u["valid_to"] >= at_ts))
    return pd.Index(u.loc[ok, "code"])


def scope_weights(fr: Frames, scope: str, at: date) -> pd.Series:
    """Weight per unit code: 1 for today's units, lineage share for those they replaced."""
    today = scope_units(fr, scope, at)
    lin = fr.lineage[member(fr.lineage["new_code"], today) & ~member(fr.lineage["old_code"], today)]
    parts = [pd.Series(1.0, index=today), lin.groupby("old_code")["share"].sum()]
    return pd.concat(parts).groupby(level=0).sum()


def period_mask(periods: pd.Series, start: date, end: date) -> np.ndarray:
    cats = periods.cat.categories
    lo = cats.searchsorted(pd.Timestamp(start))
    hi = cats.searchsorted(pd.Timestamp(end), side="right")
    codes = periods.cat.codes.to_numpy()
    return (codes >= lo) & (codes < hi)


def facts(fr: Frames, scope: str, at: date, start: date, end: date) -> pd.DataFrame:
    """Values of the scope's units in [start, end] with their weight w and w * value."""
    v = fr.values[period_mask(fr.values["period"], start, end)]
    w_by_code = scope_weights(fr, scope, at).reindex(v["unit_code"].cat.categories).to_numpy()
    w = w_by_code[v["unit_code"].cat.codes.to_numpy()]
    keep = ~np.isnan(w)
    f = v[keep].assign(w=w[keep])
    return f.assign(wv=f["value"] * f["w"])


def base_figures(fr: Frames, f: pd.DataFrame) -> pd.DataFrame:
    g = f.groupby(["period", "indicator_code"], observed=True)
    out = g.agg(num=("wv", "sum"), wsum=("w", "sum"), units_reported=("w", "size")).reset_index()
    out["indicator_code"] = out["indicator_code"].astype(str)
    flags = fr.catalog.loc[fr.catalog["type"] == "flag", "code"]
    out["den"] = out["wsum"].where(out["indicator_code"].isin(flags))
    return out.drop(columns="wsum")


def rate_figures(fr: Frames, f: pd.DataFrame) -> pd.DataFrame:
    """Σ w·numerator and Σ w·denominator over the units that reported both, per quarter."""
    rates = fr.catalog[fr.catalog["type"] == "rate"]
    needed = set(rates["numerator"]) | set(rates["denominator"])
    sub = f[f["indicator_code"].isin(needed)]
    wide = (
        sub.set_index([sub["unit_code"].cat.codes.rename("unit"), "period", "indicator_code"])["wv"]
        .unstack("indicator_code")
        .reindex(columns=sorted(needed))
    )
    n = wide[rates["numerator"]].to_numpy()
    d = wide[rates["denominator"]].to_numpy()
    both = ~np.isnan(n) & ~np.isnan(d)
    period = wide.index.get_level_values("period")
    parts = {
        name: pd.DataFrame(arr, columns=rates["code"]).groupby(period, observed=True).sum()
        for name, arr in (
            ("num", np.where(both, n, 0.0)),
            ("den", np.where(both, d, 0.0)),
            ("units_reported", both.astype(np.int64)),
        )
    }
    out = pd.concat({k: p.stack() for k, p in parts.items()}, axis=1)
    out.index.names = ["period", "indicator_code"]
    return out[out["units_reported"] > 0].reset_index()


def quarter_figures(fr: Frames, scope: str, at: date, start: date, end: date) -> pd.DataFrame:
    """Per quarter and indicator: num, den, units_reported (the quarter_figures macro)."""
    f = facts(fr, scope, at, start, end)
    out = pd.concat([base_figures(fr, f), rate_figures(fr, f)], ignore_index=True)
    out["period"] = out["period"].astype("datetime64[us]")
    return out


def ratio_value(num: pd.Series, den: pd.Series, scale: pd.Series) -> pd.Series:
    """num when den is null, else scale * num / den (null when den is 0)."""
    return num.where(den.isna(), scale * num / den.where(den != 0))


def collapse(fr: Frames, q: pd.DataFrame) -> pd.DataFrame:
    """Across quarters: flows summed, the rest at the last quarter with data."""
    q = q.sort_values("period")
    g = q.groupby("indicator_code")
    last = g.tail(1).set_index("indicator_code")
    sums = g[["num", "den"]].sum(min_count=1)
    cat = fr.catalog.set_index("code").reindex(last.index)
    use_sum = cat["across_quarters"] == "sum"
    num = sums["num"].where(use_sum, last["num"])
    den = sums["den"].where(use_sum, last["den"])
    return pd.DataFrame({"value": ratio_value(num, den, cat["scale"]), "units_reported": last["units_reported"]})


def pandas_summary(fr: Frames, scope: str, start: date, end: date) -> pd.DataFrame:
    year_ago = [date(d.year - 1, d.month, d.day) for d in (start, end)]
    cur = collapse(fr, quarter_figures(fr, scope, end, start, end))
    prev = collapse(fr, quarter_figures(fr, scope, end, *year_ago))
    codes = fr.catalog["code"]
    return pd.DataFrame(
        {
            "indicator_code": codes,
            "value": codes.map(cur["value"]),
            "previous": codes.map(prev["value"]),
            "units_reported": codes.map(cur["units_reported"]).fillna(0),
            "units_expected": len(scope_units(fr, scope, end)),
        }
    )


def pandas_trend(fr: Frames, scope: str, start: date, end: date) -> pd.DataFrame:
    q = quarter_figures(fr, scope, end, start, end)
    scale = q["indicator_code"].map(fr.catalog.set_index("code")["scale"])
    q["value"] = ratio_value(q["num"], q["den"], scale)
    return q[["period", "indicator_code", "value", "units_reported"]].sort_values(["period", "indicator_code"])


def pandas_periods(fr: Frames, scope: str) -> pd.DataFrame:
    v = fr.values
    in_scope = member(v["unit_code"].cat.categories, descendants(fr, scope))[v["unit_code"].cat.codes.to_numpy()]
    out = v.loc[in_scope].groupby("period", observed=True).size().rename("values_stored").reset_index()
    out["period"] = out["period"].astype("datetime64[us]")
    return out.sort_values("period", ascending=False)


# ---------------------------------------------------------------- timing and checking


def median_ms(fn: Callable[[], pd.DataFrame], repeat: int) -> tuple[float, pd.DataFrame]:
    """Median wall time over `repeat` runs after one warm-up, and the last result."""
    result = fn()
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times) * 1000, result


def agree(duck: pd.DataFrame, pan: pd.DataFrame, keys: list[str]) -> tuple[bool, float]:
    """Same keys, same nulls, same numbers (rtol 1e-9); and the max absolute difference."""
    d, p = duck.copy(), pan.copy()
    for frame in (d, p):
        if "period" in frame:
            frame["period"] = frame["period"].astype("datetime64[us]")
    m = d.merge(p, on=keys, how="outer", suffixes=("_d", "_p"), indicator=True)
    ok = bool((m["_merge"] == "both").all()) and len(d) == len(p)
    worst = 0.0
    # the columns both compute (the pandas baseline has no like-for-like comparison)
    for col in (c for c in duck.columns if c not in keys and c in pan.columns):
        a, b = m[f"{col}_d"].astype(float).to_numpy(), m[f"{col}_p"].astype(float).to_numpy()
        ok &= bool(np.array_equal(np.isnan(a), np.isnan(b)))
        both = ~np.isnan(a) & ~np.isnan(b)
        ok &= bool(np.allclose(a[both], b[both], rtol=1e-9, atol=1e-9))
        worst = max(worst, float(np.abs(a[both] - b[both]).max(initial=0.0)))
    return ok, worst


@dataclass(frozen=True)
class Query:
    title: str
    keys: list[str]
    duck: Callable[[], pd.DataFrame]  # the query file: figures read from the rollup the writer keeps
    before: Callable[[], pd.DataFrame]  # the same file summing the value table (the macros without rollup_)
    pandas: Callable[[], pd.DataFrame]


def summed(con: duckdb.DuckDBPyConnection, name: str, **params: object) -> pd.DataFrame:
    """The query as it ran before the rollup: its text with the value-summing macros."""
    return con.execute(sql.text(name).replace("rollup_", ""), params).df()


def overview_queries(con: duckdb.DuckDBPyConnection, fr: Frames, scale: Scale) -> list[Query]:
    qs = quarters(scale)
    last, year_ago, first = qs[-1], qs[-5], qs[-TREND_QUARTERS]
    return [
        Query(
            f"summary (scope {ROOT}, {qlabel(last)} vs {qlabel(year_ago)})",
            ["indicator_code"],
            lambda: sql.run(con, "summary", scope=ROOT, start=last, end=last),
            lambda: summed(con, "summary", scope=ROOT, start=last, end=last),
            lambda: pandas_summary(fr, ROOT, last, last),
        ),
        Query(
            f"trend (scope {ROOT}, {qlabel(first)}..{qlabel(last)}, {TREND_QUARTERS} quarters)",
            ["period", "indicator_code"],
            lambda: sql.run(con, "trend", scope=ROOT, start=first, end=last),
            lambda: summed(con, "trend", scope=ROOT, start=first, end=last),
            lambda: pandas_trend(fr, ROOT, first, last),
        ),
        Query(
            f"periods_with_data (scope {ROOT}, all quarters)",
            ["period"],
            lambda: sql.run(con, "periods_with_data", scope=ROOT),
            lambda: summed(con, "periods_with_data", scope=ROOT),
            lambda: pandas_periods(fr, ROOT),
        ),
        Query(
            f"trend, full history (scope {ROOT}, {qlabel(CHART_START)}..{qlabel(last)}, as the Overview chart asks)",
            ["period", "indicator_code"],
            lambda: sql.run(con, "trend", scope=ROOT, start=CHART_START, end=last),
            lambda: summed(con, "trend", scope=ROOT, start=CHART_START, end=last),
            lambda: pandas_trend(fr, ROOT, CHART_START, last),
        ),
    ]


def run_query(q: Query, repeat: int, *, before: bool) -> None:
    duck_ms, duck_df = median_ms(q.duck, repeat)
    pandas_ms, pandas_df = median_ms(q.pandas, repeat)
    ok, worst = agree(duck_df, pandas_df, q.keys)
    print(f"\n{q.title}: {len(duck_df):,} rows")
    print(f"  duckdb, rollup          median {duck_ms:10.1f} ms  (of {repeat} runs after 1 warm-up)")
    if before:
        before_ms, before_df = median_ms(q.before, repeat)
        same, diff = agree(duck_df, before_df, q.keys)
        print(
            f"  duckdb, summing values  median {before_ms:10.1f} ms  (the query before the rollup; "
            f"same results: {'yes' if same else 'no'}, max abs difference {diff:.3g})"
        )
    print(f"  pandas                  median {pandas_ms:10.1f} ms")
    print(f"  ratio pandas/duckdb (rollup) {pandas_ms / duck_ms:8.2f}")
    print(f"  results agree with pandas: {'yes' if ok else 'no'} (max abs difference {worst:.3g})")


def time_refresh(con: duckdb.DuckDBPyConnection, scale: Scale) -> None:
    """What keeping the rollup costs a write: summing the latest quarter again (rolled back)."""
    last = quarters(scale)[-1]
    con.execute("begin transaction")
    try:
        t0 = time.perf_counter()
        rollup.refresh(con, [last])
        seconds = time.perf_counter() - t0
    finally:
        con.execute("rollback")
    print(
        f"\nrollup refresh of one quarter ({qlabel(last)}, what a write to it adds, in its transaction): "
        f"{seconds:.1f} s"
    )


# ---------------------------------------------------------------- main


def gib(n: float) -> str:
    return f"{n / 2**30:.2f} GiB" if n >= 2**30 else f"{n / 2**20:.1f} MiB"


def machine() -> str:
    ram = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    return f"{os.cpu_count()} cores, {gib(ram)} RAM"


def print_header(con: duckdb.DuckDBPyConnection, scale: Scale, path: Path, built: float | None) -> None:
    n_units, n_values = (con.execute(f"select count(*) from {t}").fetchone()[0] for t in ("units", "value"))
    qs = quarters(scale)
    possible = n_units * len(qs) * 45
    print(
        f"scale: {scale.name}  (machine: {machine()}; duckdb {duckdb.__version__}, "
        f"threads {con.execute('select current_setting(' + repr('threads') + ')').fetchone()[0]}; "
        f"pandas {pd.__version__}, single-threaded)"
    )
    print(f"units: {n_units:,}" + (f" (national root + {scale.provinces} provinces)" if scale.provinces else ""))
    print(f"quarters: {len(qs)} ({qlabel(qs[0])}..{qlabel(qs[-1])})")
    print(
        f"values: {n_values:,} of {possible:,} possible (units x quarters x 45); {GAP_PCT}% of unit-quarters "
        f"unreported, {LATE_PCT}% late in {qlabel(qs[-1])}, {BLANK_PER_MILLE / 10}% single values blank"
    )
    print("build: " + (f"{built:.1f} s" if built is not None else "skipped (existing bench database reused)"))
    print(f"database: {path} ({gib(file_size(path))})")


def rollup_size(con: duckdb.DuckDBPyConnection) -> str:
    rows = con.execute("select count(*) from figure_rollup").fetchone()[0]
    epochs = con.execute("select count(*) from figure_epoch").fetchone()[0]
    return f"{rows:,} rows in {epochs} epoch(s)"


def print_frames(fr: Frames, seconds: float) -> None:
    v = fr.values
    dtypes = ", ".join(
        f"{c} {v[c].dtype}" + (f"[{v[c].cat.codes.dtype} codes]" if v[c].dtype == "category" else "") for c in v.columns
    )
    print(
        f"pandas baseline holds: value table {len(v):,} rows, columns {dtypes} "
        f"(upload_id not loaded: no Overview query uses it), {gib(v.memory_usage(deep=True).sum())}; "
        f"plus units, unit_closure, unit_lineage and the catalogue as small DataFrames"
    )
    print(f"pandas data loading (DuckDB -> DataFrames, not counted per query): {seconds:.1f} s")


def choose_path(arg: str | None, scale: Scale) -> tuple[Path, bool, Path | None]:
    """(database path, whether it must be built, temporary folder to remove afterwards)."""
    if arg is None:
        folder = Path(tempfile.mkdtemp(prefix="reform-bench-"))
        return folder / f"bench-{scale.name}.duckdb", True, folder
    path = Path(arg).expanduser().resolve()
    if path.exists() and not is_bench_db(path, scale):
        sys.exit(f"{path} exists and is not a {scale.name} bench database; choose another --db")
    return path, not path.exists(), None


def cleanup(path: Path, built: bool, folder: Path | None, keep: bool) -> None:
    if keep or not built:
        print(f"\ndatabase kept: {path}")
        return
    for p in (path, Path(f"{path}.wal")):
        p.unlink(missing_ok=True)
    if folder is not None:
        shutil.rmtree(folder, ignore_errors=True)
    print(f"\ndatabase deleted: {path}")


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--scale", choices=sorted(SCALES), required=True)
    ap.add_argument("--db", help="database file (default: a new temporary folder)")
    ap.add_argument("--repeat", type=int, default=5, help="timed runs per query, after one warm-up")
    ap.add_argument("--keep", action="store_true", help="keep the database file afterwards")
    ap.add_argument("--no-before", action="store_true", help="skip the queries as they ran before the rollup")
    args = ap.parse_args(argv)
    sys.stdout.reconfigure(line_buffering=True)
    scale = SCALES[args.scale]
    path, must_build, folder = choose_path(args.db, scale)
    built = build(path, scale) if must_build else None
    try:
        t0 = time.perf_counter()
        con = db.connect(path)
        print_header(con, scale, path, built)
        print(
            f"opening the database (migrations, and the rollup backfill for a file older than it): "
            f"{time.perf_counter() - t0:.1f} s; rollup {rollup_size(con)}"
        )
        t0 = time.perf_counter()
        fr = load_frames(con)
        print_frames(fr, time.perf_counter() - t0)
        for q in overview_queries(con, fr, scale):
            run_query(q, args.repeat, before=not args.no_before)
        time_refresh(con, scale)
        con.close()
        print(f"\npeak memory of this process: {gib(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024)}")
    finally:
        cleanup(path, must_build, folder, args.keep)


if __name__ == "__main__":
    main()
