"""Pure chart builders: DataFrame in, Plotly figure out, Vietnamese labels and number format."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from reform import periods

VI_SEPARATORS = ",."  # decimal comma, thousands dot: 1.234,5
FONT = "Be Vietnam Pro, Noto Sans, Segoe UI, Arial, sans-serif"
PALETTE = ["#1f5fa8", "#b8562b", "#2a8a5c", "#7b4fa0", "#c28f00", "#4a4a4a"]


def base_layout(fig: go.Figure, *, title: str, y_title: str) -> go.Figure:
    """Common look: title, Vietnamese separators, readable fonts, legend below."""
    fig.update_layout(
        title={"text": title, "x": 0, "xanchor": "left"},
        separators=VI_SEPARATORS,
        font={"family": FONT, "size": 14},
        yaxis_title=y_title,
        legend={"orientation": "h", "y": -0.2, "x": 0},
        margin={"l": 60, "r": 20, "t": 60, "b": 40},
        hovermode="x unified",
        plot_bgcolor="white",
    )
    fig.update_xaxes(showgrid=False, type="category")
    fig.update_yaxes(gridcolor="#e5e5e5", zeroline=False)
    return fig


def trend_figure(df: pd.DataFrame, *, title: str, y_title: str, names: dict[str, str], decimals: int = 1) -> go.Figure:
    """Lines of a few indicators over quarters (df: period, indicator_code, value), one trace each."""
    fig = go.Figure()
    if df.empty:
        return empty_figure(title, "Chưa có số liệu cho kỳ và phạm vi đã chọn")
    df = df.sort_values("period")
    for i, (code, name) in enumerate(names.items()):
        part = df[df["indicator_code"] == code]
        labels = [periods.from_date(p).label for p in part["period"]]
        fig.add_trace(
            go.Scatter(
                x=labels,
                y=part["value"],
                name=name,
                mode="lines+markers",
                line={"color": PALETTE[i % len(PALETTE)], "width": 3},
                hovertemplate=f"%{{y:,.{decimals}f}}<extra>{name}</extra>",
            )
        )
    return base_layout(fig, title=title, y_title=y_title)


def empty_figure(title: str, message: str) -> go.Figure:
    """A figure that says what is missing instead of showing blank axes."""
    fig = go.Figure()
    fig.add_annotation(
        text=message, showarrow=False, font={"size": 16, "color": "#555"}, x=0.5, y=0.5, xref="paper", yref="paper"
    )
    fig.update_xaxes(visible=False)
    fig.update_yaxes(visible=False)
    fig.update_layout(title={"text": title, "x": 0}, font={"family": FONT}, plot_bgcolor="white")
    return fig
