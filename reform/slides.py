"""One builder per kind of briefing slide: the facts of a scope and period in, a Slide out.

The facts are read once per deck (Facts.load); each builder picks what its slide needs, writes the
headline and sentences with reform.narrative, and describes its chart as data (reform.deck.Chart).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import duckdb
import pandas as pd

from reform import fmt, narrative, periods, sql
from reform import summary as core
from reform.charts import GREY, PALETTE, STATUS_COLORS, STATUS_LABELS
from reform.deck import Chart, Series, Slide, Table
from reform.index_slide import index_slide

TONE_COLORS = {"good": STATUS_COLORS["reported"], "bad": STATUS_COLORS["missing"], "neutral": GREY, "none": GREY}
MAX_BARS = 15  # categories on one projected chart
GROUP_QUARTERS, TREND_QUARTERS = 8, 12
TREND_DECIMALS = 1  # the catalogue's decimals of a percentage: the lines' labels and sentences show this rounding
SLIDE_TABLE_ROWS = 40  # units listed on a slide's table; the rest are counted in its last row


def basis(name: str, official: bool) -> str:
    """A query's name on the deck's basis: its official variant for số liệu chính thức."""
    return sql.official(name) if official else name


@dataclass
class Facts:
    """What every slide of one deck may need, read once."""

    con: duckdb.DuckDBPyConnection
    scope: str
    scope_name: str
    is_root: bool
    period: periods.Period
    figures: pd.DataFrame  # reform.summary.summary of the scope
    reported: int
    expected: int
    demo: bool
    official: bool = False  # every figure from approved and locked values only (số liệu chính thức)
    _trend: pd.DataFrame | None = None

    @classmethod
    def load(
        cls, con: duckdb.DuckDBPyConnection, scope: str, period: periods.Period, *, official: bool = False
    ) -> Facts:
        """The scope's figures, names and reporting for the period; official: approved values only."""
        names = sql.run(con, "unit_register").set_index("code")["name"]
        root = sql.run(con, "root_unit")
        figures = core.summary(con, scope, period, official=official)
        expected = int(figures["units_expected"].max()) if not figures.empty else 0
        reported = sql.run(con, basis("units_reported", official), scope=scope, start=period.end, end=period.end)
        dataset = sql.run(con, "meta_get", key="dataset")
        return cls(
            con,
            scope,
            str(names.get(scope, scope)),
            not root.empty and root["code"].iloc[0] == scope,
            period,
            figures,
            min(int(reported["units_reported"].iloc[0]), expected),
            expected,
            not dataset.empty and dataset["value"].iloc[0] == "demo",
            official,
        )

    def run(self, name: str, **params: object) -> pd.DataFrame:
        """A query of the deck's basis: its official variant when the deck shows official figures."""
        return sql.run(self.con, basis(name, self.official), **params)

    @property
    def who(self) -> str:
        return narrative.subject(self.scope_name, is_root=self.is_root)

    def row(self, code: str) -> pd.Series:
        return self.figures.set_index("code").loc[code]

    def headline_rows(self, group: str | None = None) -> pd.DataFrame:
        rows = self.figures[self.figures["headline"]]
        return rows if group is None else rows[rows["group_code"] == group]

    def trend(self) -> pd.DataFrame:
        """The scope's quarterly figures over the longest span a slide shows, read once."""
        if self._trend is None:
            first = self.quarters_back(TREND_QUARTERS)
            self._trend = self.run("trend", scope=self.scope, start=first.start, end=self.period.end)
        return self._trend

    def quarters_back(self, n: int) -> periods.Period:
        last = periods.from_date(self.period.end)
        q = last.year * 4 + last.last_q - 1 - (n - 1)
        return periods.quarter(q // 4, q % 4 + 1)


def _records(df: pd.DataFrame) -> list[dict]:
    return df.to_dict(orient="records")


def _label(d: object) -> str:
    return periods.from_date(pd.Timestamp(d).date()).label


def overview(f: Facts, _: str = "") -> Slide:
    """The quarter in one screen: the lead figure of each group, who has reported, what moved most."""
    heads = f.headline_rows()
    lead = heads.drop_duplicates("group_code")
    good, bad = core.movers(f.figures, n=2)
    sentences = [narrative.opening(f.period.label, f.who, _records(lead), f.reported, f.expected)]
    verdict = narrative.verdict(_records(pd.concat([good, bad])))
    sentences += [verdict] if verdict else []
    counts = heads[~heads["type"].isin(core.PERCENT_TYPES) & heads["change_pct"].notna()]
    chart = Chart(
        kind="bar",
        title=f"Các chỉ tiêu chính: thay đổi so với cùng kỳ, {f.period.label}",
        categories=counts["short_vi"].tolist(),
        series=[
            Series(
                "Thay đổi so với cùng kỳ (%)",
                [fmt.rounded(float(v), 1) for v in counts["change_pct"]],
                point_colors=[TONE_COLORS[t] for t in counts["tone"]],
                sources=[[f.scope, str(c), f.period.code] for c in counts["code"]],
            )
        ],
        unit="%",
        decimals=1,
        empty_message=f"Chưa có số liệu cùng kỳ để so sánh {f.period.label}",
    )
    title = f"Tổng quan {f.period.label}"
    # the headline counts the indicators of the chart beside it, not every headline indicator
    # (an empty chart: the figures of this quarter still say whether there is data, or only no comparison)
    head = narrative.headline(_records(counts if len(counts) else heads), f"{f.who[:1].upper()}{f.who[1:]}")
    return Slide("overview", title, head, sentences, chart)


def group(f: Facts, code: str) -> Slide:
    """One indicator group: its headline figures against last year, and its rates over two years."""
    heads = f.headline_rows(code)
    name = str(f.figures.loc[f.figures["group_code"] == code, "group_name"].iloc[0])
    sentences = [narrative.opening(f.period.label, f.who, _records(heads))]
    verdict = narrative.verdict(_records(heads))
    sentences += [verdict] if verdict else []
    shares = heads[heads["unit"].map(core.is_percent)]
    first = f.quarters_back(GROUP_QUARTERS)
    chart = _trend_chart(f, shares, first, title=f"{name}: các tỷ lệ chính")
    return Slide("group", name, narrative.headline(_records(heads)), sentences, chart, param=code)


def _trend_chart(f: Facts, rows: pd.DataFrame, first: periods.Period, *, title: str) -> Chart:
    """Lines of a few indicators over the quarters from first to the period; the title gets the span."""
    trend = f.trend()
    trend = trend[trend["period"] >= pd.Timestamp(first.start)]
    quarters = sorted(trend["period"].unique())
    by = trend.set_index(["indicator_code", "period"])["value"]
    codes = [periods.from_date(pd.Timestamp(q).date()).code for q in quarters]
    series = [
        Series(
            r.short_vi,
            [_num(by.get((r.code, q)), TREND_DECIMALS) for q in quarters],
            PALETTE[i % len(PALETTE)],
            sources=[[f.scope, str(r.code), c] for c in codes],
        )
        for i, r in enumerate(rows.itertuples())
    ]
    labels = [_label(q) for q in quarters]
    span = f", {labels[0]} – {labels[-1]}" if labels else ""
    return Chart(
        "line",
        title + span,
        labels,
        series,
        unit="%",
        decimals=TREND_DECIMALS,
        empty_message=f"Chưa có số liệu các quý đến {f.period.label}",
    )


def _num(x: object, decimals: int = 2) -> float | None:
    """A figure rounded once, half away from zero, as every label, cell and sentence shows it."""
    return None if x is None or pd.isna(x) else fmt.rounded(float(x), decimals)


def trend(f: Facts, _: str = "") -> Slide:
    """The key rates of reform over three years: where they started and where they stand."""
    rows = f.figures.set_index("code").loc[core.KEY_RATES].reset_index()
    first = f.quarters_back(TREND_QUARTERS)
    last = periods.from_date(f.period.end)
    chart = _trend_chart(f, rows, first, title="Các tỷ lệ chính qua các quý")
    sentences = [_from_to(s, chart.categories) for s in chart.series]
    sentences = [s for s in sentences if s] or [f"Chưa có số liệu các tỷ lệ chính đến {last.label}."]
    rising = sum(1 for s in chart.series if _first_last(s.values)[1] > _first_last(s.values)[0])
    head = f"{rising}/{len(chart.series)} tỷ lệ chính tăng so với {chart.categories[0]}" if chart.categories else ""
    return Slide("trend", "Diễn biến các tỷ lệ chính", head or "Chưa có số liệu", sentences, chart)


def _first_last(values: list[float | None]) -> tuple[float, float]:
    known = [v for v in values if v is not None]
    return (known[0], known[-1]) if known else (0.0, 0.0)


def _from_to(s: Series, categories: list[str]) -> str:
    known = [(c, v) for c, v in zip(categories, s.values, strict=True) if v is not None]
    if len(known) < 2:
        return ""
    (c0, v0), (c1, v1) = known[0], known[-1]
    verb = "tăng" if v1 > v0 else "giảm"
    # v0 and v1 are the figures as labelled on the chart: their difference is the one the reader can check
    step = fmt.rounded(v1 - v0, TREND_DECIMALS)
    moved = f", {verb} {fmt.number(abs(step), TREND_DECIMALS)} điểm %" if step else ""
    return f"{s.name}: từ {fmt.percent(v0, TREND_DECIMALS)} ({c0}) đến {fmt.percent(v1, TREND_DECIMALS)} ({c1}){moved}."


def _indicator(f: Facts, code: str) -> pd.Series:
    return f.row(code) if code in set(f.figures["code"]) else f.row(f.figures["code"].iloc[0])


def yoy(f: Facts, code: str) -> Slide:
    """One indicator for each child unit, this period against the same period last year."""
    ind = _indicator(f, code)
    ranked = core.rank(f.con, f.scope, str(ind.name), f.period, official=f.official).dropna(subset=["value"])
    d = int(ind["decimals"])
    points = core.is_percent(ind["unit"])
    # the change as said and shown: like for like, rounded once (points of a percentage to at least 1 decimal)
    shown_d = max(d, 1) if points else d
    ranked = ranked.assign(change=[_num(c, shown_d) for c in ranked["change"]])
    title = f"{ind['short_vi']}: so sánh cùng kỳ giữa các đơn vị"
    shown = ranked
    if len(ranked) > MAX_BARS:  # the units that moved most, either way
        shown = ranked.assign(size=ranked["change"].abs()).nlargest(MAX_BARS, "size")
    shown = shown.sort_values("value", ascending=False)
    suffix = f" ({len(shown)} đơn vị thay đổi nhiều nhất trong {len(ranked)})" if len(ranked) > MAX_BARS else ""
    chart = Chart(
        "bar",
        f"{ind['short_vi']}, {f.period.label} và cùng kỳ{suffix}",
        shown["name"].tolist(),
        [
            Series("Cùng kỳ năm trước", [_num(v, d) for v in shown["previous"]], GREY),
            Series(
                f.period.label,
                [_num(v, d) for v in shown["value"]],
                str(ind["group_color"]),
                sources=[[str(u), str(ind.name), f.period.code] for u in shown["unit_code"]],
            ),
        ],
        unit=str(ind["unit"]),
        decimals=d,
        empty_message="Chưa có số liệu của các đơn vị trực thuộc",
    )
    compared = ranked.dropna(subset=["change"])
    up, down = int((compared["change"] > 0).sum()), int((compared["change"] < 0).sum())
    head = (
        f"{up}/{len(compared)} đơn vị tăng, {down} đơn vị giảm so với cùng kỳ"
        if len(compared)
        else ("Chưa có số liệu cùng kỳ để so sánh" if len(ranked) else "Chưa có số liệu")
    )
    sentences = (
        [narrative.opening(f.period.label, f.who, [ind.to_dict()])]
        + _extremes(compared, ind)
        + ["Số liệu cùng kỳ quy đổi theo địa giới mới (đơn vị sáp nhập từ 1/7/2025) theo bảng kế thừa."]
    )
    table = Table(
        ["Đơn vị", "Kỳ này", "Cùng kỳ", "Tăng/giảm"],
        [[r.name, _num(r.value, d), _num(r.previous, d), _num(r.change, shown_d)] for r in ranked.itertuples()],
    )
    return Slide("yoy", title, head, sentences, chart, table, param=str(ind.name))


def _extremes(ranked: pd.DataFrame, ind: pd.Series) -> list[str]:
    """Who rose most and who fell most, each said only when it happened (changes already rounded as shown):
    with no decrease, the smallest rise ("tăng ít nhất"); with no rise, the smallest fall."""
    if ranked.empty:
        return []
    points = core.is_percent(ind["unit"])
    unit, d = ("điểm %", max(int(ind["decimals"]), 1)) if points else (str(ind["unit"]), int(ind["decimals"]))
    top, low = ranked.loc[ranked["change"].idxmax()], ranked.loc[ranked["change"].idxmin()]

    def said(words: str, r: pd.Series) -> str:
        return f"{words}: {r['name']} ({'+' if r['change'] > 0 else ''}{fmt.number(r['change'], d)} {unit})"

    parts = []
    if top["change"] > 0:
        parts.append(said("tăng nhiều nhất", top))
    if low["change"] < 0:
        parts.append(said("giảm nhiều nhất", low))
    elif low["change"] > 0 and low["unit_code"] != top["unit_code"]:
        parts.append(said("tăng ít nhất", low))
    if top["change"] < 0 and top["unit_code"] != low["unit_code"]:
        parts.append(said("giảm ít nhất", top))
    if not parts:
        return ["Không đơn vị nào thay đổi so với cùng kỳ."]
    text = "; ".join(parts)
    return [text[:1].upper() + text[1:] + "."]


def ranking(f: Facts, code: str) -> Slide:
    """The child units ranked on one indicator, the leaders and the last, with the rank change."""
    ind = _indicator(f, code)
    ranked = core.rank(f.con, f.scope, str(ind.name), f.period, official=f.official)
    d, unit = int(ind["decimals"]), str(ind["unit"])
    title = f"Xếp hạng các đơn vị: {ind['short_vi']}"
    if ind["good"] == "neutral":
        return Slide(
            "ranking",
            title,
            "Chỉ tiêu này không xếp hạng",
            [
                "Chỉ tiêu không đánh giá tốt/xấu (tăng có thể do kiểm tra chặt hơn hoặc do vi phạm nhiều hơn),"
                " nên không xếp hạng các đơn vị."
            ],
            None,
            param=str(ind.name),
        )
    done = ranked.dropna(subset=["rank"]).sort_values("rank")
    shown = done if len(done) <= 10 else pd.concat([done.head(5), done.tail(5)])
    chart = Chart(
        "bar",
        f"{ind['short_vi']}, {f.period.label}" + (" (5 đơn vị đầu và 5 đơn vị cuối bảng)" if len(done) > 10 else ""),
        [f"{int(r.rank)}. {r.name}" for r in shown.itertuples()],
        [
            Series(
                f.period.label,
                [_num(v, d) for v in shown["value"]],
                str(ind["group_color"]),
                sources=[[str(u), str(ind.name), f.period.code] for u in shown["unit_code"]],
            )
        ],
        unit=unit,
        decimals=d,
        empty_message="Chưa có số liệu để xếp hạng",
    )
    sentences = _ranking_sentences(done, unit, d)
    table = Table(
        ["Hạng", "Đơn vị", "Kỳ này", "Hạng cùng kỳ"],
        [
            [int(r.rank), r.name, _num(r.value, d), None if pd.isna(r.previous_rank) else int(r.previous_rank)]
            for r in done.itertuples()
        ],
    )
    head = (
        f"Dẫn đầu: {done['name'].iloc[0]} ({fmt.with_unit(done['value'].iloc[0], unit, d)})"
        if len(done)
        else "Chưa có số liệu để xếp hạng"
    )
    return Slide("ranking", title, head, sentences, chart, table, param=str(ind.name))


def _ranking_sentences(done: pd.DataFrame, unit: str, d: int) -> list[str]:
    if done.empty:
        return ["Chưa có đơn vị nào có số liệu kỳ này."]
    first = ", ".join(f"{r.name} ({fmt.with_unit(r.value, unit, d)})" for r in done.head(3).itertuples())
    last = ", ".join(f"{r.name} ({fmt.with_unit(r.value, unit, d)})" for r in done.tail(3).iloc[::-1].itertuples())
    out = [f"Dẫn đầu: {first}.", f"Cuối bảng: {last}."]
    moved = (done["previous_rank"] - done["rank"]).dropna()
    if not moved.empty and moved.max() > 0:
        best = done.loc[moved.idxmax()]
        out.append(f"Tăng hạng nhiều nhất: {best['name']} (tăng {int(moved.max())} bậc so với cùng kỳ).")
    return out


def completeness(f: Facts, _: str = "") -> Slide:
    """Who has reported the period's last quarter, and the reporting rate over two years."""
    last = periods.from_date(f.period.end)
    first = f.quarters_back(GROUP_QUARTERS)
    rate = f.run("reporting_rate", scope=f.scope, start=first.start, end=last.start)
    chart = Chart(
        "column",
        f"Tỷ lệ đơn vị đã báo cáo, {first.label} – {last.label}",
        [_label(p) for p in rate["period"]],
        [Series("Đơn vị đã báo cáo (%)", [_num(r, 1) for r in rate["rate"]], STATUS_COLORS["reported"])],
        unit="%",
        decimals=1,
        empty_message="Chưa có kỳ báo cáo nào",
    )
    behind = f.run("units_behind", scope=f.scope, quarter=last.start)
    missing, partial = behind[behind["status"] == "missing"], behind[behind["status"] == "partial"]
    now = rate[rate["period"] == pd.Timestamp(last.start)]
    expected = int(now["expected"].iloc[0]) if not now.empty else len(behind)
    sentences = [
        f"{last.label}: {fmt.number(expected - len(behind))}/{fmt.number(expected)} đơn vị đã báo cáo đủ, "
        f"{fmt.number(len(partial))} đơn vị báo cáo một phần, {fmt.number(len(missing))} đơn vị chưa báo cáo."
    ]
    if len(missing):
        sentences.append(f"Chưa báo cáo: {narrative.names_list(missing['name'].tolist())}.")
    rows = [
        [
            r.name,
            STATUS_LABELS[r.status],
            f"{r.indicators_reported}/{r.indicators_expected}",
        ]
        for r in behind.head(SLIDE_TABLE_ROWS).itertuples()
    ]
    if len(behind) > SLIDE_TABLE_ROWS:
        rows.append([f"… và {fmt.number(len(behind) - SLIDE_TABLE_ROWS)} đơn vị khác", "", ""])
    table = Table(["Đơn vị", "Tình trạng", "Số chỉ tiêu đã báo cáo"], rows)
    head = (
        f"Còn {fmt.number(len(behind))} đơn vị chưa báo cáo đủ {last.label}"
        if len(behind)
        else f"Tất cả đơn vị đã báo cáo đủ {last.label}"
    )
    return Slide("completeness", "Tình hình báo cáo", head, sentences, chart, table)


def watch(f: Facts, _: str = "") -> Slide:
    """Child units whose headline figures moved the wrong way most often, and those with no figures yet."""
    kids = f.run("child_figures", scope=f.scope, start=f.period.start, end=f.period.end)
    silent = kids.groupby("name")["units_reported"].max()
    silent = sorted(silent[silent == 0].index)
    cat = f.figures.set_index("code")
    judged = cat.index[cat["headline"] & (cat["good"] != "neutral")]
    kids = kids[kids["indicator_code"].isin(judged)]
    kids = kids.assign(
        tone=[
            core.compare(
                r.value_compared,
                r.previous_compared,
                cat.loc[r.indicator_code, "type"],
                cat.loc[r.indicator_code, "good"],
            ).tone
            for r in kids.itertuples()
        ]
    )
    bad = kids[kids["tone"] == "bad"].groupby(["unit_code", "name"])["indicator_code"].agg(list).reset_index()
    bad = bad.assign(n=bad["indicator_code"].map(len)).sort_values(["n", "name"], ascending=[False, True])
    top = bad.head(8)
    chart = Chart(
        "bar",
        f"Số chỉ tiêu chính diễn biến chưa tốt so với cùng kỳ (trong {len(judged)}), {f.period.label}",
        top["name"].tolist(),
        [Series("Số chỉ tiêu", [float(n) for n in top["n"]], TONE_COLORS["bad"])],
        unit="chỉ tiêu",
        empty_message="Không có đơn vị nào có chỉ tiêu chính diễn biến chưa tốt",
    )
    short = cat["short_vi"]
    sentences = [
        f"{r.name}: {r.n}/{len(judged)} chỉ tiêu, trong đó "
        f"{', '.join(narrative.lower_first(short[c]) for c in r.indicator_code[:3])}."
        for r in top.head(3).itertuples()
    ] or ["Không có đơn vị nào có chỉ tiêu chính diễn biến chưa tốt so với cùng kỳ."]
    if silent:
        sentences.append(f"Chưa có số liệu kỳ này: {narrative.names_list(silent)}.")
    table = Table(
        ["Đơn vị", "Số chỉ tiêu", "Các chỉ tiêu"],
        [[r.name, int(r.n), ", ".join(short[c] for c in r.indicator_code)] for r in bad.itertuples()],
    )
    head = (
        f"{top['name'].iloc[0]}: {int(top['n'].iloc[0])}/{len(judged)} chỉ tiêu chính diễn biến chưa tốt"
        if len(top)
        else "Không có đơn vị nào có chỉ tiêu chính diễn biến chưa tốt"
    )
    head += f"; {len(silent)} đơn vị chưa có số liệu" if silent else ""
    return Slide("watch", "Đơn vị cần quan tâm", head, sentences, chart, table)


BUILDERS: dict[str, Callable[[Facts, str], Slide]] = {
    "overview": overview,
    "group": group,
    "trend": trend,
    "yoy": yoy,
    "ranking": ranking,
    "completeness": completeness,
    "watch": watch,
    "index": index_slide,
}
