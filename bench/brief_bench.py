"""Export time of a 10-slide briefing deck at province scale: PowerPoint (native charts) and PDF (embedded font).

The deck is the default deck that reform.briefing builds from a database (--db FILE; without it, the demo
database is built in a temporary folder), when that module exists, and always a hand-built deck of the
same shape at province scale (--units unit charts of 30-40 categories, --quarters quarters on the line
charts), so the figure does not depend on what the demo data happens to hold. Each export is timed as the
median of --repeat runs after one warm-up, next to a baseline measured in the same run: python-pptx saving
10 slides of plain text and reportlab writing 10 pages of plain text in the same embedded font.
Goals (issue 5): PowerPoint under 5 s, PDF under 15 s. Prints figures only; nothing is asserted.
Usage: python bench/brief_bench.py [--repeat 5] [--units 38] [--quarters 12] [--db FILE] [--period 2025-Q3]
"""

from __future__ import annotations

import argparse
import importlib.util
import io
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

PROJECT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT))

from reform import export  # noqa: E402
from reform.deck import Chart, Deck, Footer, Series, Slide, Table  # noqa: E402

GROUPS = ["Kiểm tra, giám sát", "Hội họp", "Ứng dụng CNTT", "Thể chế, thủ tục"]
UP, DOWN, GREY, BLUE = "#2a8a5c", "#c0392b", "#9aa0a6", "#1f5fa8"
PLACES = ["Phú Thịnh", "Bắc Sơn", "Hòa Bình", "Tân Lập", "Đông Hưng", "Quảng Tiến", "Yên Thế", "Lạc Thủy"]


def unit_names(n: int) -> list[str]:
    """Province-scale unit names: communes and wards, with diacritics."""
    kinds = ["Đảng ủy xã", "Đảng ủy phường", "Đảng ủy thị trấn"]
    return [f"{kinds[i % 3]} {PLACES[i % len(PLACES)]} {i // len(PLACES) + 1}" for i in range(n)]


def quarter_labels(n: int, last_year: int = 2025, last_q: int = 3) -> list[str]:
    roman = ["I", "II", "III", "IV"]
    k = last_year * 4 + last_q - 1
    return [f"Quý {roman[(k - i) % 4]}/{(k - i) // 4}" for i in reversed(range(n))]


def sentences(rng: random.Random, n: int = 3) -> list[str]:
    pool = [
        "Quý III/2025, toàn Đảng bộ kiểm tra {a} tổ chức đảng, tăng {b}% so với cùng kỳ.",
        "Tỷ lệ văn bản đi gửi qua mạng đạt {b}%, tăng {c} điểm %.",
        "Còn {d} đơn vị chưa báo cáo; đề nghị các đơn vị hoàn thành trước ngày 25.",
        "Số cuộc họp giảm {d} cuộc so với cùng kỳ năm 2024.",
    ]
    return [
        rng.choice(pool).format(
            a=rng.randint(20, 90),
            b=f"{rng.uniform(1, 99):.1f}".replace(".", ","),
            c=f"{rng.uniform(0, 5):.1f}".replace(".", ","),
            d=rng.randint(1, 9),
        )
        for _ in range(n)
    ]


def unit_chart(rng: random.Random, units: list[str], kind: str, title: str) -> Chart:
    last = [None if rng.random() < 0.05 else float(rng.randint(0, 120)) for _ in units]
    now = [None if rng.random() < 0.08 else float(rng.randint(0, 120)) for _ in units]
    tones = [
        GREY if a is None or b is None else UP if b > a else DOWN if b < a else GREY
        for a, b in zip(last, now, strict=True)
    ]
    series = [Series("Quý III/2024", last, GREY), Series("Quý III/2025", now, BLUE, point_colors=tones)]
    return Chart(kind, title, units, series, unit="tổ chức")


def rate_chart(rng: random.Random, units: list[str]) -> Chart:
    change = [None if rng.random() < 0.06 else round(rng.uniform(-8, 12), 1) for _ in units]
    tones = [GREY if v is None else UP if v > 0 else DOWN if v < 0 else GREY for v in change]
    return Chart(
        "bar",
        "Thay đổi tỷ lệ so với cùng kỳ",
        units,
        [Series("Thay đổi", change, GREY, point_colors=tones)],
        unit="điểm %",
        decimals=1,
    )


def trend_chart(rng: random.Random, quarters: list[str]) -> Chart:
    names = ["Tỷ lệ văn bản đi gửi qua mạng", "Tỷ lệ đảng viên có thư điện tử", "Tỷ lệ thủ tục trực tuyến"]
    series = [
        Series(n, [round(rng.uniform(60, 98), 1) for _ in quarters], c)
        for n, c in zip(names, [BLUE, "#b8562b", "#2a8a5c"], strict=True)
    ]
    return Chart("line", "Diễn biến các tỷ lệ chính", quarters, series, unit="%", decimals=1)


def hand_deck(units: int, quarters: int, seed: int = 5) -> Deck:
    """A realistic 10-slide default deck: overview, four groups, trend, year-on-year, ranking, completeness, watch."""
    rng = random.Random(seed)
    names = unit_names(units)
    q = quarter_labels(quarters)
    missing = Table(["Đơn vị", "Tình trạng"], [[u, "Chưa báo cáo"] for u in names[:9]])
    overview = Chart(
        "column",
        "Tổng quan",
        GROUPS,
        [
            Series("Quý III/2024", [40.0, 120.0, 85.5, 12.0], GREY),
            Series("Quý III/2025", [45.0, 110.0, 92.4, 15.0], BLUE),
        ],
        unit="chỉ tiêu",
    )
    slides = [
        Slide(
            "overview",
            "Tổng quan Quý III/2025",
            "4 nhóm chỉ tiêu, 34/42 đơn vị đã báo cáo",
            sentences(rng),
            chart=overview,
        )
    ]
    slides += [
        Slide(
            "group",
            g,
            f"{g}: tăng so với cùng kỳ",
            sentences(rng),
            chart=unit_chart(rng, names, "column", g),
            notes="Nhấn mạnh các đơn vị giảm.",
        )
        for g in GROUPS
    ]
    slides += [
        Slide("trend", "Diễn biến các tỷ lệ chính", "Các tỷ lệ đều tăng", sentences(rng), chart=trend_chart(rng, q)),
        Slide(
            "yoy",
            "So sánh cùng kỳ",
            "Tỷ lệ văn bản đi gửi qua mạng tăng 3,1 điểm %",
            sentences(rng),
            chart=rate_chart(rng, names),
        ),
        Slide(
            "ranking",
            "Xếp hạng các đơn vị",
            "Dẫn đầu: Đảng ủy xã Phú Thịnh 1",
            sentences(rng),
            chart=unit_chart(rng, names, "bar", "Xếp hạng"),
        ),
        Slide(
            "completeness",
            "Tình hình báo cáo",
            "Còn 9 đơn vị chưa báo cáo",
            sentences(rng),
            chart=unit_chart(rng, names, "column", "Báo cáo"),
            table=missing,
        ),
        Slide("watch", "Đơn vị cần quan tâm", "5 đơn vị cần quan tâm", sentences(rng), table=missing),
    ]
    footer = Footer(
        "Tỉnh ủy Lâm Giang",
        "Quý III/2025",
        units - 4,
        units,
        datetime(2025, 10, 20, 14, 5),
        frozen_at=datetime(2025, 10, 21, 8, 30),
    )
    return Deck("Giao ban Quý III/2025", "LG", "2025-Q3", slides, footer)


def built_deck(db_path: str | None, period: str) -> tuple[Deck | None, str]:
    """The default deck from reform.briefing, if that module exists; with the database it came from."""
    if importlib.util.find_spec("reform.briefing") is None:
        return None, "reform.briefing not present: hand-built deck only"
    from reform import db, demo
    from reform.config import DEFAULT_DATA_DIR

    if db_path is not None:
        return _build(Path(db_path), period)
    with tempfile.TemporaryDirectory(prefix="reform-brief-") as folder:
        path = Path(folder) / "demo.duckdb"
        con = db.connect(path)
        demo.load(con, DEFAULT_DATA_DIR)
        con.close()
        deck, how = _build(path, period)
    return deck, how.replace(str(path), "the demo database")


def _build(path: Path, period: str) -> tuple[Deck, str]:
    from reform import briefing, db

    con = db.connect(path)
    root = con.execute("select code from units where parent_code is null order by code limit 1").fetchone()[0]
    start = time.perf_counter()
    deck = briefing.build(con, briefing.default_spec(con, root, period))
    took = time.perf_counter() - start
    con.close()
    return deck, f"reform.briefing.build on {path} (scope {root}, {period}): {took:.2f} s to build"


def plain_pptx(deck: Deck) -> bytes:
    """Baseline: python-pptx saving one plain-text slide per deck slide (title and commentary)."""
    from pptx import Presentation
    from pptx.util import Inches

    prs = Presentation()
    prs.slide_width, prs.slide_height = Inches(13.333), Inches(7.5)
    for s in deck.slides:
        slide = prs.slides.add_slide(prs.slide_layouts[6])
        box = slide.shapes.add_textbox(Inches(0.5), Inches(0.5), Inches(12), Inches(6))
        box.text_frame.text = f"{s.title}\n{s.headline}\n{s.commentary}"
    out = io.BytesIO()
    prs.save(out)
    return out.getvalue()


def plain_pdf(deck: Deck) -> bytes:
    """Baseline: reportlab writing one plain-text page per deck slide in the same embedded Noto Sans."""
    from reportlab.pdfgen.canvas import Canvas

    font, _ = export.pdf_fonts()
    out = io.BytesIO()
    cv = Canvas(out, pagesize=(842, 595))
    for s in deck.slides:
        cv.setFont(font, 14)
        for k, line in enumerate([s.title, s.headline, *s.sentences]):
            cv.drawString(36, 550 - 22 * k, line)
        cv.showPage()
    cv.save()
    return out.getvalue()


def timed(fn: Callable[[Deck], bytes], deck: Deck, repeat: int) -> tuple[float, int]:
    """Median seconds of `repeat` runs after one warm-up, and the size of the output."""
    data = fn(deck)
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn(deck)
        times.append(time.perf_counter() - start)
    return statistics.median(times), len(data)


def report(label: str, deck: Deck, repeat: int) -> None:
    charts = [s.chart for s in deck.slides if s.chart is not None and not s.chart.is_empty]
    cats = [len(c.categories) for c in charts]
    points = sum(len(c.categories) * len(c.series) for c in charts)
    print(f"\n{label}")
    print(
        f"  {len(deck.slides)} slides, {len(charts)} charts, categories per chart {min(cats, default=0)}-"
        f"{max(cats, default=0)}, {points} plotted values, {sum(s.table is not None for s in deck.slides)} tables"
    )
    rows = [
        ("PowerPoint (to_pptx)", export.to_pptx, "goal < 5 s"),
        ("PDF (to_pdf)", export.to_pdf, "goal < 15 s"),
        ("baseline: plain-text .pptx", plain_pptx, ""),
        ("baseline: plain-text .pdf", plain_pdf, ""),
    ]
    for name, fn, goal in rows:
        secs, size = timed(fn, deck, repeat)
        print(f"  {name:30s} {secs * 1000:8.0f} ms  {size / 1024:8.0f} KiB  {goal}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--units", type=int, default=38, help="categories on the unit charts (30-40 at a province)")
    parser.add_argument("--quarters", type=int, default=12, help="quarters on the line chart")
    parser.add_argument("--db", default=None, help="a database to build the default deck from (default: demo)")
    parser.add_argument("--period", default="2025-Q3")
    args = parser.parse_args()
    print(f"brief_bench: median of {args.repeat} runs after one warm-up")
    report(
        f"hand-built deck: {args.units} units, {args.quarters} quarters",
        hand_deck(args.units, args.quarters),
        args.repeat,
    )
    deck, how = built_deck(args.db, args.period)
    if deck is None:
        print(f"\n{how}")
    else:
        report(how, deck, args.repeat)


if __name__ == "__main__":
    main()
