"""What the rights policy adds to a page rerun, at national scale.

Every rerun of a page asks the policy: the person's grants (policy.load), the units they may see for
the scope picker (visible_units, filtered in SQL through unit_closure), and, on some pages, whether
they may see a unit (may_see) and which decks (decks). The register is national-sized (1 root,
34 provinces, 55,000 communes: the policy reads units and unit_closure, never the values, so no value
is generated). Prints the median of --repeat runs after one warm-up, per person, with the data size and
a baseline from the same run: data_version, the one query every rerun already runs uncached.

    .venv/bin/python bench/policy_bench.py [--communes 55000] [--repeat 30]
"""

from __future__ import annotations

import argparse
import sys
import time
from datetime import date
from pathlib import Path

PROJECT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT))

import streamlit as st  # noqa: E402
from timing import median_ms  # noqa: E402

from reform import db, policy, sql  # noqa: E402

PROVINCES = 34
CON = None  # the bench database, for the cached functions below


@st.cache_data(max_entries=256, show_spinner=False)
def cached_visible(person_id: int, grants: tuple, at: date):
    """As ui.visible_units: the SQL answer cached by person, grants and day."""
    return policy.visible_units(CON, policy.Person(person_id, "", grants), at)


@st.cache_data(max_entries=1024, show_spinner=False)
def cached_may_see(person_id: int, grants: tuple, unit: str) -> bool:
    """As ui.may_see."""
    return policy.may_see(CON, policy.Person(person_id, "", grants), unit)


def build(communes: int):
    """An in-memory database with the national register and its closure, and people of each kind."""
    con = db.connect(":memory:")
    con.execute("insert into units select 'TW', 'Trung ương (giả định)', 'tinh_uy', null, date '2020-01-01', null")
    con.execute(
        "insert into units select 'P' || lpad(i::varchar, 2, '0'), 'Tỉnh ' || i, 'tinh_uy', 'TW',"
        " date '2020-01-01', null from range(1, $n + 1) t(i)",
        {"n": PROVINCES},
    )
    con.execute(
        "insert into units select 'P' || lpad((i % $p + 1)::varchar, 2, '0') || 'X' || lpad(i::varchar, 5, '0'),"
        " 'Xã ' || i, 'dang_bo_xa', 'P' || lpad((i % $p + 1)::varchar, 2, '0'), date '2020-01-01', null"
        " from range($n) t(i)",
        {"n": communes, "p": PROVINCES},
    )
    sql.execute(con, "refresh_unit_closure")
    admin = policy.command_line("bench")
    commune = con.execute("select code from units where type = 'dang_bo_xa' order by code limit 1").fetchone()[0]
    policy.grant(con, admin, "xa@vd.vn", "xem", commune)
    policy.grant(con, admin, "tinh@vd.vn", "nhap", "P01")
    policy.grant(con, admin, "qt@vd.vn", "quantri", None)
    for i in range(200):  # other people's grants, so the tables are not trivially small
        policy.grant(con, admin, f"nguoi{i}@vd.vn", "xem", f"P{i % PROVINCES + 1:02d}")
    con.execute(
        "insert into deck (name, scope, period, spec, updated_at)"
        " select 'Bài ' || i, 'P' || lpad((i % $p + 1)::varchar, 2, '0'), '2025-Q3', '[]', now() from range(50) t(i)",
        {"p": PROVINCES},
    )
    return con, commune


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--communes", type=int, default=55_000)
    ap.add_argument("--repeat", type=int, default=30)
    args = ap.parse_args()
    global CON
    start = time.perf_counter()
    con, commune = build(args.communes)
    CON = con
    units = con.execute("select count(*) from units").fetchone()[0]
    closure = con.execute("select count(*) from unit_closure").fetchone()[0]
    print(f"register: {units:,} units, {closure:,} closure rows; built in {time.perf_counter() - start:.1f} s")
    at = date(2025, 7, 1)
    baseline = median_ms(lambda: sql.run(con, "data_version"), args.repeat)
    print(f"baseline data_version (run on every rerun already): {baseline:.2f} ms")
    print("uncached SQL (first run of a page; a new grant or upload), and a warm rerun (load + cached look-ups):")
    head = f"{'person':<22}{'load':>7}{'visible_units':>15}{'may_see':>9}{'decks':>8}{'cold':>8}{'warm':>8}  visible"
    print(head)
    for label, email in [
        ("xem, one commune", "xa@vd.vn"),
        ("nhap, one province", "tinh@vd.vn"),
        ("quantri", "qt@vd.vn"),
    ]:
        who = policy.sign_in(con, issuer="https://id.vd.vn", subject=email, email=email, name=None)
        load = median_ms(lambda e=email, w=who: policy.load(con, w.id, e), args.repeat)
        if who.admin:  # quản trị keeps the scope picker of before: no visible_units on its reruns
            visible, n = 0.0, units
        else:
            visible = median_ms(lambda w=who: policy.visible_units(con, w, at), args.repeat)
            n = len(policy.visible_units(con, who, at))
        see = median_ms(lambda w=who: policy.may_see(con, w, commune), args.repeat)
        decks = median_ms(lambda w=who: policy.decks(con, w), args.repeat)
        total = load + visible + see + decks

        def warm(e=email, w=who) -> None:
            again = policy.load(con, w.id, e)
            if not again.admin:
                cached_visible(again.id, again.grants, at)
            cached_may_see(again.id, again.grants, commune)

        rerun = median_ms(warm, args.repeat)
        print(f"{label:<22}{load:>7.2f}{visible:>15.2f}{see:>9.2f}{decks:>8.2f}{total:>8.2f}{rerun:>8.2f}  {n:,}")
    print(f"(ms, median of {args.repeat} runs; cold = load + visible_units + may_see + decks, the most a page asks;")
    print(" decks are asked only on the two briefing pages)")


if __name__ == "__main__":
    main()
