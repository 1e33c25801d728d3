"""Command line: `python -m reform demo|units ...`. Output formats and exit codes are a contract."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from reform import catalog, db, demo, sql
from reform.config import settings


def _db_path(args: argparse.Namespace) -> Path:
    return Path(args.db).expanduser().resolve() if args.db else settings().db_path


def cmd_demo(args: argparse.Namespace) -> int:
    """Build the demo database from scratch."""
    path = _db_path(args)
    for stale in (path, path.with_name(path.name + ".wal")):
        stale.unlink(missing_ok=True)
    con = db.connect(path)
    try:
        n = demo.load(con, settings().data_dir)
    finally:
        con.close()
    print(f"Đã tạo dữ liệu minh họa: {n} giá trị, {path}", file=sys.stderr)
    return 0


def cmd_units(args: argparse.Namespace) -> int:
    """Print the unit register, or the lineage, as CSV."""
    con = db.connect(_db_path(args))
    try:
        catalog.sync(con, settings().data_dir)
        df = sql.run(con, "unit_lineage" if args.lineage else "unit_register")
    finally:
        con.close()
    if not args.lineage:
        for col in ("valid_from", "valid_to"):
            df[col] = df[col].dt.strftime("%Y-%m-%d").fillna("")
    sys.stdout.write(df.to_csv(index=False, lineterminator="\n"))
    return 0


def parser() -> argparse.ArgumentParser:
    """The argument parser with every subcommand."""
    p = argparse.ArgumentParser(prog="python -m reform", description="Chỉ tiêu cải cách hành chính trong Đảng")
    sub = p.add_subparsers(dest="command", required=True)
    d = sub.add_parser("demo", help="tạo lại cơ sở dữ liệu minh họa (tỉnh giả định)")
    d.add_argument("--db", help="đường dẫn tệp DuckDB")
    d.set_defaults(func=cmd_demo)
    u = sub.add_parser("units", help="in danh sách đơn vị (CSV)")
    u.add_argument("--db", help="đường dẫn tệp DuckDB")
    u.add_argument("--lineage", action="store_true", help="in bảng kế thừa đơn vị (old_code,new_code,share)")
    u.set_defaults(func=cmd_units)
    return p


def main(argv: list[str] | None = None) -> int:
    """Run one command; return its exit code (2 for bad arguments)."""
    try:
        args = parser().parse_args(argv)
    except SystemExit as exc:
        return int(exc.code or 0)
    return args.func(args)
