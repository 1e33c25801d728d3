"""Command line: `python -m reform COMMAND`. Names, output columns and exit codes are a contract.

Exit codes: 0 done (or, with --dry-run, would be done); 1 refused (validation errors, undo refused);
2 file unreadable, bad arguments, or a database another process holds. Every expected failure is one
Vietnamese line on stderr (and a JSON object with `error` and `message` on stdout under --json), turned into
words in one place, main(), so every subcommand gets the same handling.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path

import duckdb
import pandas as pd

from reform import (
    approval,
    briefing,
    catalog,
    db,
    demo,
    export,
    importer,
    lake,
    locks,
    periods,
    policy,
    sql,
    store,
    template,
)
from reform import explain as explain_core
from reform import index as index_core
from reform import summary as summary_core
from reform.config import database, settings
from reform.ingest import IngestError

OK, REFUSED, BAD_INPUT = 0, 1, 2
DB_HELD = (
    "Cơ sở dữ liệu đang được mở bởi tiến trình khác (bảng điều khiển?): {path}. Hãy chạy lệnh trong lúc "
    "bảng điều khiển tắt, hoặc dùng --db với một bản sao của tệp."
)


OFFICIAL_HELP = "số liệu chính thức: chỉ số liệu đã duyệt hoặc đã khóa"


class BadArguments(ValueError):
    """The command line does not parse; message in Vietnamese."""


# argparse's own sentences, in Vietnamese (the detail after them is kept as argparse wrote it)
_ARGPARSE_WORDS = [
    (re.compile(r"^the following arguments are required: (.*)$"), "thiếu tham số bắt buộc: {0}"),
    (re.compile(r"^unrecognized arguments: (.*)$"), "tham số không nhận ra: {0}"),
    (re.compile(r"^argument (\S+): invalid choice: (.*?)(?: \(choose from (.*)\))?$"), "không có lựa chọn {1}"),
    (re.compile(r"^argument (\S+): invalid (\w+) value: (.*)$"), "{0}: giá trị không hợp lệ {2}"),
    (re.compile(r"^argument (\S+): expected one argument$"), "{0}: cần một giá trị"),
]


class _Parser(argparse.ArgumentParser):
    """An argument parser that raises BadArguments instead of printing English usage and exiting."""

    def error(self, message: str) -> None:  # type: ignore[override]
        for pattern, words in _ARGPARSE_WORDS:
            m = pattern.match(message)
            if m:
                message = words.format(*m.groups())
                break
        raise BadArguments(f"Tham số không hợp lệ: {message}. Xem: python -m reform --help")


def _connect(args: argparse.Namespace):
    con = db.connect(database(args.db) if args.db else settings().db_path, data_path=settings().lake_data_path)
    catalog.sync(con, settings().data_dir)
    return con


def _period(text: str | None) -> periods.Period | None:
    return None if text is None else periods.parse(text)


def _csv_out(df: pd.DataFrame) -> None:
    sys.stdout.write(df.to_csv(index=False, lineterminator="\n"))


def _json_out(obj: object) -> None:
    print(json.dumps(obj, ensure_ascii=False, indent=2, default=str))


def _scope(con, unit: str | None) -> str | None:
    if unit:
        return unit if not sql.run(con, "unit_subtree", unit=unit).empty else None
    root = sql.run(con, "root_unit")
    return None if root.empty else str(root["code"].iloc[0])


def cmd_summary(args: argparse.Namespace) -> int:
    """Every indicator and derived rate of a scope: value, same period last year, change."""
    period = periods.parse(args.period)
    with _connect(args) as con:
        scope = _scope(con, args.unit)
        if scope is None:
            print(f"Không có đơn vị {args.unit or '(chưa có danh sách đơn vị)'}.", file=sys.stderr)
            return BAD_INPUT
        records = summary_core.to_records(summary_core.summary(con, scope, period, official=args.official))
    payload = {
        "scope": scope,
        "period": period.code,
        "official": bool(args.official),
        "previous_period": period.shift_years(-1).code,
        "indicators": records,
    }
    if args.json:
        _json_out(payload)
    else:
        _csv_out(pd.DataFrame(records))
    return OK


def _scope_of_indicator(con: duckdb.DuckDBPyConnection, args: argparse.Namespace) -> str | None:
    """The scope of --unit when it and --indicator both exist; else None, said on stderr."""
    scope = _scope(con, args.unit)
    if scope is None or args.indicator not in set(sql.run(con, "catalog")["code"]):
        print(f"Không có đơn vị hoặc chỉ tiêu: {args.unit} / {args.indicator}.", file=sys.stderr)
        return None
    return scope


def cmd_rank(args: argparse.Namespace) -> int:
    """The child units of a scope ranked on one indicator, with last year's rank."""
    period = periods.parse(args.period)
    with _connect(args) as con:
        scope = _scope_of_indicator(con, args)
        if scope is None:
            return BAD_INPUT
        df = summary_core.rank(con, scope, args.indicator, period, official=args.official)
    df = df.astype(object).where(df.notna(), None)
    if args.json:
        _json_out(
            {
                "scope": scope,
                "period": period.code,
                "indicator_code": args.indicator,
                "official": bool(args.official),
                "units": df.to_dict(orient="records"),
            }
        )
    else:
        _csv_out(df)
    return OK


def cmd_index(args: argparse.Namespace) -> int:
    """The composite reform index of the child units of a scope, or (--weights) the weights in force."""
    if not args.weights and not args.period:
        print("Cần --period (ví dụ 2026-Q3) hoặc --weights.", file=sys.stderr)
        return BAD_INPUT
    period = periods.parse(args.period) if args.period else None
    with _connect(args) as con:
        if args.weights:
            on = period.start if period else pd.Timestamp.today().date()
            sys.stdout.write(index_core.weights_csv(sql.run(con, "index_weights", on=on)))
            return OK
        scope = _scope(con, args.unit)
        if scope is None:
            print(f"Không có đơn vị {args.unit or '(chưa có danh sách đơn vị)'}.", file=sys.stderr)
            return BAD_INPUT
        result = index_core.compute(con, scope, period, official=args.official)
    records = index_core.to_records(result)
    if not args.json:
        _csv_out(pd.DataFrame(records).drop(columns="parts"))
        print(result.note, file=sys.stderr)
        return OK
    _json_out(
        {
            "scope": scope,
            "period": period.code,
            "previous_period": period.shift_years(-1).code,
            "version": result.version,
            "official_requested": bool(args.official),
            "official": bool(args.official),
            "provisional": result.provisional,
            "note": result.note,
            "units": records,
        }
    )
    return OK


def cmd_demo(args: argparse.Namespace) -> int:
    """Build the demo database from scratch (or, with --write-files, regenerate data/demo/)."""
    if args.write_files:
        return _write_demo_files()
    path = database(args.db) if args.db else settings().db_path
    if isinstance(path, str):  # a lake is shared: filled when empty, never deleted
        return _demo_into_lake(path)
    if path.exists():  # opened first: a file the dashboard holds is reported, never deleted under it
        duckdb.connect(str(path)).close()
    for stale in (path, path.with_name(path.name + ".wal")):
        stale.unlink(missing_ok=True)
    con = db.connect(path)
    try:
        n = demo.load(con, settings().data_dir)
    finally:
        con.close()
    print(f"Đã tạo dữ liệu minh họa: {n} giá trị, {path}", file=sys.stderr)
    return OK


def _demo_into_lake(target: str) -> int:
    con = db.connect(target, data_path=settings().lake_data_path)
    try:
        catalog.sync(con, settings().data_dir)
        if int(sql.run(con, "data_version")["uploads"].iloc[0]):
            print("Cơ sở dữ liệu dùng chung đã có dữ liệu: không nạp dữ liệu minh họa.", file=sys.stderr)
            return REFUSED
        n = demo.load(con, settings().data_dir)
    finally:
        con.close()
    print(f"Đã tạo dữ liệu minh họa: {n} giá trị, trong cơ sở dữ liệu dùng chung", file=sys.stderr)
    return OK


def _write_demo_files() -> int:
    con = db.connect(":memory:")
    catalog.sync(con, settings().data_dir)
    reg = demo.register()
    store.replace_units(con, reg.units, reg.lineage)
    for path in demo.write_files(con, settings().data_dir / demo.DEMO_DIR_NAME):
        print(path.name, file=sys.stderr)
    return OK


def cmd_units(args: argparse.Namespace) -> int:
    """Print the unit register, or the lineage, as CSV."""
    with _connect(args) as con:
        df = sql.run(con, "unit_lineage" if args.lineage else "unit_register")
    if not args.lineage:
        for col in ("valid_from", "valid_to"):
            df[col] = df[col].dt.strftime("%Y-%m-%d").fillna("")
    _csv_out(df)
    return OK


def cmd_load_units(args: argparse.Namespace) -> int:
    """Replace the unit register (and lineage) from CSV files in the `units` output format."""
    try:
        units = pd.read_csv(args.units_file, dtype=str, keep_default_na=False, encoding="utf-8-sig")
        lineage = (
            pd.read_csv(args.lineage, dtype={"old_code": str, "new_code": str}, encoding="utf-8-sig")
            if args.lineage
            else pd.DataFrame(columns=store.LINEAGE_COLUMNS)
        )
        units = units.replace({"": None})
        for col in ("valid_from", "valid_to"):
            units[col] = pd.to_datetime(units[col], format="%Y-%m-%d").dt.date
        units["valid_to"] = units["valid_to"].astype(object).where(units["valid_to"].notna(), None)
        starts = dict(zip(units["code"], units["valid_from"], strict=True))
        if "effective" in lineage.columns:
            lineage["effective"] = pd.to_datetime(lineage["effective"]).dt.date
        else:  # the new unit stands in for the old one from the day it starts
            lineage["effective"] = lineage["new_code"].map(starts)
    except (OSError, ValueError, KeyError) as exc:
        print(f"Không đọc được danh sách đơn vị: {exc}", file=sys.stderr)
        return BAD_INPUT
    with _connect(args) as con:
        try:
            store.replace_units(con, units, lineage)
        except (store.StoreError, duckdb.Error) as exc:
            print(f"Không nạp được danh sách đơn vị: {exc}", file=sys.stderr)
            return REFUSED
    print(f"Đã nạp {len(units)} đơn vị, {len(lineage)} dòng kế thừa.", file=sys.stderr)
    return OK


def cmd_import(args: argparse.Namespace) -> int:
    """Check a file and store it (all or nothing); --dry-run only reports."""
    path = Path(args.file)
    if not path.is_file():
        return _fail(args, BAD_INPUT, "E_NO_FILE", f"Không tìm thấy tệp {path}.")
    max_bytes = int(args.max_mb * 1024 * 1024) if args.max_mb else None
    # the writers' lock from the check to the commit: what is reported is what is stored
    with _connect(args) as con, locks.writer(con):
        try:
            prepared = importer.prepare(
                con, path.read_bytes(), path.name, period=_period(args.period), max_bytes=max_bytes
            )
        except IngestError as exc:
            return _fail(args, BAD_INPUT, exc.code, exc.message)
        summary = prepared.summary()
        if prepared.report.errors:
            _report(args, summary, "Không lưu: tệp còn lỗi.")
            return REFUSED
        if not args.dry_run:
            actor = policy.command_line(args.user)
            result = importer.commit(con, prepared, user=actor.label)
            if result is not None:
                summary["upload_id"] = result.upload_id
                policy.record(con, actor, "upload", result.upload_id, policy.OK, path.name)
        _report(args, summary, "Kiểm tra xong, chưa lưu (--dry-run)." if args.dry_run else "Đã lưu.")
    return OK


def _fail(args: argparse.Namespace, code: int, issue: str, message: str) -> int:
    if getattr(args, "json", False):
        _json_out({"errors": [{"row": None, "column": None, "code": issue, "message": message}], "warnings": []})
    else:
        print(message, file=sys.stderr)
    return code


def _report(args: argparse.Namespace, summary: dict, verdict: str) -> None:
    if args.json:
        _json_out(summary)
        return
    print(
        f"{verdict} {summary['rows']} dòng, {summary['values']} giá trị: {summary['inserted']} mới, "
        f"{summary['updated']} thay đổi, {summary['unchanged']} không đổi; "
        f"{len(summary['errors'])} lỗi, {len(summary['warnings'])} cảnh báo."
    )
    for issue in summary["errors"] + summary["warnings"]:
        print(f"  [{issue['code']}] {issue['message']}")


def cmd_export(args: argparse.Namespace) -> int:
    """Print stored values as long CSV: unit_code,period,indicator_code,value."""
    p = _period(args.period)
    with _connect(args) as con:
        name = sql.official("export_values") if args.official else "export_values"
        df = sql.run(con, name, period_start=p.start if p else None, period_end=p.end if p else None, unit=args.unit)
    df["period"] = [periods.from_date(d).code for d in pd.to_datetime(df["period"]).dt.date]
    df["value"] = df["value"].map(lambda v: str(int(v)) if float(v).is_integer() else repr(float(v)))
    _csv_out(df)
    return OK


def cmd_template(args: argparse.Namespace) -> int:
    """Write the .xlsx upload template for a quarter."""
    with _connect(args) as con:
        try:
            data = template.build(con, periods.parse(args.period), args.units)
        except ValueError as exc:
            print(exc, file=sys.stderr)
            return BAD_INPUT
    Path(args.out).write_bytes(data)
    print(f"Đã ghi mẫu {args.out}", file=sys.stderr)
    return OK


def cmd_uploads(args: argparse.Namespace) -> int:
    """List every upload, newest first."""
    with _connect(args) as con:
        df = sql.run(con, "uploads")
    df["created_at"] = df["created_at"].dt.strftime("%Y-%m-%dT%H:%M:%S")
    if args.json:
        _json_out(df.to_dict(orient="records"))
    else:
        _csv_out(df)
    return OK


def cmd_undo(args: argparse.Namespace) -> int:
    """Undo one upload: restore exactly the values it replaced."""
    actor = policy.command_line(args.user)
    with _connect(args) as con:
        try:
            res = store.undo(con, args.upload_id, user=actor.label)
        except store.UndoRefused as exc:
            policy.record(con, actor, "undo", args.upload_id, policy.REFUSED, str(exc))
            print(exc, file=sys.stderr)
            return REFUSED
        policy.record(con, actor, "undo", args.upload_id, policy.OK)
    print(
        f"Đã hoàn tác lần tải lên số {args.upload_id}: khôi phục {res.restored} giá trị, "
        f"xóa {res.removed} giá trị (ghi nhận là lần {res.undo_id})."
    )
    return OK


def cmd_brief(args: argparse.Namespace) -> int:
    """The quarter's briefing deck (or a saved one) as PowerPoint or PDF; --json prints its figures."""
    out = Path(args.out) if args.out else None
    if out is None and not args.json:
        print("Cần --out TỆP.pptx|TỆP.pdf hoặc --json.", file=sys.stderr)
        return BAD_INPUT
    if out is not None and out.suffix.lower() not in {".pptx", ".pdf"}:
        print(f"Tệp ra phải là .pptx hoặc .pdf: {out.name}", file=sys.stderr)
        return BAD_INPUT
    with _connect(args) as con:
        deck = _brief_deck(con, args)
    if deck is None:
        return BAD_INPUT
    if out is not None:
        out.write_bytes(export.to_pptx(deck) if out.suffix.lower() == ".pptx" else export.to_pdf(deck))
        print(f"Đã ghi {out} ({len(deck.slides)} trang).", file=sys.stderr)
    if args.json:
        _json_out(
            {
                "scope": deck.scope,
                "period": deck.period,
                "official": deck.footer.official,
                "footer": deck.footer.text(),
                "frozen_at": deck.footer.frozen_at,
                "last_upload_id": deck.last_upload_id,
                "slides": briefing.slide_figures(deck),
            }
        )
    return OK


def _brief_deck(con, args: argparse.Namespace):
    """A saved deck (frozen figures if frozen) or the default deck of the period; None with a message."""
    if args.deck:
        saved = briefing.load(con, args.deck)
        if saved is None:
            print(f"Không có bài trình chiếu “{args.deck}”.", file=sys.stderr)
            return None
        if args.official and not saved.spec.official:  # a saved deck keeps the basis it was made with
            print(
                f"Bài “{args.deck}” dùng tất cả số liệu, không phải số liệu chính thức: bỏ --official.", file=sys.stderr
            )
            return None
        return briefing.current(con, saved)
    if not args.period:
        print("Cần --period (ví dụ 2025-Q3) hoặc --deck TÊN.", file=sys.stderr)
        return None
    period = periods.parse(args.period)
    scope = _scope(con, args.unit)
    if scope is None:
        print(f"Không có đơn vị {args.unit or '(chưa có danh sách đơn vị)'}.", file=sys.stderr)
        return None
    return briefing.build(con, briefing.default_spec(con, scope, period.code, official=args.official))


def cmd_users(args: argparse.Namespace) -> int:
    """People and their grants: add, remove, list. The command line acts as quản trị of the file it opens."""
    actor = policy.command_line(getattr(args, "user", None))
    with _connect(args) as con:
        if args.action == "list":
            return _users_list(con, args)
        try:
            if args.action == "add":
                unit = args.unit if args.role == "quantri" or args.unit else _scope(con, None)
                policy.grant(con, actor, args.email, args.role, unit, subject=args.subject)
                print(f"Đã cấp quyền {args.role} {'' if args.role == 'quantri' else unit} cho {args.email}.")
                return OK
            removed = policy.revoke(con, actor, args.email, args.role, args.unit)
        except policy.PolicyError as exc:
            print(exc, file=sys.stderr)
            return BAD_INPUT
    if not removed:
        print(f"{args.email} không có quyền nào khớp; không thu hồi gì.", file=sys.stderr)
        return REFUSED
    print(f"Đã thu hồi {removed} quyền của {args.email}.")
    return OK


def _users_list(con, args: argparse.Namespace) -> int:
    df = policy.people(con)
    records = [
        {"email": e, "role": None if pd.isna(r) else r, "unit": None if pd.isna(u) else u}
        for e, r, u in zip(df["email"], df["role"], df["unit"], strict=True)
    ]
    if args.json:
        _json_out(records)
    else:
        _csv_out(pd.DataFrame(records, columns=["email", "role", "unit"]))
    return OK


def cmd_audit(args: argparse.Namespace) -> int:
    """The record of who did what, newest first."""
    try:
        since = pd.Timestamp(args.since).to_pydatetime() if args.since else None
    except ValueError:
        print(f"Ngày không hợp lệ: {args.since} (viết 2025-10-20 hoặc 2025-10-20T08:30).", file=sys.stderr)
        return BAD_INPUT
    with _connect(args) as con:
        df = policy.audit(con, since=since)
    df["happened_at"] = df["happened_at"].dt.strftime("%Y-%m-%dT%H:%M:%S")
    df = df.astype(object).where(df.notna(), None)
    if args.json:
        _json_out(df.to_dict(orient="records"))
    else:
        _csv_out(df)
    return OK


def cmd_maintain(args: argparse.Namespace) -> int:
    """Tidy the storage: on a DuckLake flush, merge, expire and clean (reform.lake.maintain); on the file a
    checkpoint (the write-ahead log folded into the file)."""
    if args.older_than < 0:
        raise BadArguments("Tham số không hợp lệ: --older-than phải là số giờ không âm.")
    with _connect(args) as con:
        if sql.run(con, "database_path")["type"].iloc[0] == "ducklake":
            done = {"engine": "ducklake", **lake.maintain(con, older_than_hours=args.older_than)}
        else:
            con.execute("checkpoint")
            done = {"engine": "file", "checkpoint": True}
    if args.json:
        _json_out(done)
    else:
        print(", ".join(f"{k}: {v}" for k, v in done.items()), file=sys.stderr)


def cmd_transition(args: argparse.Namespace) -> int:
    """submit | approve | unapprove | lock | unlock one unit × quarter; 1 with the rules' words when refused."""
    start = approval.quarter_start(periods.parse(args.period))
    actor = policy.command_line(args.user)
    with _connect(args) as con:
        try:
            done = approval.act(con, actor, args.command, args.unit, start, args.reason)
        except approval.ApprovalRefused as exc:
            print(exc, file=sys.stderr)
            return REFUSED
    label = periods.from_date(done.period).label
    print(f"{args.unit} {label}: {approval.STATE_NAMES[done.state]} ({done.moved} đơn vị chuyển trạng thái).")
    return OK


def cmd_entry_window(args: argparse.Namespace) -> int:
    """The entry window in days after a quarter ends (0 = always open); --days N sets it (quản trị)."""
    if args.days is not None and args.days < 0:
        raise BadArguments("Tham số không hợp lệ: --days phải từ 0 trở lên (0 = luôn mở).")
    with _connect(args) as con:
        if args.days is not None:
            try:
                approval.set_window_days(con, policy.command_line(args.user), args.days)
            except approval.ApprovalRefused as exc:
                print(exc, file=sys.stderr)
                return REFUSED
        days = approval.window_days(con)
    if args.json:
        _json_out({"days": days})
    else:
        print(f"Hạn nhập số liệu: {days} ngày sau khi hết quý." if days else "Hạn nhập số liệu: luôn mở.")
    return OK


def cmd_entry_exception(args: argparse.Namespace) -> int:
    """Keep entry open for one unit × quarter past the window, with a reason (quản trị)."""
    start = approval.quarter_start(periods.parse(args.period))
    with _connect(args) as con:
        if _scope(con, args.unit) is None:
            print(f"Không có đơn vị {args.unit}.", file=sys.stderr)
            return BAD_INPUT
        try:
            approval.grant_exception(con, policy.command_line(args.user), args.unit, start, args.reason)
        except approval.ApprovalRefused as exc:
            print(exc, file=sys.stderr)
            return REFUSED
    print(f"Đã mở lại hạn nhập cho {args.unit}, {periods.from_date(start).label}: {args.reason}.")
    return OK


def cmd_explain(args: argparse.Namespace) -> int:
    """A figure and the stored values it is made of, each with its upload and state."""
    period = periods.parse(args.period)
    with _connect(args) as con:
        scope = _scope_of_indicator(con, args)
        if scope is None:
            return BAD_INPUT
        found = explain_core.explain(con, scope, args.indicator, period, official=args.official)
    record = {"scope": scope, "period": period.code, "official": bool(args.official), **explain_core.to_record(found)}
    if args.json:
        _json_out(record)
    else:
        cols = ["unit_code", "period", "role", "value", "weight", "upload_id", "file_name", "uploaded_by", "state"]
        print(f"{record['name_vi']}: {record['value']}", file=sys.stderr)
        _csv_out(pd.DataFrame(record["parts"], columns=cols))
    return OK


def cmd_status(args: argparse.Namespace) -> int:
    """Where each unit of a scope stands for a quarter: unit_code, state, by, at."""
    start = approval.quarter_start(periods.parse(args.period))
    with _connect(args) as con:
        scope = _scope(con, args.unit)
        if scope is None:
            print(f"Không có đơn vị {args.unit or '(chưa có danh sách đơn vị)'}.", file=sys.stderr)
            return BAD_INPUT
        df = approval.status(con, scope, start)
    records = [
        {
            "unit_code": u,
            "state": s,
            "by": None if pd.isna(b) else b,
            "at": None if pd.isna(a) else pd.Timestamp(a).strftime("%Y-%m-%dT%H:%M:%S"),
        }
        for u, s, b, a in zip(df["unit_code"], df["state"], df["changed_by"], df["changed_at"], strict=True)
    ]
    if args.json:
        _json_out(records)
    else:
        _csv_out(pd.DataFrame(records, columns=["unit_code", "state", "by", "at"]))
    return OK


def parser() -> argparse.ArgumentParser:
    """The argument parser with every subcommand."""
    p = _Parser(prog="python -m reform", description="Chỉ tiêu cải cách hành chính trong Đảng")
    sub = p.add_subparsers(dest="command", required=True)

    def command(name: str, func, help_: str) -> argparse.ArgumentParser:
        c = sub.add_parser(name, help=help_)
        c.add_argument("--db", help="đường dẫn tệp DuckDB, hoặc ducklake:postgres:… (cơ sở dữ liệu dùng chung)")
        c.set_defaults(func=func)
        return c

    c = command("demo", cmd_demo, "tạo lại cơ sở dữ liệu minh họa (tỉnh giả định)")
    c.add_argument("--write-files", action="store_true", help="ghi lại các tệp báo cáo minh họa trong data/demo/")
    c = command("units", cmd_units, "in danh sách đơn vị (CSV)")
    c.add_argument("--lineage", action="store_true", help="in bảng kế thừa (old_code,new_code,share)")
    c = command("summary", cmd_summary, "số liệu của một phạm vi trong một kỳ, so với cùng kỳ")
    c.add_argument("--period", required=True, help="2025-Q3, 2025-H1, 2025-9M, 2025-FY")
    c.add_argument("--unit", help="đơn vị (mặc định: cả tỉnh)")
    c.add_argument("--official", action="store_true", help=OFFICIAL_HELP)
    c.add_argument("--json", action="store_true")
    c = command("rank", cmd_rank, "xếp hạng các đơn vị trực thuộc theo một chỉ tiêu")
    c.add_argument("--period", required=True)
    c.add_argument("--indicator", required=True)
    c.add_argument("--unit", help="đơn vị có các đơn vị trực thuộc được xếp hạng (mặc định: cả tỉnh)")
    c.add_argument("--official", action="store_true", help=OFFICIAL_HELP)
    c.add_argument("--json", action="store_true")
    c = command("index", cmd_index, "Chỉ số CCHC của các đơn vị trực thuộc, hoặc bảng trọng số")
    c.add_argument("--period", help="2026-Q3, 2026-H1, 2026-9M, 2026-FY")
    c.add_argument("--unit", help="đơn vị có các đơn vị trực thuộc được chấm điểm (mặc định: cả tỉnh)")
    c.add_argument("--official", action="store_true", help=OFFICIAL_HELP)
    c.add_argument("--weights", action="store_true", help="in bảng trọng số đang áp dụng (CSV)")
    c.add_argument("--json", action="store_true")
    c = command("load-units", cmd_load_units, "nạp danh sách đơn vị từ CSV (cột như lệnh units)")
    c.add_argument("units_file")
    c.add_argument("--lineage", help="CSV kế thừa: old_code,new_code,share[,effective]")
    c = command("import", cmd_import, "kiểm tra và lưu một tệp báo cáo (.xlsx, .csv, .txt)")
    c.add_argument("file")
    c.add_argument("--period", help="kỳ báo cáo khi tệp không ghi, ví dụ 2025-Q3")
    c.add_argument("--user", help="người tải lên (mặc định: người dùng của hệ thống)")
    c.add_argument("--dry-run", action="store_true", help="chỉ kiểm tra, không lưu")
    c.add_argument("--json", action="store_true", help="in kết quả dạng JSON")
    c.add_argument("--max-mb", type=float, help="giới hạn dung lượng tệp (MB)")
    c = command("export", cmd_export, "in số liệu đã lưu dạng CSV dài")
    c.add_argument("--period")
    c.add_argument("--unit", help="đơn vị và mọi đơn vị cấp dưới")
    c.add_argument("--official", action="store_true", help=OFFICIAL_HELP)
    c = command("template", cmd_template, "tạo mẫu Excel cho một quý")
    c.add_argument("--period", required=True)
    c.add_argument("--units", nargs="*", help="mã các đơn vị (mặc định: mọi đơn vị đang hoạt động)")
    c.add_argument("--out", required=True)
    c = command("brief", cmd_brief, "bài trình chiếu giao ban của một kỳ: PowerPoint hoặc PDF")
    c.add_argument("--period", help="2025-Q3, 2025-H1, 2025-9M, 2025-FY")
    c.add_argument("--unit", help="đơn vị (mặc định: cả tỉnh)")
    c.add_argument("--deck", help="tên một bài trình chiếu đã lưu (số liệu đã chốt nếu bài đã chốt)")
    c.add_argument("--out", help="tệp ra .pptx hoặc .pdf")
    c.add_argument("--json", action="store_true", help="in số liệu và nhận định của từng trang")
    c.add_argument("--official", action="store_true", help=OFFICIAL_HELP)
    c = command("uploads", cmd_uploads, "liệt kê các lần tải lên")
    c.add_argument("--json", action="store_true")
    c = command("undo", cmd_undo, "hoàn tác một lần tải lên")
    c.add_argument("upload_id", type=int)
    c.add_argument("--user", help="người hoàn tác (mặc định: người dùng của hệ thống)")
    _users_parser(sub)
    c = command("maintain", cmd_maintain, "bảo trì nơi lưu: gộp tệp, bỏ ảnh chụp và tệp cũ (DuckLake)")
    c.add_argument(
        "--older-than", type=float, default=24.0, help="chỉ bỏ ảnh chụp và tệp cũ hơn số giờ này (mặc định 24)"
    )
    c.add_argument("--json", action="store_true")
    for name in approval.ACTIONS:
        c = command(name, cmd_transition, f"{approval.ACTION_NAMES[name].lower()} báo cáo của một đơn vị trong một quý")
        c.add_argument("--unit", required=True, help="mã đơn vị")
        c.add_argument("--period", required=True, help="một quý, ví dụ 2026-Q3")
        c.add_argument("--reason", help="lý do (bắt buộc khi trả lại và khi mở khóa)")
        c.add_argument("--user", help="người thực hiện (mặc định: người dùng của hệ thống)")
    c = command("entry-window", cmd_entry_window, "hạn nhập số liệu: số ngày sau khi hết quý (0 = luôn mở)")
    c.add_argument("--days", type=int, help="đặt hạn mới (quản trị)")
    c.add_argument("--user", help="người thực hiện (mặc định: người dùng của hệ thống)")
    c.add_argument("--json", action="store_true")
    c = command("entry-exception", cmd_entry_exception, "mở lại hạn nhập cho một đơn vị trong một quý (quản trị)")
    c.add_argument("--unit", required=True, help="mã đơn vị")
    c.add_argument("--period", required=True, help="một quý, ví dụ 2026-Q3")
    c.add_argument("--reason", required=True, help="lý do mở lại")
    c.add_argument("--user", help="người thực hiện (mặc định: người dùng của hệ thống)")
    c = command("explain", cmd_explain, "số liệu này từ đâu: các giá trị tạo nên một số liệu")
    c.add_argument("--period", required=True, help="2025-Q3, 2025-H1, 2025-9M, 2025-FY")
    c.add_argument("--indicator", required=True)
    c.add_argument("--unit", help="đơn vị (mặc định: cả tỉnh)")
    c.add_argument("--official", action="store_true", help=OFFICIAL_HELP)
    c.add_argument("--json", action="store_true")
    c = command("status", cmd_status, "trạng thái báo cáo của các đơn vị trong một quý")
    c.add_argument("--period", required=True, help="một quý, ví dụ 2026-Q3")
    c.add_argument("--unit", help="đơn vị (và mọi đơn vị cấp dưới); mặc định: cả tỉnh")
    c.add_argument("--json", action="store_true")
    c = command("audit", cmd_audit, "nhật ký: ai đã làm gì, khi nào")
    c.add_argument("--since", help="chỉ từ ngày này, ví dụ 2025-10-20")
    c.add_argument("--json", action="store_true")
    return p


def _users_parser(sub) -> None:
    """`users add|remove|list`: the contract of issue 13."""
    users = sub.add_parser("users", help="người dùng và quyền")
    actions = users.add_subparsers(dest="action", required=True)
    for name, help_ in (("add", "cấp quyền (thêm người nếu chưa có)"), ("remove", "thu hồi quyền"), ("list", "")):
        c = actions.add_parser(name, help=help_ or "liệt kê người dùng và quyền")
        c.add_argument("--db", help="đường dẫn tệp DuckDB, hoặc ducklake:postgres:… (cơ sở dữ liệu dùng chung)")
        c.set_defaults(func=cmd_users)
        if name == "list":
            c.add_argument("--json", action="store_true")
            continue
        c.add_argument("email")
        c.add_argument("--role", required=name == "add", choices=policy.ROLES)
        c.add_argument("--unit", help="đơn vị (và mọi đơn vị cấp dưới); mặc định: cả tỉnh")
        if name == "add":
            c.add_argument(
                "--subject",
                action="store_true",
                help="EMAIL là mã định danh (subject) trên máy chủ đăng nhập, cho tài khoản không có thư điện tử",
            )
        c.add_argument("--user", help="người thực hiện (mặc định: người dùng của hệ thống)")


def main(argv: list[str] | None = None) -> int:
    """Run one command; return its exit code. The one place that turns an expected failure into words."""
    argv = sys.argv[1:] if argv is None else list(argv)
    as_json = "--json" in argv
    try:
        args = parser().parse_args(argv)
        return args.func(args)
    except SystemExit as exc:  # --help
        return int(exc.code or 0)
    except BadArguments as exc:
        return _failure(as_json, BAD_INPUT, "E_ARGUMENTS", str(exc))
    except periods.PeriodError as exc:
        return _failure(as_json, BAD_INPUT, "E_PERIOD", str(exc))
    except IngestError as exc:
        return _failure(as_json, BAD_INPUT, exc.code, exc.message)
    except locks.LockBusy as exc:
        return _failure(as_json, BAD_INPUT, "E_DB_BUSY", str(exc))
    except store.StaleUpload as exc:
        return _failure(as_json, REFUSED, "E_STALE", str(exc))
    except lake.LakeError as exc:
        return _failure(as_json, BAD_INPUT, "E_DB_CONFIG", str(exc))
    except approval.Locked as exc:
        return _failure(as_json, REFUSED, approval.Locked.code, str(exc))
    except duckdb.IOException as exc:
        if not db.held_elsewhere(exc):
            raise
        return _failure(as_json, BAD_INPUT, "E_DB_HELD", DB_HELD.format(path=_db_path(argv)))
    except OSError as exc:
        where = f" {exc.filename}" if exc.filename else ""
        return _failure(as_json, BAD_INPUT, "E_FILE", f"Không đọc hoặc ghi được tệp{where}: {exc.strerror or exc}.")


def _db_path(argv: list[str]) -> Path | str:
    for i, arg in enumerate(argv):
        if arg == "--db" and i + 1 < len(argv):
            return database(argv[i + 1])
        if arg.startswith("--db="):
            return database(arg.split("=", 1)[1])
    return settings().db_path


def _failure(as_json: bool, exit_code: int, error: str, message: str) -> int:
    """One line on stderr and, under --json, {"error", "message"} on stdout (what a script reads); the exit code."""
    if as_json:
        _json_out({"error": error, "message": message})
    print(message, file=sys.stderr)
    return exit_code
