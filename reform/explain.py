"""Where a figure comes from ("Số liệu này từ đâu?"): the stored values it is made of, each with its unit,
the upload it came from (file, who, when) and its state, and the figure made again from them the way the
figure macros make it (flows add up across quarters, stocks and flags take the last quarter with data,
rates and flag shares are scale × Σ numerator / Σ denominator), so that it equals `summary`.
"""

from __future__ import annotations

from dataclasses import dataclass

import duckdb
import pandas as pd

from reform import sql
from reform.periods import Period

PART_KEYS = ["unit_code", "value", "upload_id", "file_name", "uploaded_by", "uploaded_at", "state"]


@dataclass(frozen=True)
class Explanation:
    """A figure and its parts."""

    indicator: dict  # code, name_vi, type, unit, scale, across_quarters
    value: float | None  # the figure made again from the parts
    numerator: float | None  # Σ weight × value (of the numerator for a rate)
    denominator: float | None  # Σ weight (flags) or Σ weight × denominator (rates); None for counts
    parts: pd.DataFrame  # the values that count (see queries/explain_parts.sql)


def explain(
    con: duckdb.DuckDBPyConnection, scope: str, indicator: str, period: Period, *, official: bool = False
) -> Explanation:
    """The figure of an indicator for a scope and period, with the values it is made of."""
    info = sql.run(con, "explain_indicator", indicator=indicator).iloc[0].to_dict()
    parts = sql.run(
        con, "explain_parts", scope=scope, indicator=indicator, start=period.start, end=period.end, official=official
    )
    if info["across_quarters"] == "last" and not parts.empty:  # only the last quarter with data counts
        parts = parts[parts["period"] == parts["period"].max()].reset_index(drop=True)
    if parts.empty:
        return Explanation(info, None, None, None, parts)
    weighted = parts["value"] * parts["weight"]
    scale = float(info["scale"])
    if info["type"] == "rate":
        num = float(weighted[parts["role"] == "numerator"].sum())
        den = float(weighted[parts["role"] == "denominator"].sum())
        return Explanation(info, scale * num / den if den else None, num, den, parts)
    num = float(weighted.sum())
    if info["type"] == "flag":
        den = float(parts["weight"].sum())
        return Explanation(info, scale * num / den if den else None, num, den, parts)
    return Explanation(info, num, num, None, parts)


def lineage(con: duckdb.DuckDBPyConnection, scope: str, period: Period) -> pd.DataFrame:
    """The lineage mapping the scope's comparison with the same period last year uses: unit_code, unit_name,
    source_code, source_name, share, effective (empty when no unit of the scope replaced another)."""
    return sql.run(con, "explain_lineage", scope=scope, at=period.end)


def to_record(e: Explanation) -> dict:
    """The JSON of `explain`: the figure, its numerator and denominator, and the parts."""
    parts = e.parts.copy()
    for col in ("period", "uploaded_at"):
        parts[col] = pd.to_datetime(parts[col]).dt.strftime("%Y-%m-%dT%H:%M:%S" if col == "uploaded_at" else "%Y-%m-%d")
    parts = parts.astype(object).where(parts.notna(), None)
    return {
        "indicator_code": e.indicator["code"],
        "name_vi": e.indicator["name_vi"],
        "type": e.indicator["type"],
        "across_quarters": e.indicator["across_quarters"],
        "value": e.value,
        "numerator": e.numerator,
        "denominator": e.denominator,
        "parts": parts.to_dict(orient="records"),
    }
