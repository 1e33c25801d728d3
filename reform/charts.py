"""Pure chart builders: DataFrame in, Plotly figure out, Vietnamese labels and number format."""

from __future__ import annotations

import html

import pandas as pd
import plotly.graph_objects as go

from reform import fmt, periods

VI_SEPARATORS = ",."  # decimal comma, thousands dot: 1.234,5
FONT = "Be Vietnam Pro, Noto Sans, Segoe UI, Arial, sans-serif"
PALETTE = ["#1f5fa8", "#b8562b", "#2a8a5c", "#7b4fa0", "#c28f00", "#4a4a4a"]


def inert(text: object) -> str:
    """Text from a person or a file (a unit name) for a Plotly label, title or hover: Plotly reads a little
    HTML there (links, bold, line breaks), so <, > and & are written as entities and show as themselves."""
    return html.escape(str(text), quote=False)


def base_layout(fig: go.Figure, *, title: str, y_title: str) -> go.Figure:
    """Common look: title, Vietnamese separators, readable fonts, legend below."""
    fig.update_layout(
        title={"text": inert(title), "x": 0, "xanchor": "left"},
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
    for i, (code, name) in enumerate({c: inert(n) for c, n in names.items()}.items()):
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
    fig.update_layout(title={"text": inert(title), "x": 0}, font={"family": FONT}, plot_bgcolor="white")
    return fig


GREY = "#9aa0a6"


def dumbbell_figure(
    df: pd.DataFrame,
    *,
    title: str,
    x_title: str,
    color: str,
    decimals: int = 0,
    top_n: int = 12,
    highlight: str | None = None,
) -> go.Figure:
    """This period against the same period last year for each unit (df: unit_code, name, value, previous).

    Three traces whatever the number of units; beyond 2 × top_n units only the top and bottom
    top_n are drawn (plus the highlighted unit), and the title says so.
    """
    df = df.dropna(subset=["value"]).sort_values("value", ascending=False)
    if df.empty:
        return empty_figure(title, "Chưa có số liệu của các đơn vị trong kỳ này")
    shown = df
    if len(df) > 2 * top_n:
        keep = set(df.head(top_n)["unit_code"]) | set(df.tail(top_n)["unit_code"]) | {highlight}
        shown = df[df["unit_code"].isin(keep)]
        title = f"{title} ({top_n} cao nhất và {top_n} thấp nhất trong {len(df)} đơn vị)"
    shown = shown.iloc[::-1]  # best at the top of a horizontal chart
    names = [
        f"<b>{inert(n)}</b>" if c == highlight else inert(n)
        for c, n in zip(shown["unit_code"], shown["name"], strict=True)
    ]
    xs, ys = [], []
    for name, prev, cur in zip(names, shown["previous"], shown["value"], strict=True):
        if pd.notna(prev):
            xs += [prev, cur, None]
            ys += [name, name, None]
    fmt_ = f"%{{x:,.{decimals}f}}"
    fig = go.Figure(
        [
            go.Scatter(
                x=xs, y=ys, mode="lines", line={"color": "#d0d0d0", "width": 3}, hoverinfo="skip", showlegend=False
            ),
            go.Scatter(
                x=shown["previous"],
                y=names,
                mode="markers",
                name="Cùng kỳ năm trước",
                marker={"color": GREY, "size": 10},
                hovertemplate=f"{fmt_}<extra>Cùng kỳ</extra>",
            ),
            go.Scatter(
                x=shown["value"],
                y=names,
                mode="markers",
                name="Kỳ này",
                marker={"color": color, "size": 12},
                hovertemplate=f"{fmt_}<extra>Kỳ này</extra>",
            ),
        ]
    )
    base_layout(fig, title=title, y_title="")
    fig.update_layout(xaxis_title=x_title, height=max(320, 26 * len(shown) + 140), hovermode="closest")
    fig.update_yaxes(type="category", gridcolor="#f0f0f0")
    fig.update_xaxes(type="linear", showgrid=True, gridcolor="#e5e5e5")
    return fig


def heatmap_figure(
    df: pd.DataFrame, *, title: str, unit_label: str, decimals: int = 0, max_rows: int = 60, reverse: bool = False
) -> go.Figure:
    """Units × quarters (df: unit_code, name, period, value); rows sorted by the latest quarter."""
    if df.empty:
        return empty_figure(title, "Chưa có số liệu của các đơn vị trong các quý đã chọn")
    df = df.assign(name=df["name"].map(inert))
    wide = df.pivot_table(index="name", columns="period", values="value", aggfunc="first")
    wide = wide.sort_values(wide.columns[-1], ascending=True, na_position="first")
    if len(wide) > max_rows:
        wide = wide.tail(max_rows)
        title = f"{title} ({max_rows} đơn vị có giá trị cao nhất)"
    labels = [periods.from_date(pd.Timestamp(p).date()).label for p in wide.columns]
    fig = go.Figure(
        go.Heatmap(
            z=wide.to_numpy(),
            x=labels,
            y=list(wide.index),
            colorscale="Blues",
            reversescale=reverse,
            colorbar={"title": unit_label},
            hoverongaps=False,
            hovertemplate=f"%{{y}}<br>%{{x}}: %{{z:,.{decimals}f}} {unit_label}<extra></extra>",
        )
    )
    base_layout(fig, title=title, y_title="")
    fig.update_layout(height=max(320, 22 * len(wide) + 160), hovermode="closest")
    return fig


STATUS_COLORS = {"reported": "#2a8a5c", "partial": "#e0a800", "missing": "#c0392b"}
STATUS_LABELS = {"reported": "Đã báo cáo", "partial": "Báo cáo một phần", "missing": "Chưa báo cáo"}


def completeness_figure(df: pd.DataFrame, *, title: str, max_rows: int = 80) -> go.Figure:
    """Units × quarters coloured by reporting status (df: name, period, status; optionally units, how many
    units the scope had before queries/completeness kept those with the most gaps); grey where not in force."""
    if df.empty:
        return empty_figure(title, "Chưa có kỳ báo cáo nào trong khoảng đã chọn")
    code = {"missing": 0, "partial": 1, "reported": 2}
    df = df.assign(name=df["name"].map(inert))
    wide = df.assign(z=df["status"].map(code)).pivot_table(index="name", columns="period", values="z", aggfunc="min")
    # Plotly draws the last row on top: units with gaps go last
    gaps = (2 - wide).sum(axis=1)
    wide = wide.loc[gaps.sort_values(kind="stable").index]
    total = int(df["units"].max()) if "units" in df else len(wide)
    if len(wide) > max_rows:
        wide = wide.tail(max_rows)
    if total > len(wide):
        title = f"{title} ({fmt.number(len(wide))}/{fmt.number(total)} đơn vị, báo cáo thiếu nhiều nhất)"
    labels = [periods.from_date(pd.Timestamp(p).date()).label for p in wide.columns]
    text = wide.apply(
        lambda col: col.map({0: STATUS_LABELS["missing"], 1: STATUS_LABELS["partial"], 2: STATUS_LABELS["reported"]})
    )
    scale = [
        [0.0, STATUS_COLORS["missing"]],
        [0.33, STATUS_COLORS["missing"]],
        [0.34, STATUS_COLORS["partial"]],
        [0.66, STATUS_COLORS["partial"]],
        [0.67, STATUS_COLORS["reported"]],
        [1.0, STATUS_COLORS["reported"]],
    ]
    fig = go.Figure(
        go.Heatmap(
            z=wide.to_numpy(),
            x=labels,
            y=list(wide.index),
            zmin=0,
            zmax=2,
            colorscale=scale,
            showscale=False,
            text=text.to_numpy(),
            xgap=2,
            ygap=2,
            hoverongaps=False,
            hovertemplate="%{y}<br>%{x}: %{text}<extra></extra>",
        )
    )
    base_layout(fig, title=title, y_title="")
    fig.update_layout(height=max(300, 20 * len(wide) + 160), hovermode="closest")
    return fig


def reporting_rate_figure(df: pd.DataFrame, *, title: str) -> go.Figure:
    """Share of units that reported, per quarter (df: period, rate in %, reported, expected)."""
    if df.empty:
        return empty_figure(title, "Chưa có kỳ báo cáo nào trong khoảng đã chọn")
    labels = [periods.from_date(pd.Timestamp(p).date()).label for p in df["period"]]
    fig = go.Figure(
        go.Bar(
            x=labels,
            y=df["rate"],
            marker_color=STATUS_COLORS["reported"],
            name="Tỷ lệ đơn vị đã báo cáo",
            customdata=df[["reported", "expected"]].to_numpy(),
            hovertemplate="%{y:,.1f}% (%{customdata[0]}/%{customdata[1]} đơn vị)<extra></extra>",
        )
    )
    base_layout(fig, title=title, y_title="Đơn vị đã báo cáo (%)")
    fig.update_yaxes(range=[0, 100])
    return fig


def profile_figure(
    df: pd.DataFrame,
    *,
    title: str,
    unit_name: str,
    y_title: str,
    color: str,
    decimals: int = 1,
    median_name: str = "Trung vị các đơn vị cùng loại",
) -> go.Figure:
    """A unit against the median of its peers over quarters (df: period, value, peer_median)."""
    unit_name, median_name = inert(unit_name), inert(median_name)
    if df.empty:
        return empty_figure(title, "Chưa có số liệu của đơn vị này trong các quý đã chọn")
    labels = [periods.from_date(pd.Timestamp(p).date()).label for p in df["period"]]
    fmt_ = f"%{{y:,.{decimals}f}}"
    fig = go.Figure(
        [
            go.Scatter(
                x=labels,
                y=df["peer_median"],
                name=median_name,
                mode="lines",
                line={"color": GREY, "dash": "dash", "width": 2},
                hovertemplate=f"{fmt_}<extra>Trung vị</extra>",
            ),
            go.Scatter(
                x=labels,
                y=df["value"],
                name=unit_name,
                mode="lines+markers",
                line={"color": color, "width": 3},
                hovertemplate=f"{fmt_}<extra>{unit_name}</extra>",
            ),
        ]
    )
    return base_layout(fig, title=title, y_title=y_title)


def rank_history_figure(df: pd.DataFrame, *, title: str, color: str) -> go.Figure:
    """The unit's rank among its peers per quarter (df: period, rank, peers); 1 at the top."""
    df = df.dropna(subset=["rank"])
    if df.empty:
        return empty_figure(title, "Không xếp hạng chỉ tiêu này (không đánh giá tốt/xấu) hoặc chưa có số liệu")
    labels = [periods.from_date(pd.Timestamp(p).date()).label for p in df["period"]]
    fig = go.Figure(
        go.Scatter(
            x=labels,
            y=df["rank"],
            mode="lines+markers+text",
            text=[str(int(r)) for r in df["rank"]],
            textposition="top center",
            line={"color": color, "width": 3},
            customdata=df["peers"],
            hovertemplate="Hạng %{y} / %{customdata}<extra></extra>",
            name="Hạng",
        )
    )
    base_layout(fig, title=title, y_title="Hạng (1 là tốt nhất)")
    fig.update_yaxes(autorange="reversed", rangemode="tozero")
    return fig


PROJECTOR_FONT_SIZE = 22


def slide_figure(chart, *, projector: bool = False) -> go.Figure:
    """A briefing slide's chart (reform.deck.Chart) as a Plotly figure; projector: large type, high contrast."""
    if chart is None or chart.is_empty:
        message = chart.empty_message if chart else "Trang này không có biểu đồ"
        return empty_figure(chart.title if chart else "", message)
    horizontal = chart.kind == "bar"
    fig = go.Figure([_slide_trace(chart, s, projector) for s in chart.series])
    base_layout(fig, title=chart.title, y_title="" if horizontal else chart.unit)
    fig.update_layout(showlegend=len(chart.series) > 1, barmode="group", hovermode="closest")
    if horizontal:
        bars = len(chart.categories) * len(chart.series)
        fig.update_layout(xaxis_title=chart.unit, height=620 if projector else max(360, 34 * bars + 160))
        fig.update_xaxes(type="linear", showgrid=True, gridcolor="#e5e5e5", range=_padded(chart))
        fig.update_yaxes(type="category", autorange="reversed", showgrid=False)
    elif projector:
        fig.update_layout(height=560)
    if projector:
        big = {"size": PROJECTOR_FONT_SIZE, "color": "#111"}
        fig.update_layout(font=big, title={"font": {"size": 28}}, legend={"font": big})
        fig.update_xaxes(tickfont=big, title_font=big)
        fig.update_yaxes(tickfont=big, title_font=big)
        crowded = {**big, "size": PROJECTOR_FONT_SIZE if len(chart.categories) <= 8 else 16}
        fig.update_traces(textfont=crowded, selector={"type": "bar"})
        if horizontal:
            fig.update_yaxes(tickfont=crowded)
        fig.update_layout(
            legend={"orientation": "h", "y": 1.01, "yanchor": "bottom", "x": 0},
            title={
                "y": 0.97,
                "yref": "container",
                "yanchor": "top",
                "text": _wrap(inert(chart.title), 70),
                "font": {"size": 22},
            },
            margin={"t": 150},
        )
        if not horizontal:  # "Quý III/2025" on two lines, smaller beyond 6, so 8-12 quarters fit beside the sidebar
            fig.update_xaxes(
                tickangle=0,
                tickvals=[inert(c) for c in chart.categories],
                tickfont={**big, "size": 22 if len(chart.categories) <= 6 else 16},
                ticktext=[inert(c).replace("/", "<br>") for c in chart.categories],
            )
    return fig


def _wrap(title: str, width: int = 55) -> str:
    """A long chart title on two lines (at the last space before width), so it is never cut at the edge."""
    if len(title) <= width or " " not in title[:width]:
        return title
    cut = title[:width].rindex(" ")
    return f"{title[:cut]}<br>{title[cut + 1 :]}"


def _padded(chart) -> list[float]:
    """The value axis of horizontal bars with room for the value labels on both sides of zero."""
    known = [v for s in chart.series for v in s.values if v is not None] or [0.0]
    low, high = min(0.0, *known), max(0.0, *known)
    pad = 0.2 * ((high - low) or 1.0)
    return [low - pad if low < 0 else 0.0, high + pad if high > 0 else 0.0]


def _slide_trace(chart, s, projector: bool) -> go.Scatter | go.Bar:
    """One series of a slide chart: a line, or bars labelled with their values (coloured per bar if given)."""
    fmt_ = f",.{chart.decimals}f"
    categories, name = [inert(c) for c in chart.categories], inert(s.name)
    if chart.kind == "line":
        return go.Scatter(
            x=categories,
            y=s.values,
            name=name,
            mode="lines+markers",
            line={"color": s.color, "width": 4 if projector else 3},
            marker={"size": 10 if projector else 7},
            hovertemplate=f"%{{y:{fmt_}}}<extra>{name}</extra>",
        )
    axis = "x" if chart.kind == "bar" else "y"
    xy = {"x": s.values, "y": categories, "orientation": "h"} if axis == "x" else {"x": categories, "y": s.values}
    return go.Bar(
        **xy,
        name=name,
        marker_color=s.point_colors or s.color,
        texttemplate=f"%{{{axis}:{fmt_}}}",
        textposition="outside",
        cliponaxis=False,
        constraintext="none",
        hovertemplate=f"%{{{axis}:{fmt_}}}<extra>{name}</extra>",
    )
