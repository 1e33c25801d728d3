"""Benchmark of the upload path: from the uploaded bytes to the import summary, and to stored values.

Two cases, each in a fresh DuckDB file under /tmp (deleted at the end unless --keep):

  province  a wide .xlsx in the upload template layout (reform.template.build, then filled with
            openpyxl): 3,000 units x the 45 base indicators of 2025-Q3, measured "from click to
            import summary" = importer.prepare (read + check + dry-run preview).
  national  a long CSV (unit_code,period,indicator_code,value): 55,000 units x 45 = ~2.5 million
            values, measured to stored = importer.prepare + importer.commit, against a floor:
            DuckDB's own read_csv of the same file into a table, timed in the same run.

National: first one real importer.prepare (a text this large is split straight into columns by reform/bulk.py,
with numpy and Arrow; reform/checks.py checks each distinct text once and each cell as array operations, and
runs validate's own checks only for cells with an issue) and importer.commit, each with its parts (own time of
the watched functions, each SQL file by name: Spent). "To stored" ends when the values and the rollup are
committed; the kept index of the touched quarters, marked out of date until then, is scored right after
(index_store.catch_up) and printed apart. Then, on the database as it was (the upload's values deleted again,
not timed), the same stage by stage (decode, split, frame, context, keys, ..., preview) and, as the baseline
of the same run, the per-cell reference (tests/reference/percell.py: ingest.read, extract, check,
store.preview_values, sha256; skip with --no-cells); the bench checks that both give the same report and rows.
Province: prepare stage by stage (the sheet read in the child process, columns, context, keys, cells, pairs,
quarters, outliers, preview), the per-cell stages as the baseline of the same run (skip with --no-cells) with
the same check, then one real call against the reader's floor (openpyxl's read-only iteration of the sheet,
values only, best of 3), then the template against a printed office layout of the same figures (keys merged
down, group row, names, column numbers), best of 3 each; --sums adds a total row of =SUM formulas below the
units, as staff files often have. Peak memory is the process's high-water mark (VmHWM), reset before each
measured part where Linux allows it.

Values are clean (whole non-negative numbers, flags 0/1 or Có/Không, every numerator at or below
its denominator), so the report must hold no error; errors are printed if there are any (that would
be a bug). Figures are printed next to the goals of the office-files issue (province file under 1.5 s,
national CSV under 8 s); nothing is asserted.

History: --history N stores N quarters before 2025-Q3 for every unit and indicator (inserted in
SQL, one bench upload row), so that the outlier check has real work (it needs at least 6 quarters).
Default: 8 for the province, 0 for the national case (as the first figures were measured; run
--national --history 8 --no-cells for a national database with two years of history).
--probe-history times the outlier check's query for every unit's figures far from its history.

    .venv/bin/python bench/upload_bench.py [--province] [--national] [--units N] [--history N] [--sums]
                                           [--no-cells] [--profile] [--probe-history] [--keep]
"""

from __future__ import annotations

import argparse
import cProfile
import gc
import io
import os
import pstats
import resource
import shutil
import sys
import tempfile
import time
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd
from openpyxl.utils import get_column_letter

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from reform import bulk, catalog, checks, config, db, importer, ingest, periods, sandbox, sql, store, template, validate  # noqa: E402, I001
from tests.reference import percell  # noqa: E402

PERIOD = "2025-Q3"
TODAY = date(2026, 11, 22)
ROOT = "TU"
VALID_FROM = date(2000, 1, 1)
UNITS_PER_PARENT = 30  # a realistic 2-level tree: TU -> district committees -> commune committees
MAX_BYTES = 500 * 1024 * 1024
GOALS = {"province": 1.5, "national": 8.0}  # seconds, from the product issue (office files)
SEED = 20251122
CARRY_OVER = [("tc_giaiquyet", "tc_nhan")]  # validate.CARRY_OVER_PAIRS: a warning when above


# ---------------------------------------------------------------- setup


def register(n: int) -> tuple[pd.DataFrame, list[str]]:
    """Root TU, ceil(n / 30) district committees under it, n commune units under those.

    Returns the register and the codes of the n reporting units (those in the file)."""
    rows = [{"code": ROOT, "name": "Tỉnh ủy (giả định)", "type": "tinh_uy", "parent_code": None}]
    n_parents = max(1, -(-n // UNITS_PER_PARENT))
    rows += [
        {"code": f"H{p + 1:04d}", "name": f"Huyện ủy Số {p + 1}", "type": "huyen_uy", "parent_code": ROOT}
        for p in range(n_parents)
    ]
    codes = [f"U{i + 1:05d}" for i in range(n)]
    rows += [
        {
            "code": c,
            "name": f"Đảng bộ xã Số {i + 1}",
            "type": "dang_bo_xa",
            "parent_code": f"H{i // UNITS_PER_PARENT + 1:04d}",
        }
        for i, c in enumerate(codes)
    ]
    df = pd.DataFrame(rows)
    df["valid_from"] = VALID_FROM
    df["valid_to"] = None
    return df, codes


def setup_db(path: Path, n_units: int) -> tuple[object, list[str], pd.DataFrame]:
    """A migrated database with the catalogue and the unit register; the base indicators."""
    con = db.connect(path)
    catalog.sync(con, config.DEFAULT_DATA_DIR)
    units, codes = register(n_units)
    lineage = pd.DataFrame(
        {
            "old_code": pd.Series(dtype=str),
            "new_code": pd.Series(dtype=str),
            "share": pd.Series(dtype=float),
            "effective": pd.Series(dtype="datetime64[ns]"),
        }
    )
    store.replace_units(con, units, lineage)
    base = con.execute("select code, type, decimals from indicator where type <> 'rate' order by sort_order").df()
    return con, codes, base


def value_levels(con, base: pd.DataFrame) -> dict[str, tuple[int, int]]:
    """Per base indicator the range its random values come from, so that every numerator of a
    percentage stays at or below its denominator (and the carry-over pair too)."""
    pairs = con.execute("select numerator, denominator from indicator where type = 'rate' and unit = '%'").fetchall()
    pairs += CARRY_OVER
    nums, dens = {a for a, _ in pairs}, {b for _, b in pairs}
    ranges = {}
    for code, typ in zip(base["code"], base["type"], strict=True):
        if typ == "flag":
            ranges[code] = (0, 1)
        elif code in dens and code not in nums:
            ranges[code] = (800, 1000)  # only a denominator: the largest
        elif code in dens:
            ranges[code] = (400, 700)  # both (tc_giaiquyet): between
        elif code in nums:
            ranges[code] = (0, 350)
        else:
            ranges[code] = (0, 60)
    return ranges


def make_values(codes: list[str], base: pd.DataFrame, ranges: dict[str, tuple[int, int]]) -> np.ndarray:
    """A units x indicators matrix of clean values (float; one decimal where decimals = 1)."""
    rng = np.random.default_rng(SEED)
    out = np.empty((len(codes), len(base)), dtype=float)
    for j, (code, dec) in enumerate(zip(base["code"], base["decimals"], strict=True)):
        lo, hi = ranges[code]
        col = rng.integers(lo, hi + 1, size=len(codes)).astype(float)
        if int(dec) > 0 and hi > 1:
            col = col + rng.integers(0, 10, size=len(codes)) / 10
        out[:, j] = col
    return out


def store_history(con, codes: list[str], base: pd.DataFrame, values: np.ndarray, quarters: int) -> int:
    """`quarters` quarters before PERIOD for every unit and indicator, near the uploaded values
    (x 0.85..1.15, flags as they are), straight into the value table under one bench upload."""
    if quarters <= 0:
        return 0
    first = periods.parse(PERIOD).start
    qs = []
    y, q = first.year, (first.month - 1) // 3 + 1
    for _ in range(quarters):
        y, q = (y, q - 1) if q > 1 else (y - 1, 4)
        qs.append(date(y, 3 * q - 2, 1))
    upload_id = store.insert_upload(
        con,
        file_name="Lịch sử giả định (benchmark tải lên)",
        sha256="bench-history",
        layout="bench",
        user_name="bench",
        created_at=datetime.now(),
        rows=0,
        inserted=0,
        updated=0,
        unchanged=0,
    )
    flat = pd.DataFrame(
        {
            "unit_code": np.repeat(codes, len(base)),
            "indicator_code": np.tile(base["code"], len(codes)),
            "value": values.ravel(),
            "flag": np.tile(base["type"].eq("flag").to_numpy(), len(codes)),
        }
    )
    con.register("bench_cur", flat)
    con.register("bench_q", pd.DataFrame({"period": qs}))
    con.execute(
        """
        insert into value
        select c.unit_code, q.period, c.indicator_code,
               case when c.flag then c.value
                    else round(c.value * (0.85 + (hash(c.unit_code, c.indicator_code, q.period) % 301) / 1000.0))
               end,
               $id
        from bench_cur as c cross join bench_q as q
        order by q.period, c.unit_code, c.indicator_code
    """,
        {"id": upload_id},
    )
    con.unregister("bench_cur")
    con.unregister("bench_q")
    n = con.execute("select count(*) from value").fetchone()[0]
    con.execute("update upload set rows = $n, inserted = $n where id = $id", {"n": n, "id": upload_id})
    con.execute("checkpoint")
    return n


def province_xlsx(
    con, codes: list[str], base: pd.DataFrame, values: np.ndarray, *, sums: bool = False, merged: bool = False
) -> bytes:
    """The upload template of PERIOD for the units, filled in with openpyxl as staff would; with sums, a total
    row of =SUM formulas below (no cached values, as openpyxl writes them; the reader skips a total row).
    merged: the header of a printed office template instead of the codes row: "Mã đơn vị" and "Tên đơn vị"
    merged down over the group row and the indicator names, a row "(1) (2) (3) …" under them."""
    blank = template.build(con, periods.parse(PERIOD), codes)
    wb = openpyxl.load_workbook(io.BytesIO(blank))
    ws = wb.worksheets[0]
    header = [c.value for c in ws[template.FIRST_UNIT_ROW - 1]]
    col_of = {code: header.index(code) + 1 for code in base["code"]}
    flags = base["type"].eq("flag").to_numpy()
    for i, code in enumerate(codes):
        row = template.FIRST_UNIT_ROW + i
        assert ws.cell(row, 1).value == code, (ws.cell(row, 1).value, code)  # bench set-up, not a timing
        for j, ind in enumerate(base["code"]):
            v = values[i, j]
            ws.cell(row, col_of[ind], ("Có" if v else "Không") if flags[j] else (int(v) if v.is_integer() else v))
    if merged:
        catalog = sql.run(con, "catalog")
        names = dict(zip(catalog["code"], catalog["name_vi"], strict=True))
        for col in range(1, ws.max_column + 1):
            code = ws.cell(template.FIRST_UNIT_ROW - 1, col).value
            ws.cell(template.FIRST_UNIT_ROW - 2, col, names.get(code))
            ws.cell(template.FIRST_UNIT_ROW - 1, col, f"({col})")
        for col, key in ((1, "Mã đơn vị"), (2, "Tên đơn vị")):
            ws.cell(template.FIRST_UNIT_ROW - 3, col, key)
            ws.merge_cells(
                start_row=template.FIRST_UNIT_ROW - 3,
                start_column=col,
                end_row=template.FIRST_UNIT_ROW - 2,
                end_column=col,
            )
    if sums:
        total, first, last = template.FIRST_UNIT_ROW + len(codes), template.FIRST_UNIT_ROW, ws.max_row
        ws.cell(total, 2, "Tổng cộng")
        for col in col_of.values():
            letter = get_column_letter(col)
            ws.cell(total, col, f"=SUM({letter}{first}:{letter}{last})")
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def national_csv(path: Path, codes: list[str], base: pd.DataFrame, values: np.ndarray) -> None:
    """The long CSV: unit_code,period,indicator_code,value, one line per value (flags as 0/1)."""
    vals = values.ravel()
    text = np.where(vals == np.floor(vals), vals.astype(np.int64).astype(str), np.round(vals, 1).astype(str))
    pd.DataFrame(
        {
            "unit_code": np.repeat(codes, len(base)),
            "period": PERIOD,
            "indicator_code": np.tile(base["code"].to_numpy(), len(codes)),
            "value": text,
        }
    ).to_csv(path, index=False, lineterminator="\n")


# ---------------------------------------------------------------- timing the path


@dataclass
class Stages:
    times: dict[str, float] = field(default_factory=dict)
    outputs: dict[str, object] = field(default_factory=dict)

    def timed(self, label, fn, *args, **kw):
        """Run one stage, keep its time and its output under label."""
        t0 = time.perf_counter()
        out = fn(*args, **kw)
        self.times[label] = time.perf_counter() - t0
        self.outputs[label] = out
        return out


def prepare_by_stage(con, data: bytes, name: str, period: periods.Period) -> Stages:
    """The per-cell reference (tests/reference/percell.py), one stage at a time: the baseline of the same run."""
    st = Stages()
    timed = st.timed
    grid = timed("ingest.read", ingest.read, data, name, max_bytes=MAX_BYTES)
    table = timed("percell.extract", percell.extract, grid, checks.lookup_of(con))
    report = timed("percell.check", percell.check, con, grid, table, period=period, today=TODAY)
    timed("store.preview", store.preview_values, con, report.rows)
    timed("sha256", store.sha256, data)
    return st


def columns_by_stage(con, data: bytes, name: str, period: periods.Period) -> Stages:
    """importer.prepare of a sheet, one stage at a time, in its order: read in the child, columns, checks."""
    st = Stages()
    timed = st.timed
    lookup = timed("lookup", checks.lookup_of, con)
    kind = ingest.kind_of(data, name, max_bytes=MAX_BYTES)
    grid = timed("read (child)", sandbox.read, data, kind, lookup)
    fr = timed("columns", checks.of_grid, grid, lookup)
    return _check_by_stage(st, con, fr, grid, period, data)


def _check_by_stage(st: Stages, con, fr, grid, period, data: bytes) -> Stages:
    """checks.check one stage at a time, then the preview."""
    timed = st.timed
    ck = timed(
        "context",
        lambda: validate.start(validate.Context.load(con, TODAY), grid, fr.table, period, data_rows=fr.data_rows),
    )
    k = timed("keys", checks.keys, fr, ck)
    acc = timed("cells, duplicates", checks.cell_stage, fr, ck, k)
    validate.check_ignored_columns(ck, fr.table)
    timed("pairs", checks.pair_stage, fr, ck, k, acc)
    rows, kept = timed("quarters", checks.quarter_stage, con, fr, ck, k, acc)
    if not ck.report.errors:
        timed("outliers", checks.outlier_stage, con, fr, ck, k, acc.positions[kept], rows)
    ck.report.rows = rows
    st.outputs["report"] = ck.report
    timed("store.preview", store.preview_values, con, rows)
    timed("sha256", store.sha256, data)
    return st


def rerun_stage(con, label: str, data: bytes, name: str, period: periods.Period, st: Stages):
    """A zero-argument callable that repeats one stage of prepare_by_stage on its own inputs."""
    grid, table = st.outputs["ingest.read"], st.outputs["percell.extract"]
    lookup = checks.lookup_of(con)
    return {
        "ingest.read": lambda: ingest.read(data, name, max_bytes=MAX_BYTES),
        "percell.extract": lambda: percell.extract(grid, lookup),
        "percell.check": lambda: percell.check(con, grid, table, period=period, today=TODAY),
        "store.preview": lambda: store.preview_values(con, st.outputs["percell.check"].rows),
    }[label]


def profile(fn, label: str, top: int = 10) -> str:
    """Run fn under cProfile; the top functions by cumulative and by own time, as text."""
    prof = cProfile.Profile()
    prof.enable()
    fn()
    prof.disable()
    out = io.StringIO()
    stats = pstats.Stats(prof, stream=out)
    stats.strip_dirs()
    out.write(f"--- cProfile of {label}: top {top} by cumulative time\n")
    stats.sort_stats("cumulative").print_stats(top)
    out.write(f"--- cProfile of {label}: top {top} by own (total) time\n")
    stats.sort_stats("tottime").print_stats(top)
    noise = ("   Ordered by", "   List reduced")
    lines = [ln for ln in out.getvalue().splitlines() if ln.strip() and not ln.startswith(noise)]
    return "\n".join(lines)


def report_issues(report: validate.Report) -> None:
    errors, warnings = report.errors, report.warnings
    print(
        f"  report: {len(errors)} errors, {len(warnings)} warnings, {len(report.rows):,} rows to store, "
        f"layout {report.layout}, {report.data_rows:,} data rows"
    )
    if errors:
        print("  !! a clean file gave errors (a bug in the bench or the importer); the first ones:")
        for issue in errors[:5]:
            print(f"     {issue.code}: {issue.message}")
    for issue in warnings[:3]:
        print(f"     warning {issue.code}: {issue.message}")


def peak_rss_gib() -> float:
    """The process's peak resident memory since the last reset_peak() (VmHWM; ru_maxrss where not Linux)."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024 / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024 / 1024


def reset_peak() -> bool:
    """Start a new peak-memory measurement (Linux: "5" in /proc/self/clear_refs); False where it cannot."""
    gc.collect()
    try:
        Path("/proc/self/clear_refs").write_text("5")
        return True
    except OSError:
        return False


def bulk_by_stage(con, data: bytes, period: periods.Period | None) -> Stages:
    """importer.prepare of a long text, one stage at a time: decode, split straight into columns, checks."""
    st = Stages()
    timed = st.timed
    kind = ingest.kind_of(data, "national.csv", max_bytes=MAX_BYTES)
    text, encoding = timed("decode", ingest.decode_text, data)
    delimiter = ingest.sniff_delimiter(text)
    sp = timed("split", bulk.split, text, delimiter)
    del text
    assert kind == "text" and sp is not None, "the national file must be split straight into columns"  # set-up
    fr = timed("frame", bulk.frame, sp, checks.lookup_of(con))
    grid = ingest.Grid(rows=[], kind="csv", encoding=encoding, delimiter=delimiter)
    return _check_by_stage(st, con, fr, grid, period, data)


def same_report(a: validate.Report, b: validate.Report) -> bool:
    """The same issues (all fields, in order), rows to store, data rows and skipped rows."""
    return (
        [i.as_dict() for i in a.issues] == [i.as_dict() for i in b.issues]
        and a.rows.equals(b.rows)
        and a.data_rows == b.data_rows
        and a.skipped_rows == b.skipped_rows
    )


class Spent:
    """While in a `with` block, the time spent inside some functions, each call's time given to the innermost
    watched function running (own time), so that the figures add up to the whole. SQL files are timed by name
    (sql.run / sql.execute): "sql rollup_insert". The functions are wrapped on their modules for the block."""

    def __init__(self, targets: list[tuple[object, str, str]]) -> None:
        self.targets = targets  # (module, function name, label)
        self.own: dict[str, float] = {}
        self.whole: dict[str, float] = {}  # with the calls inside
        self.calls: dict[str, int] = {}
        self._stack: list[list] = []  # [label, start, time of the calls inside it]
        self._saved: list[tuple[object, str, object]] = []

    def _wrap(self, fn, label_of):
        def wrapped(*args, **kw):
            label = label_of(args)
            self._stack.append([label, time.perf_counter(), 0.0])
            try:
                return fn(*args, **kw)
            finally:
                name, start, inner = self._stack.pop()
                took = time.perf_counter() - start
                self.own[name] = self.own.get(name, 0.0) + took - inner
                self.whole[name] = self.whole.get(name, 0.0) + took
                self.calls[name] = self.calls.get(name, 0) + 1
                if self._stack:
                    self._stack[-1][2] += took

        return wrapped

    def __enter__(self) -> Spent:
        for module, attr, label in self.targets:
            fn = getattr(module, attr)
            self._saved.append((module, attr, fn))
            if module is sql and attr in ("run", "execute"):
                setattr(module, attr, self._wrap(fn, lambda a: f"sql {a[1]}"))
            else:
                setattr(module, attr, self._wrap(fn, lambda a, label=label: label))
        return self

    def __exit__(self, *exc: object) -> None:
        for module, attr, fn in reversed(self._saved):
            setattr(module, attr, fn)
        self._saved = []

    def print(self, total: float, *, indent: str = "    ", top: int = 14) -> None:
        """The watched parts by own time, largest first, and the rest of the total."""
        ranked = sorted(self.own.items(), key=lambda kv: -kv[1])
        for label, t in ranked[:top]:
            calls = self.calls[label]
            print(
                f"{indent}{label:<40}{t:8.2f} s  {100 * t / total:5.1f} %" + (f"  ({calls} calls)" if calls > 1 else "")
            )
        if len(ranked) > top:
            rest = sum(t for _, t in ranked[top:])
            print(f"{indent}{f'{len(ranked) - top} other watched parts':<40}{rest:8.2f} s  {100 * rest / total:5.1f} %")
        other = total - sum(self.own.values())
        print(f"{indent}{'the rest (commit itself, Python between)':<40}{other:8.2f} s  {100 * other / total:5.1f} %")


def commit_watch() -> Spent:
    """The parts of importer.commit: the writer's steps, the rollup sums, the index refresh and its pieces."""
    from reform import approval, index, index_store, rollup

    return Spent(
        [
            (sql, "run", ""),
            (sql, "execute", ""),
            (store, "relation", "store.relation (rows to Arrow)"),
            (approval, "refuse_closed_incoming", "approval.refuse_closed_incoming"),
            (rollup, "sum_periods", "rollup.sum_periods"),
            (index_store, "catch_up", "index_store.catch_up"),
            (index_store, "refresh", "index_store.refresh"),
            (index_store, "score_quarters", "index_store.score_quarters"),
            (index, "matrices", "index.matrices"),
            (index, "robustness_of", "index.robustness_of (draws)"),
        ]
    )


def prepare_watch() -> Spent:
    """The parts of importer.prepare of a long text: reading, the checks, the closed quarters, the preview."""
    return Spent(
        [
            (sql, "run", ""),
            (sql, "execute", ""),
            (bulk, "read", "bulk.read (decode, split, frame)"),
            (checks, "check", "checks.check"),
            (importer, "refuse_closed_quarters", "importer.refuse_closed_quarters"),
            (store, "relation", "store.relation (rows to Arrow)"),
            (store, "preview_values", "store.preview_values"),
            (store, "sha256", "store.sha256"),
        ]
    )


def timed_commit(con, prepared) -> tuple[object, float, Spent]:
    """importer.commit, and where its time went (Spent)."""
    with commit_watch() as spent:
        t0 = time.perf_counter()
        result = importer.commit(con, prepared, user="bench")
        took = time.perf_counter() - t0
    return result, took, spent


def print_stages(st: Stages) -> float:
    total = sum(st.times.values())
    for label, t in st.times.items():
        print(f"  {label:<18}{t:9.2f} s  {100 * t / total:5.1f} %")
    print(f"  {'sum of stages':<18}{total:9.2f} s")
    return total


# ---------------------------------------------------------------- the two cases


def run_province(args, work: Path) -> None:
    n = args.units or 3_000
    history = 8 if args.history is None else args.history
    print(
        f"== Province wide .xlsx: {n:,} units x 45 base indicators, {PERIOD} (goal: under "
        f"{GOALS['province']:.1f} s from click to import summary)"
    )
    t0 = time.perf_counter()
    con, codes, base = setup_db(work / "province.duckdb", n)
    values = make_values(codes, base, value_levels(con, base))
    stored = store_history(con, codes, base, values, history)
    data = province_xlsx(con, codes, base, values, sums=args.sums)
    name = "bao_cao_2025_Q3.xlsx"
    print(
        f"  set-up: register of {n + 1 + -(-n // UNITS_PER_PARENT):,} units, {stored:,} stored history values "
        f"({history} quarters before {PERIOD}, inserted in SQL), file built with template.build + openpyxl "
        f"({time.perf_counter() - t0:.1f} s, not timed)"
    )
    period = periods.parse(PERIOD)
    print(
        f"  file: {len(data) / 1024 / 1024:.2f} MB, {n:,} unit rows, {n * len(base):,} value cells "
        f"({len(base)} indicator columns){', and a total row of =SUM formulas' if args.sums else ''}"
    )

    sandbox.read(b"a,b\n1,2\n", "text", {})  # the forkserver starts once per server, before the first upload
    fast = columns_by_stage(con, data, name, period)
    print("  stages of importer.prepare (reform/sandbox.py reads the sheet in a child, reform/checks.py checks it):")
    fast_total = print_stages(fast)
    report_issues(fast.outputs["report"])
    cells = None
    if not args.no_cells:
        cells = prepare_by_stage(con, data, name, period)
        print("  baseline, the per-cell reference stage by stage (tests/reference/percell.py):")
        cells_total = print_stages(cells)
        same = same_report(cells.outputs["percell.check"], fast.outputs["report"])
        print(
            f"  same report and rows as the per-cell path: {'yes' if same else 'NO (a bug)'}; per-cell stages "
            f"{cells_total:.2f} s, column-wise stages {fast_total:.2f} s"
        )

    gc.collect()
    t0 = time.perf_counter()
    prepared = importer.prepare(con, data, name, period=period, max_bytes=MAX_BYTES, today=TODAY)
    total = time.perf_counter() - t0
    s = prepared.summary()
    print(
        f"  importer.prepare (one real call, {prepared.path} path): {total:.2f} s   goal < "
        f"{GOALS['province']:.1f} s   -> {total / GOALS['province']:.1f} x the goal"
    )
    print(
        f"  summary: {s['values']:,} values, {s['inserted']:,} new, {s['updated']:,} changed, "
        f"{len(s['errors'])} errors, {len(s['warnings'])} warnings; peak RSS {peak_rss_gib():.1f} GiB"
    )
    floor = openpyxl_floor(data)
    print(
        f"  reader's floor, openpyxl read-only iteration of the sheet alone (values only, in this process): best of 3 "
        f"{floor:.2f} s; importer.prepare is {total / floor:.1f} x that floor"
    )
    merged = province_xlsx(con, codes, base, values, sums=args.sums, merged=True)
    single_t = best_of(3, lambda: importer.prepare(con, data, name, period=period, max_bytes=MAX_BYTES, today=TODAY))
    merged_t = best_of(3, lambda: importer.prepare(con, merged, name, period=period, max_bytes=MAX_BYTES, today=TODAY))
    m = importer.prepare(con, merged, name, period=period, max_bytes=MAX_BYTES, today=TODAY)
    print(
        f"  merged-header office layout (keys merged down, group row, names, a row of column numbers): best of 3 "
        f"{merged_t:.2f} s against {single_t:.2f} s for the template ({100 * (merged_t / single_t - 1):+.0f} %); "
        f"header rows {m.report.header_rows}, {len(m.report.rows):,} values, {len(m.report.errors)} errors"
    )
    if args.profile and args.profile_stage and cells is not None:
        stage = args.profile_stage
        print(profile(rerun_stage(con, stage, data, name, period, cells), f"province per-cell {stage}"))
    elif args.profile:
        print(
            profile(
                lambda: importer.prepare(con, data, name, period=period, max_bytes=MAX_BYTES, today=TODAY),
                "province importer.prepare",
            )
        )
    if args.probe_history and stored:
        probe_history(con, codes, [len(codes)])
    con.close()


def run_national(args, work: Path) -> None:
    n = args.units or 55_000
    history = 0 if args.history is None else args.history
    print(
        f"== National long CSV: {n:,} units x 45 base indicators, {PERIOD} (goal: under "
        f"{GOALS['national']:.0f} s to stored)"
    )
    t0 = time.perf_counter()
    con, codes, base = setup_db(work / "national.duckdb", n)
    values = make_values(codes, base, value_levels(con, base))
    stored = store_history(con, codes, base, values, history)
    csv_path = work / "national_2025_Q3.csv"
    national_csv(csv_path, codes, base, values)
    data = csv_path.read_bytes()
    print(
        f"  set-up: register of {n + 1 + -(-n // UNITS_PER_PARENT):,} units, {stored:,} stored history values "
        f"({history} quarters before {PERIOD}), CSV written with pandas ({time.perf_counter() - t0:.1f} s, "
        "not timed)"
    )
    print(
        f"  file: {len(data) / 1024 / 1024:.1f} MB, {n * len(base):,} values (lines), "
        "columns unit_code,period,indicator_code,value"
    )
    floor = national_floor(con, csv_path)
    period = None  # the file names its period on every line

    reset_peak()
    with prepare_watch() as watched:
        t0 = time.perf_counter()
        prepared = importer.prepare(con, data, csv_path.name, period=period, max_bytes=MAX_BYTES, today=TODAY)
        t_prep = time.perf_counter() - t0
    peak_prepare = peak_rss_gib()
    result, t_commit, spent = timed_commit(con, prepared)
    stored_now = con.execute(
        "select count(*) from value where period = $p", {"p": periods.parse(PERIOD).start}
    ).fetchone()[0]
    print(
        f"  importer.prepare (one real call, {prepared.path} path): {t_prep:.2f} s; peak memory "
        f"{peak_prepare:.1f} GiB; its parts (own time):"
    )
    watched.print(t_prep)
    print(
        f"  importer.commit: {t_commit:.2f} s -> upload {result.upload_id if result else None}, "
        f"{result.inserted if result else 0:,} inserted; {stored_now:,} values of {PERIOD} stored; "
        f"peak memory {peak_rss_gib():.1f} GiB; its parts (own time, SQL files by name):"
    )
    spent.print(t_commit)
    index_after = spent.whole.get("index_store.catch_up", 0.0)
    total = t_prep + t_commit - index_after
    print(
        f"  to stored (prepare + commit until the values and the rollup are committed): {total:.2f} s   goal < "
        f"{GOALS['national']:.0f} s   -> {total / GOALS['national']:.1f} x the goal;  {total / floor:.1f} x the "
        f"read_csv floor ({floor:.2f} s)"
    )
    print(
        f"  then the kept index of the touched quarters scored after the commit (index_store.catch_up, "
        f"marked out of date until then): {index_after:.2f} s; prepare + commit in all {t_prep + t_commit:.2f} s"
    )
    del prepared
    if result:  # back to the database the stages below were meant for (bench reset, not timed)
        con.execute("delete from value where upload_id = $id", {"id": result.upload_id})

    reset_peak()
    fast = bulk_by_stage(con, data, period)
    print(
        "  importer.prepare stage by stage (reform/bulk.py splits, reform/checks.py checks); "
        f"peak memory {peak_rss_gib():.1f} GiB:"
    )
    fast_total = print_stages(fast)
    fast_report = fast.outputs["report"]
    report_issues(fast_report)
    del fast
    if not args.no_cells:
        reset_peak()
        cells = prepare_by_stage(con, data, csv_path.name, period)
        print(
            f"  baseline, the per-cell path stage by stage (ingest, validate, as for a staff file); peak memory "
            f"{peak_rss_gib():.1f} GiB:"
        )
        cells_total = print_stages(cells)
        report_issues(cells.outputs["percell.check"])
        same = same_report(cells.outputs["percell.check"], fast_report)
        print(
            f"  same report and rows as the per-cell path: {'yes' if same else 'NO (a bug)'}; per-cell stages "
            f"{cells_total:.2f} s, bulk stages {fast_total:.2f} s ({cells_total / fast_total:.0f} x faster)"
        )
        del cells
    del fast_report
    gc.collect()
    if args.profile:
        print(
            profile(
                lambda: importer.prepare(con, data, "n.csv", period=period, max_bytes=MAX_BYTES, today=TODAY),
                "national importer.prepare",
            )
        )
    if args.probe_history:
        con.execute("delete from value")
        store_history(con, codes, base, values, 8)
        probe_history(con, codes, [1000, len(codes)])
    con.close()


def best_of(n: int, fn) -> float:
    """The shortest of n runs of fn, in seconds."""
    times = []
    for _ in range(n):
        gc.collect()
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return min(times)


def openpyxl_floor(data: bytes) -> float:
    """openpyxl's read-only iteration of the first sheet, values only: what reading the cells costs at least."""

    def read() -> int:
        wb = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        n = sum(len(row) for row in wb.worksheets[0].iter_rows(values_only=True))
        wb.close()
        return n

    return best_of(3, read)


def national_floor(con, csv_path: Path) -> float:
    """DuckDB reading the same file into a table, best of 3."""
    floors = []
    for _ in range(3):
        t0 = time.perf_counter()
        con.execute("create table bench_floor as select * from read_csv($p)", {"p": str(csv_path)})
        floors.append(time.perf_counter() - t0)
        floor_rows = con.execute("select count(*) from bench_floor").fetchone()[0]
        con.execute("drop table bench_floor")
    floor = min(floors)
    print(
        f"  floor: duckdb create table as select * from read_csv(file): best of 3 {floor:.2f} s "
        f"({', '.join(f'{t:.2f}' for t in floors)}; {floor_rows:,} rows)"
    )
    return floor


def probe_history(con, codes: list[str], sizes: list[int]) -> None:
    """The outlier check's query (queries/outlier_rows.sql, through validate.outliers) for some numbers of
    units, each sending every base indicator at 40 × its last stored value: every pair is a candidate, so
    the medians and deviations of their whole history are computed."""
    period = periods.parse(PERIOD)
    stored = con.execute("select count(*) from value where period < $b", {"b": period.start}).fetchone()[0]
    print(f"  probe: the outlier check's query on {stored:,} stored values:")
    last = con.execute(
        "select unit_code, indicator_code, arg_max(value, period) as last from value where period < $b group by all",
        {"b": period.start},
    ).df()
    for k in sorted({min(k, len(codes)) for k in sizes}):
        mine = last[last["unit_code"].isin(set(codes[:k]))]
        rows = pd.DataFrame(
            {
                "unit_code": mine["unit_code"].astype(object),
                "period": period.start,
                "indicator_code": mine["indicator_code"].astype(object),
                "value": 40 * mine["last"] + 10,
            }
        )
        t0 = time.perf_counter()
        flagged = validate.outliers(con, rows)
        print(f"    {k:>6,} units, {len(rows):,} values: {time.perf_counter() - t0:8.2f} s ({len(flagged):,} flagged)")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--province", action="store_true", help="the wide .xlsx case")
    ap.add_argument("--national", action="store_true", help="the long CSV case")
    ap.add_argument("--units", type=int, help="units in the file (default 3,000 / 55,000)")
    ap.add_argument("--history", type=int, help="quarters of stored history (default 8 province, 0 national)")
    ap.add_argument("--sums", action="store_true", help="province: a total row of =SUM formulas below the units")
    ap.add_argument(
        "--no-cells", action="store_true", help="skip the per-cell baseline stages (national: about 90 s unloaded)"
    )
    ap.add_argument(
        "--profile",
        action="store_true",
        help="cProfile importer.prepare of the province case, bulk.check of the national one",
    )
    ap.add_argument(
        "--profile-stage",
        choices=["ingest.read", "percell.extract", "percell.check", "store.preview"],
        help="with --profile: this stage of the province's per-cell baseline instead",
    )
    ap.add_argument(
        "--probe-history",
        action="store_true",
        help="time the outlier check's history query (national: after storing 8 quarters)",
    )
    ap.add_argument("--keep", action="store_true", help="keep the work folder under /tmp")
    args = ap.parse_args()
    if not args.province and not args.national:
        args.province = args.national = True
    work = Path(tempfile.mkdtemp(prefix="upload_bench_"))
    load = os.getloadavg()
    print(
        f"upload bench, {datetime.now():%Y-%m-%d %H:%M}, {os.cpu_count()} cpus, load average "
        f"{load[0]:.1f} (other processes slow the figures), work folder {work}"
    )
    try:
        if args.province:
            run_province(args, work)
        if args.national:
            run_national(args, work)
    finally:
        if args.keep:
            print(f"kept {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
