"""The briefing slide of the composite reform index (Chỉ số CCHC): who leads, who lags, how many reach a band."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pandas as pd

from reform import fmt
from reform import index as core
from reform.deck import Chart, Series, Slide, Table
from reform.index_charts import TIER_COLOR

if TYPE_CHECKING:  # slides imports this module for its BUILDERS
    from reform.slides import Facts

SHOWN = 10  # bars on the slide: all units up to this many, else the first and the last five


def index_slide(f: Facts, _: str = "") -> Slide:
    """The scope's child units on the composite index, with the report-style sentence and the weights used."""
    result = core.compute(f.con, f.scope, f.period, official=f.official)
    scored = result.units.dropna(subset=["score"])
    # an official deck scores approved and locked values only; otherwise the index is provisional
    title = "Chỉ số cải cách hành chính" + ("" if f.official else " (tạm tính)")
    if scored.empty:
        return Slide("index", title, "Chưa đủ số liệu để tính Chỉ số CCHC", [core.sentence(result)], None)
    shown = scored if len(scored) <= SHOWN else pd.concat([scored.head(SHOWN // 2), scored.tail(SHOWN // 2)])
    chart = Chart(
        "bar",
        f"Chỉ số CCHC, {f.period.label}" + (" (5 đơn vị đầu và 5 đơn vị cuối)" if len(scored) > SHOWN else ""),
        list(shown["name"]),
        [
            Series(
                "Điểm (trên 100)",
                [round(float(s), 1) for s in shown["score"]],
                point_colors=[TIER_COLOR.get(t, "#888888") for t in shown["tier"]],
            )
        ],
        unit="điểm",
        decimals=1,
        empty_message="Chưa đủ số liệu để tính chỉ số",
    )
    table = Table(
        ["Đơn vị", "Điểm", "Mức (tham khảo)", "Hạng trong nhóm cùng loại", "Khoảng hạng", "Hạng cùng kỳ"],
        [
            [
                r.name,
                round(float(r.score), 1),
                r.tier,
                f"{int(r.rank)}/{int(r.peers)}",
                f"{int(r.rank_low)}–{int(r.rank_high)}" if not pd.isna(r.rank_low) else None,
                None if pd.isna(r.previous_rank) else int(r.previous_rank),
            ]
            for r in scored.itertuples()
        ],
    )
    sentences = [
        core.sentence(result),
        f"Bảng trọng số phiên bản {result.version}: {len(result.weights)} phần thuộc 4 nhóm chỉ tiêu, "
        f"tổng 100 điểm; mỗi phần chấm theo mục tiêu, phần có mẫu số dưới {fmt.number(core.MIN_CASES)} "
        "trường hợp không áp dụng.",
        "Mức xếp loại theo khung Quy định 366-QĐ/TW chỉ để tham khảo; số liệu chưa được phê duyệt.",
    ]
    return Slide("index", title, core.sentence(result).split(";")[0].rstrip("."), sentences, chart, table)
