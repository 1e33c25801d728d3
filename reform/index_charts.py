"""Pure chart builders of the reform index page: the ranking with its bands, and one unit's parts."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from reform.charts import base_layout, empty_figure

TIER_COLOR = {
    "Hoàn thành xuất sắc": "#1f5fa8",
    "Hoàn thành tốt": "#2a8a5c",
    "Hoàn thành": "#c28f00",
    "Không hoàn thành": "#b8562b",
}
BAND_EDGES = [50, 70, 90]


def ranking_figure(units: pd.DataFrame, *, title: str, provisional: bool = True) -> go.Figure:
    """Horizontal bars of the units' scores (best on top), coloured by indicative tier, with the band edges."""
    scored = units.dropna(subset=["score"])
    if scored.empty:
        return empty_figure(title, "Chưa đủ số liệu để tính chỉ số")
    scored = scored.iloc[::-1]
    fig = go.Figure(
        go.Bar(
            x=scored["score"],
            y=scored["name"],
            orientation="h",
            marker_color=[TIER_COLOR.get(t, "#888") for t in scored["tier"]],
            customdata=scored[["tier"]],
            hovertemplate="%{y}: %{x:,.1f} điểm (%{customdata[0]})<extra></extra>",
        )
    )
    for edge in BAND_EDGES:
        fig.add_vline(x=edge, line_dash="dot", line_color="#777")
    base_layout(fig, title=title, y_title="")
    axis = "Điểm (trên 100, tạm tính)" if provisional else "Điểm (trên 100, số liệu chính thức)"
    fig.update_xaxes(type="linear", range=[0, 100], title=axis)
    fig.update_yaxes(type="category", automargin=True)
    fig.update_layout(height=max(320, 22 * len(scored) + 120), hovermode="closest", showlegend=False)
    return fig


def parts_figure(parts: pd.DataFrame, *, title: str) -> go.Figure:
    """One unit's parts: each part's score out of 100 against its target, grey where not applicable."""
    if parts.empty:
        return empty_figure(title, "Chưa có số liệu")
    parts = parts.iloc[::-1]
    scores = parts["part_score"].where(parts["applicable"], 0).fillna(0)
    fig = go.Figure(
        go.Bar(
            x=scores,
            y=parts["label"],
            orientation="h",
            marker_color=["#2a8a5c" if a else "#cccccc" for a in parts["applicable"]],
            text=[f"{s:,.0f}" if a else "không áp dụng" for s, a in zip(scores, parts["applicable"], strict=True)],
            textposition="outside",
            hovertemplate="%{y}: %{x:,.1f}/100<extra></extra>",
        )
    )
    base_layout(fig, title=title, y_title="")
    fig.update_xaxes(type="linear", range=[0, 115], title="Điểm của phần (100 = đạt mục tiêu)")
    fig.update_yaxes(type="category", automargin=True)
    fig.update_layout(height=max(320, 26 * len(parts) + 120), hovermode="closest", showlegend=False)
    return fig
