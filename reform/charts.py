"""Pure chart builders: DataFrame in, Plotly figure out, Vietnamese labels and number format."""

from __future__ import annotations

import html
import re

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


def inert_title(title: str) -> str:
    """A chart title made inert, keeping the line breaks _wrap put in (a <br> is never a link or a script)."""
    return "<br>".join(inert(part) for part in title.split("<br>"))


def base_layout(fig: go.Figure, *, title: str, y_title: str) -> go.Figure:
    """Common look: title, Vietnamese separators, readable fonts, legend below."""
    fig.update_layout(
        title={"text": inert_title(title), "x": 0.01, "xanchor": "left"},  # off the edge of an exported PNG
        separators=VI_SEPARATORS,
        font={"family": FONT, "size": 14},
        yaxis_title=y_title,
        legend={"orientation": "h", "y": -0.2, "x": 0},
        margin={"l": 60, "r": 20, "t": 60, "b": 40},
        hovermode="x unified",
        plot_bgcolor="white",
    )
    # automargin: long category names and two-line quarters push the margin instead of being cut (also in PNGs)
    fig.update_xaxes(showgrid=False, type="category", automargin=True)
    fig.update_yaxes(gridcolor="#e5e5e5", zeroline=False, automargin=True)
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
                # a clicked point says what it is ("Số liệu này từ đâu?"): the indicator and the quarter
                customdata=[[code, periods.from_date(p).code] for p in part["period"]],
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
        title = _wrap(f"{title} ({top_n} cao nhất và {top_n} thấp nhất trong {len(df)} đơn vị)", 90)
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
                customdata=shown["unit_code"],  # a clicked point says which unit ("Số liệu này từ đâu?")
                mode="markers",
                name="Cùng kỳ năm trước",
                marker={"color": GREY, "size": 10},
                hovertemplate=f"{fmt_}<extra>Cùng kỳ</extra>",
            ),
            go.Scatter(
                x=shown["value"],
                y=names,
                customdata=shown["unit_code"],
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


HEAT_SCALE = [[0.0, "#c6dbef"], [0.5, "#4a90c4"], [1.0, "#08306b"]]  # the lowest value is blue, never white
NO_REPORT = "#f2f2f2"  # a cell without a report: light grey with a "–", named in the legend


def heatmap_figure(
    df: pd.DataFrame, *, title: str, unit_label: str, decimals: int = 0, max_rows: int = 60, reverse: bool = False
) -> go.Figure:
    """Units × quarters (df: unit_code, name, period, value); rows sorted by the latest quarter.

    A quarter without a report is a grey cell marked "–" and named in the legend, so it never reads as a
    zero (which is the palest blue)."""
    if df.empty:
        return empty_figure(title, "Chưa có số liệu của các đơn vị trong các quý đã chọn")
    df = df.assign(name=df["name"].map(inert))
    wide = df.pivot_table(index="name", columns="period", values="value", aggfunc="first", dropna=False)
    wide = wide.sort_values(wide.columns[-1], ascending=True, na_position="first")
    if len(wide) > max_rows:
        wide = wide.tail(max_rows)
        title = f"{title} ({max_rows} đơn vị có giá trị cao nhất)"
    labels = [periods.from_date(pd.Timestamp(p).date()).label for p in wide.columns]
    gaps = wide.isna()
    fig = go.Figure(
        [
            go.Heatmap(
                z=wide.to_numpy(),
                x=labels,
                y=list(wide.index),
                colorscale=HEAT_SCALE,
                reversescale=reverse,
                colorbar={"title": unit_label},
                hoverongaps=False,
                xgap=1,
                ygap=1,
                hovertemplate=f"%{{y}}<br>%{{x}}: %{{z:,.{decimals}f}} {unit_label}<extra></extra>",
            ),
            go.Heatmap(  # the quarters without a report, drawn apart so they cannot take a colour of the scale
                z=gaps.where(gaps).astype(float).to_numpy(),
                x=labels,
                y=list(wide.index),
                colorscale=[[0, NO_REPORT], [1, NO_REPORT]],
                showscale=False,
                text=gaps.where(gaps, "").replace({True: "–"}).to_numpy(),
                texttemplate="%{text}",
                textfont={"color": "#555"},
                xgap=1,
                ygap=1,
                hoverongaps=False,
                hovertemplate="%{y}<br>%{x}: chưa báo cáo<extra></extra>",
            ),
            go.Scatter(
                x=[None],
                y=[None],
                mode="markers",
                name="– Chưa báo cáo (không phải số 0)",
                marker={"symbol": "square", "size": 14, "color": NO_REPORT, "line": {"color": "#999", "width": 1}},
            ),
        ]
    )
    base_layout(fig, title=title, y_title="")
    fig.update_layout(
        height=max(320, 22 * len(wide) + 190),
        hovermode="closest",
        showlegend=bool(gaps.to_numpy().any()),
        legend={"orientation": "h", "y": 1.0, "yanchor": "bottom", "x": 0},
        margin={"t": 100},
    )
    return fig


STATUS_COLORS = {"reported": "#2a8a5c", "partial": "#e0a800", "missing": "#c0392b"}
STATUS_LABELS = {"reported": "Đã báo cáo", "partial": "Báo cáo một phần", "missing": "Chưa báo cáo"}


# The status grid: Okabe–Ito colours that colour-blind readers tell apart, and a symbol in every cell
GRID_COLORS = {"reported": "#0072B2", "partial": "#E69F00", "missing": "#D55E00"}
GRID_SYMBOLS = {"reported": "✓", "partial": "◐", "missing": "✗"}
NOT_IN_FORCE = "#ececec"


def completeness_figure(df: pd.DataFrame, *, title: str, in_force: int | None = None, max_rows: int = 80) -> go.Figure:
    """Units × quarters coloured by reporting status, with a symbol in each cell and a legend (df: unit_code,
    name, period, status; optionally units, how many units the scope had in these quarters before
    queries/completeness kept those with the most gaps). in_force: units in force in the last quarter,
    the count the title gives; grey where a unit was not in force."""
    if df.empty:
        return empty_figure(title, "Chưa có kỳ báo cáo nào trong khoảng đã chọn")
    code = {"missing": 0, "partial": 1, "reported": 2}
    df = df.assign(name=df["name"].map(inert))
    key = "unit_code" if "unit_code" in df else "name"
    wide = df.assign(z=df["status"].map(code)).pivot_table(index=key, columns="period", values="z", aggfunc="min")
    # Plotly draws the last row on top: units with gaps go last
    gaps = (2 - wide).sum(axis=1)
    wide = wide.loc[gaps.sort_values(kind="stable").index]
    total = int(df["units"].max()) if "units" in df else len(wide)
    if len(wide) > max_rows:
        wide = wide.tail(max_rows)
    title = _grid_title(title, shown=len(wide), total=total, in_force=in_force, last=wide.columns[-1])
    rows = _grid_row_labels(df, wide, key)
    labels = [periods.from_date(pd.Timestamp(p).date()).label for p in wide.columns]
    names = {v: k for k, v in code.items()}
    symbol = wide.apply(lambda col: col.map(lambda z: GRID_SYMBOLS[names[z]] if pd.notna(z) else ""))
    words = wide.apply(lambda col: col.map(lambda z: STATUS_LABELS[names[z]] if pd.notna(z) else "Chưa thành lập"))
    scale = [[0.0, GRID_COLORS["missing"]], [0.33, GRID_COLORS["missing"]], [0.34, GRID_COLORS["partial"]]]
    scale += [[0.66, GRID_COLORS["partial"]], [0.67, GRID_COLORS["reported"]], [1.0, GRID_COLORS["reported"]]]
    grid = go.Heatmap(
        z=wide.to_numpy(),
        x=labels,
        y=rows,
        zmin=0,
        zmax=2,
        colorscale=scale,
        showscale=False,
        text=symbol.to_numpy(),
        texttemplate="%{text}",
        textfont={"size": 12, "color": "#111"},
        customdata=words.to_numpy(),
        xgap=2,
        ygap=2,
        hovertemplate="%{y}<br>%{x}: %{customdata}<extra></extra>",
        showlegend=False,
    )
    fig = go.Figure([grid, *_legend_keys()])
    base_layout(fig, title=title, y_title="")
    fig.update_layout(
        height=max(320, 20 * len(wide) + 190),
        hovermode="closest",
        plot_bgcolor=NOT_IN_FORCE,  # a unit not yet (or no longer) in force: a grey cell, named in the legend
        legend={"orientation": "h", "y": 1.0, "yanchor": "bottom", "x": 0, "yref": "paper"},
        margin={"t": 110},
    )
    return fig


def _legend_keys() -> list[go.Scatter]:
    """Legend entries for the grid (a heatmap has none): each status with its colour and symbol."""
    keys = [
        go.Scatter(
            x=[None],
            y=[None],
            mode="markers",
            name=f"{GRID_SYMBOLS[s]} {STATUS_LABELS[s]}",
            marker={"symbol": "square", "size": 14, "color": GRID_COLORS[s]},
        )
        for s in ("reported", "partial", "missing")
    ]
    keys.append(
        go.Scatter(
            x=[None],
            y=[None],
            mode="markers",
            name="Chưa thành lập hoặc đã sáp nhập",
            marker={"symbol": "square", "size": 14, "color": NOT_IN_FORCE, "line": {"color": "#999", "width": 1}},
        )
    )
    return keys


def _grid_title(title: str, *, shown: int, total: int, in_force: int | None, last: object) -> str:
    """The grid's title counts the units in force in the last quarter, then says which rows are shown."""
    quarter = periods.from_date(pd.Timestamp(last).date()).label
    parts = [f"{fmt.number(in_force)} đơn vị đang hoạt động {quarter}"] if in_force is not None else []
    if shown < total:
        parts.append(f"hiện {fmt.number(shown)} đơn vị báo cáo thiếu nhiều nhất trong {fmt.number(total)} đơn vị")
        parts[-1] += " từng hoạt động trong giai đoạn"
    return _wrap(f"{title} ({'; '.join(parts)})", 90) if parts else title


def _grid_row_labels(df: pd.DataFrame, wide: pd.DataFrame, key: str) -> list[str]:
    """Unit names as row labels, unique: a unit's code is added where two units share a name (a unit merged
    away and the new one that took its name)."""
    if key == "name":
        return list(wide.index)
    names = df.drop_duplicates("unit_code").set_index("unit_code")["name"]
    shown = names.loc[wide.index]
    twice = shown.duplicated(keep=False)
    return [f"{n} ({c})" if d else str(n) for c, n, d in zip(wide.index, shown, twice, strict=True)]


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
    peers = int(df["peers"].max()) if df["peers"].notna().any() else 10
    # whole places only (never "hạng 1,5"), about ten ticks however many peers
    fig.update_yaxes(autorange="reversed", rangemode="tozero", dtick=max(1, -(-peers // 10)), tick0=1)
    return fig


PROJECTOR_FONT_SIZE = 20
QUARTER = re.compile(r"Quý (I{1,3}|IV)/")  # "Quý III/2026" is one word when a title wraps


def slide_figure(chart, *, projector: bool = False) -> go.Figure:
    """A briefing slide's chart (reform.deck.Chart) as a Plotly figure; projector: large type, high contrast.

    On the projector the figure sets no height: the page gives the chart what the window leaves, and the
    title, legend and labels are laid out so that none runs over another at 720 or 1080 pixels high.
    """
    if chart is None or chart.is_empty:
        message = chart.empty_message if chart else "Trang này không có biểu đồ"
        return empty_figure(chart.title if chart else "", message)
    horizontal = chart.kind == "bar"
    fig = go.Figure([_slide_trace(chart, s, projector) for s in chart.series])
    base_layout(fig, title=chart.title, y_title="" if horizontal else chart.unit)
    fig.update_layout(showlegend=len(chart.series) > 1, barmode="group", hovermode="closest")
    if horizontal:
        bars = len(chart.categories) * len(chart.series)
        fig.update_layout(xaxis_title=chart.unit, height=None if projector else max(360, 34 * bars + 160))
        share = _is_share(chart)  # rates end at 100; their labels ("100,0") go in the right margin
        fig.update_xaxes(type="linear", showgrid=True, gridcolor="#e5e5e5", range=[0, 100] if share else _padded(chart))
        fig.update_layout(margin={"r": 80 if share else 20})
        fig.update_yaxes(type="category", autorange="reversed", showgrid=False, ticklabelstandoff=8)
    elif _is_share(chart):
        fig.update_yaxes(range=_share_range(chart), dtick=10 if chart.kind == "line" else 20)
    _quarter_ticks(fig, chart, size=(16 if len(chart.categories) > 6 else 20) if projector else 13)
    if projector:
        _projector_look(fig, chart, horizontal)
    return fig


def _projector_look(fig: go.Figure, chart, horizontal: bool) -> None:
    """Large type, the legend at the foot with the room it needs; the page writes the title above the chart
    (a browser wraps it; Plotly would draw a two-line title over the plot)."""
    big = {"size": PROJECTOR_FONT_SIZE, "color": "#111"}
    crowded = len(chart.categories) * len(chart.series) > 10
    fig.update_layout(font=big, legend={"font": big}, title=None)
    fig.update_xaxes(tickfont=big, title_font=big)
    fig.update_yaxes(tickfont=big, title_font=big)
    fig.update_traces(textfont={**big, "size": 14 if crowded else PROJECTOR_FONT_SIZE}, selector={"type": "bar"})
    if horizontal:
        # every category named, however many (Plotly would skip some), smaller when crowded
        fig.update_yaxes(
            tickfont={**big, "size": 14 if crowded else 18},
            tickmode="array",
            tickvals=[inert(c) for c in chart.categories],  # the bars' categories, escaped as in _slide_trace
        )
        if len(chart.series) > 1:  # values on the current period only: two labels per row run into each other
            for trace in fig.data[:-1]:
                trace.texttemplate = None
    else:
        fig.update_xaxes(tickfont={**big, "family": FONT, "size": 20 if len(chart.categories) <= 6 else 16})
    fig.update_layout(
        legend={
            "orientation": "h",
            "x": 0,
            "xanchor": "left",
            "y": 0,
            "yref": "container",
            "yanchor": "bottom",
            "font": {"size": 17 if len(chart.series) > 2 else PROJECTOR_FONT_SIZE},
        },
        margin={"t": 30, "b": 10, "l": 10, "r": 80 if horizontal and _is_share(chart) else 30, "autoexpand": True},
    )


def _is_share(chart) -> bool:
    """A chart of rates (a share of 100), not of changes in percent: its axis ends at 100."""
    known = [v for s in chart.series for v in s.values if v is not None]
    named_change = any("thay đổi" in s.name.lower() for s in chart.series)
    return chart.unit == "%" and not named_change and bool(known) and min(known) >= 0 and max(known) <= 100


def _share_range(chart) -> list[float]:
    """From 0 for bars (their length is the value), from a round ten below the lowest point for lines."""
    if chart.kind != "line":
        return [0.0, 100.0]
    low = min(v for s in chart.series for v in s.values if v is not None)
    return [max(0.0, (low - 5) // 10 * 10), 100.0]


def _quarter_ticks(fig: go.Figure, chart, *, size: int) -> None:
    """Quarter labels on two lines ("Quý III" over "2026") so neighbours never touch; beyond 6 quarters
    the axis is titled "Quý" and each tick keeps only the numeral and the year."""
    if chart.kind == "bar" or not any(QUARTER.match(c) for c in chart.categories):
        return
    many = len(chart.categories) > 6
    text = [c.replace("/", "<br>") for c in chart.categories]
    fig.update_xaxes(
        tickangle=0,
        tickvals=chart.categories,
        ticktext=[x.removeprefix("Quý ") for x in text] if many else text,
        tickfont={"size": size, "family": FONT},  # a tick font given a size alone fell back to serif
        title_text="Quý" if many else None,
    )


def keep_quarters(text: str) -> str:
    """ "Quý III/2026" joined by a no-break space, so neither a browser nor a chart splits it over two lines."""
    return QUARTER.sub(lambda m: m.group(0).replace(" ", "\u00a0"), text)


def _wrap(title: str, width: int = 55) -> str:
    """A long chart title on two lines (at the last space before width), so it is never cut at the edge;
    never inside "Quý III/2026"."""
    title = keep_quarters(title)
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
    # what each point is (scope, indicator, period), for "Số liệu này từ đâu?" on a click; "" where none
    points = {"customdata": [list(x) if x else ["", "", ""] for x in s.sources]} if s.sources else {}
    if chart.kind == "line":
        return go.Scatter(
            x=categories,
            y=s.values,
            **points,
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
        **points,
        name=name,
        marker_color=s.point_colors or s.color,
        texttemplate=f"%{{{axis}:{fmt_}}}",
        textposition="outside",
        cliponaxis=False,
        constraintext="none",
        hovertemplate=f"%{{{axis}:{fmt_}}}<extra>{name}</extra>",
    )
