"""The composite reform index (Chỉ số CCHC) of the child units of a scope: scores, tiers, ranks, robustness.

The scores come from queries/index_parts.sql over the rollup; this module adds the Monte Carlo
robustness of the ranks (weights ±25 %, target vs min-max normalisation, linear vs geometric
aggregation), the what-if of other weights, and the records the command line and the slides print.
A quarter is read from the index the writer keeps (reform/index_store.py). Two variants: the working
one, from every stored value, is provisional (tạm tính) and says so; the official one counts only
approved and locked values (official_rollup, issue 14).
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import duckdb
import numpy as np
import pandas as pd

from reform import fmt, sql
from reform.periods import Period

MIN_CASES = 5.0  # a rate on fewer cases than this says little about a unit: "không áp dụng"
DRAWS = 1000
SEED = 366  # fixed, so the same data gives the same rank intervals
SPREAD = 0.25  # each weight varies by up to ±25 % in a draw
ROBUST_COLUMNS = ["median_rank", "rank_low", "rank_high", "tier_change_share", "borderline"]
BORDERLINE_SHARE = 0.2  # "sát ngưỡng" when the tier changes in more than a fifth of the draws
TIERS = [  # Quy định 366-QĐ/TW bands, indicative only
    (90.0, "Hoàn thành xuất sắc"),
    (70.0, "Hoàn thành tốt"),
    (50.0, "Hoàn thành"),
    (-1.0, "Không hoàn thành"),
]
NOT_APPLICABLE = "không áp dụng"
PROVISIONAL_NOTE = (
    "Tính trên mọi số liệu đã nhập, kể cả số liệu chưa được phê duyệt: mọi điểm, mức xếp loại và thứ hạng "
    "đều là tạm tính, mức xếp loại theo khung Quy định 366-QĐ/TW chỉ để tham khảo."
)
OFFICIAL_NOTE = (
    "Số liệu chính thức: chỉ tính số liệu đã duyệt hoặc đã khóa (đơn vị hoặc phần chưa được duyệt "
    "là chưa có số liệu); mức xếp loại theo khung Quy định 366-QĐ/TW chỉ để tham khảo."
)


@dataclass(frozen=True)
class IndexResult:
    """The index of a scope's children for a period: per unit, per part, and the weights used."""

    scope: str
    period: Period
    units: pd.DataFrame  # one row per child unit, best first
    parts: pd.DataFrame  # one row per child unit and part (index_parts.sql columns)
    weights: pd.DataFrame  # the version in force (index_weights.sql)
    provisional: bool = True

    @property
    def note(self) -> str:
        """What the figures count: every value (tạm tính) or approved values only."""
        return PROVISIONAL_NOTE if self.provisional else OFFICIAL_NOTE

    @property
    def version(self) -> str | None:
        return None if self.weights.empty else str(self.weights["version"].iloc[0])


def tier_of(score: float | None) -> str | None:
    """The Quy định 366 band of a score out of 100 (None without a score)."""
    if fmt.missing(score):
        return None
    return next(name for floor, name in TIERS if score >= floor)


def normalise(value: np.ndarray, floor: np.ndarray, target: np.ndarray) -> np.ndarray:
    """100 × clip((value − floor) / (target − floor), 0, 1): the part scores, as the SQL computes them."""
    return 100 * np.clip((value - floor) / (target - floor), 0, 1)


def compute(
    con: duckdb.DuckDBPyConnection,
    scope: str,
    period: Period,
    *,
    draws: int = DRAWS,
    seed: int = SEED,
    official: bool = False,
    kept: bool = True,
) -> IndexResult:
    """Scores of the child units of a scope, with their rank intervals over `draws` Monte Carlo draws;
    official: from approved and locked values only. A quarter is read from the kept index
    (reform/index_store.py) when it holds the quarter with the weights in force; anything else, or
    kept=False, is scored here."""
    weights = sql.run(con, "index_weights", on=period.start)
    if kept and period.is_quarter and (draws, seed) == (DRAWS, SEED):
        kept = sql.run(con, "index_score_read", scope=scope, period=period.start, official=official)
        if not kept.empty and set(kept["version"]) == set(weights["version"]):
            kept = _in_order(kept, weights)
            parts = kept.drop(columns=ROBUST_COLUMNS).reset_index(drop=True)
            units = _units(parts, kept.drop_duplicates("unit_code")[["unit_code", *ROBUST_COLUMNS]])
            return IndexResult(scope, period, units, parts, weights, provisional=not official)
    rows = part_rows(con, scope, period, official=official, weights=weights)
    robust = robustness(rows, draws=draws, seed=seed)
    units = _units(rows[rows["is_child"]], robust)
    children = rows[rows["is_child"]].reset_index(drop=True)
    return IndexResult(scope, period, units, children, weights, provisional=not official)


def part_rows(
    con: duckdb.DuckDBPyConnection,
    scope: str,
    period: Period,
    *,
    official: bool = False,
    weights: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """index_parts.sql (or its official twin) for the children of a scope and all their peers, in unit
    and weights-table order (the order the draws' weights are taken in)."""
    weights = sql.run(con, "index_weights", on=period.start) if weights is None else weights
    name = sql.official("index_parts") if official else "index_parts"
    rows = sql.run(con, name, scope=scope, start=period.start, end=period.end, min_cases=MIN_CASES)
    return _in_order(rows, weights)


def _in_order(rows: pd.DataFrame, weights: pd.DataFrame) -> pd.DataFrame:
    order = {p: i for i, p in enumerate(weights["part"])}
    return rows.assign(_o=rows["part"].map(order)).sort_values(["unit_code", "_o"]).drop(columns="_o")


def _units(parts: pd.DataFrame, robust: pd.DataFrame) -> pd.DataFrame:
    cols = ["unit_code", "name", "type", "score", "score_geo", "tier", "rank", "peers", "previous_score"]
    cols += ["previous_rank", "version"]
    units = parts.drop_duplicates("unit_code")[cols].merge(robust, on="unit_code", how="left")
    units["rank_change"] = units["previous_rank"] - units["rank"]  # positive: moved up
    return units.sort_values(["score", "unit_code"], ascending=[False, True], na_position="last").reset_index(drop=True)


# ------------------------------------------------------------------------------------------ matrices
@dataclass(frozen=True)
class Matrices:
    """The part figures of the peers as arrays: units × parts, ready for many weightings at once."""

    units: np.ndarray  # unit codes (U,)
    groups: np.ndarray  # peer group (unit type) per unit (U,)
    parts: np.ndarray  # part codes (P,)
    pillars: np.ndarray  # pillar index per part (P,)
    points: np.ndarray  # table points per part (P,)
    target: np.ndarray  # target-normalised scores, 0 where not applicable (U, P)
    minmax: np.ndarray  # min-max normalised across the peer group, 0 where not applicable (U, P)
    applicable: np.ndarray  # (U, P) as 0/1


def matrices(rows: pd.DataFrame) -> Matrices:
    """index_parts rows (every peer, current side) as arrays."""
    parts = pd.unique(rows["part"])
    first = rows.drop_duplicates("part").set_index("part").loc[parts]
    units, groups, applicable, score, value = _wide(rows, parts)
    target = np.nan_to_num(score) * applicable
    good_up = (first["target"] > first["floor"]).to_numpy()
    minmax = _minmax(np.where(applicable > 0, value, np.nan), groups, good_up) * applicable
    _, pillars = np.unique(first["pillar"].to_numpy(), return_inverse=True)
    return Matrices(units, groups, parts, pillars, first["points"].to_numpy(dtype=float), target, minmax, applicable)


def _wide(rows: pd.DataFrame, parts: np.ndarray) -> tuple[np.ndarray, ...]:
    """Units (sorted), their types, and the applicable / part_score / value columns as (U, P) arrays."""
    n = len(parts)
    codes, names = rows["unit_code"].to_numpy(dtype=object), np.asarray(parts, dtype=object)
    if n and len(rows) % n == 0:  # the usual layout: every unit's parts in table order, units sorted
        grid = codes.reshape(-1, n)
        units = grid[:, 0]
        same = (grid == units[:, None]).all() and (rows["part"].to_numpy(dtype=object).reshape(-1, n) == names).all()
        if same and (units[1:] > units[:-1]).all():
            shaped = [rows[c].to_numpy(dtype=float, na_value=np.nan).reshape(-1, n) for c in ("part_score", "value")]
            applicable = rows["applicable"].fillna(False).to_numpy(dtype=float).reshape(-1, n)
            return units, rows["type"].to_numpy(dtype=object)[::n], applicable, shaped[0], shaped[1]
    wide = rows.pivot(index="unit_code", columns="part", values=["part_score", "value", "applicable"])
    units = wide.index.to_numpy()
    groups = rows.drop_duplicates("unit_code").set_index("unit_code").loc[units, "type"].to_numpy()
    applicable = wide["applicable"][parts].fillna(False).to_numpy(dtype=float)
    return (
        units,
        groups,
        applicable,
        wide["part_score"][parts].to_numpy(dtype=float),
        wide["value"][parts].to_numpy(dtype=float),
    )


def _minmax(value: np.ndarray, groups: np.ndarray, good_up: np.ndarray) -> np.ndarray:
    out = np.zeros_like(value)
    for g in np.unique(groups):
        rows = groups == g
        v = value[rows]
        with np.errstate(all="ignore"), warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)  # a part no peer has: all NaN, scored 0 below
            lo, hi = np.nanmin(v, axis=0), np.nanmax(v, axis=0)
            span = np.where(hi > lo, hi - lo, np.nan)
            x = (v - lo) / span
        x = np.where(good_up, x, 1 - x)
        out[rows] = np.nan_to_num(np.where(np.isnan(span), 1.0, x), nan=0.0) * 100  # all equal: all full
    return out


def aggregate(points: np.ndarray, scores: np.ndarray, m: Matrices, *, geometric: bool = False) -> np.ndarray:
    """Totals out of 100 for D weightings (D, P) of the parts: (D, U); NaN for a unit with no applicable part.

    Within a pillar the applicable parts share the pillar's points; a pillar with none drops out and the
    other pillars share its points. Geometric: the weighted geometric mean, part scores floored at 1."""
    x = np.log(np.maximum(scores, 1.0)) if geometric else scores
    num = np.zeros((points.shape[0], scores.shape[0]))
    den = np.zeros_like(num)
    for k in np.unique(m.pillars):
        cols = m.pillars == k
        w = points[:, cols]
        applicable_points = w @ m.applicable[:, cols].T  # (D, U)
        pillar_points = w.sum(axis=1, keepdims=True)
        has = applicable_points > 0
        # in place on (draws × units) arrays: at province scale each temporary is millions of values
        pillar_score = w @ (m.applicable[:, cols] * x[:, cols]).T
        np.divide(pillar_score, applicable_points, out=pillar_score, where=has)
        pillar_score[~has] = 0.0
        pillar_score *= pillar_points
        num += pillar_score
        den += pillar_points * has
    with np.errstate(all="ignore"):
        total = num / den
    return np.exp(total, out=total) if geometric else total


def ranks(scores: np.ndarray, groups: np.ndarray, wanted: np.ndarray | None = None) -> np.ndarray:
    """Rank within each peer group per row (1 = best, ties share the best rank, as SQL's rank());
    NaN scores unranked. Only the `wanted` columns (a boolean mask; all by default) are kept, the
    others are NaN. One argsort per peer group ranks every row (draw) at once."""
    out = np.full(scores.shape, np.nan)
    wanted = np.ones(scores.shape[1], dtype=bool) if wanted is None else wanted
    for g in np.unique(groups[wanted]):
        members = np.flatnonzero(groups == g)
        peer = scores[:, members]
        key = np.where(np.isnan(peer), -np.inf, peer)  # unscored peers are never ahead
        order = np.argsort(-key, axis=1)  # best first (ties need no order: they share a rank)
        ordered = np.take_along_axis(key, order, axis=1)
        place = np.arange(len(members))
        first = np.ones(ordered.shape, dtype=bool)
        first[:, 1:] = ordered[:, 1:] != ordered[:, :-1]
        # a tie takes the place of its first member: the running maximum of each tie's first place
        tied = np.maximum.accumulate(np.where(first, place, 0), axis=1) + 1.0
        rank = np.empty(peer.shape)
        np.put_along_axis(rank, order, tied, axis=1)
        rank[np.isnan(peer)] = np.nan
        keep = wanted[members]
        out[:, members[keep]] = rank[:, keep]
    return out


def robustness(rows: pd.DataFrame, *, draws: int = DRAWS, seed: int = SEED) -> pd.DataFrame:
    """Per child unit: median rank, 5-95 % rank interval, share of draws with another tier, "sát ngưỡng"."""
    cols = ["unit_code", "median_rank", "rank_low", "rank_high", "tier_change_share", "borderline"]
    if rows.empty or draws <= 0:
        return pd.DataFrame(columns=cols)
    m = matrices(rows)
    children = set(rows.loc[rows["is_child"], "unit_code"])
    return robustness_of(m, draws=draws, seed=seed, wanted=np.array([u in children for u in m.units]))


def robustness_of(
    m: Matrices, *, draws: int = DRAWS, seed: int = SEED, wanted: np.ndarray | None = None
) -> pd.DataFrame:
    """robustness() on prepared matrices, for the `wanted` units (all by default; the benchmark calls this)."""
    wanted = np.ones(len(m.units), dtype=bool) if wanted is None else wanted
    base = aggregate(m.points[None, :], m.target, m)[0]
    if np.isnan(base[wanted]).all():  # no unit scored (a quarter a year after the last): no draw ranks any
        nothing = np.full(int(wanted.sum()), np.nan)
        return _spread_frame(m.units[wanted], nothing, nothing, nothing, nothing)
    rng = np.random.default_rng(seed)
    w = m.points * rng.uniform(1 - SPREAD, 1 + SPREAD, size=(draws, len(m.points)))
    w = 100 * w / w.sum(axis=1, keepdims=True)
    use_minmax = rng.random(draws) < 0.5
    use_geo = rng.random(draws) < 0.5
    totals = np.empty((draws, len(m.units)))
    for mm in (False, True):
        for geo in (False, True):
            pick = (use_minmax == mm) & (use_geo == geo)
            if pick.any():
                totals[pick] = aggregate(w[pick], m.minmax if mm else m.target, m, geometric=geo)
    r = ranks(totals, m.groups, wanted)[:, wanted]
    # a min-max score only says where a unit stands among its peers (the best is always 100), so it is
    # never compared with the 366 bands: the tier's stability is judged on the target-normalised draws
    base, totals = base[wanted], totals[:, wanted]
    against_targets = totals[~use_minmax] if (~use_minmax).any() else totals
    with np.errstate(all="ignore"):
        changed = _tier_index(against_targets) != _tier_index(base[None, :])
        share = np.where(np.isnan(base), np.nan, changed.mean(axis=0))
        ranked = ~np.isnan(base)
        low, median, high = _rank_spread(r)
        low, median, high = (np.where(ranked, x, np.nan) for x in (low, median, high))
    return _spread_frame(m.units[wanted], median, low, high, share)


def _spread_frame(
    units: np.ndarray, median: np.ndarray, low: np.ndarray, high: np.ndarray, share: np.ndarray
) -> pd.DataFrame:
    """robustness()'s answer: a unit's median rank, its rank interval and how often its tier changed."""
    with np.errstate(invalid="ignore"):
        borderline = share > BORDERLINE_SHARE  # NaN (no draw ranks the unit): not borderline
    return pd.DataFrame(
        {
            "unit_code": units,
            "median_rank": median,
            "rank_low": low,
            "rank_high": high,
            "tier_change_share": share,
            "borderline": borderline,
        }
    )


def _rank_spread(r: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per column of (draws × units) ranks: the 5 % quantile (lower), the median and the 95 % quantile
    (higher), as numpy's quantile and median give them, from one sort instead of three partitions."""
    d = r.shape[0]
    ordered = np.sort(np.where(np.isnan(r), 0.0, r), axis=0)
    low = ordered[int(np.floor(0.05 * (d - 1)))]
    high = ordered[int(np.ceil(0.95 * (d - 1)))]
    median = ordered[d // 2] if d % 2 else (ordered[d // 2 - 1] + ordered[d // 2]) / 2
    return low, median, high


def _tier_index(scores: np.ndarray) -> np.ndarray:
    return np.digitize(np.nan_to_num(scores, nan=-1.0), [50.0, 70.0, 90.0])


def what_if(result: IndexResult, points: dict[str, float]) -> pd.DataFrame:
    """The child units' scores and ranks under other part points (renormalised to 100), not saved."""
    rows = result.parts
    if rows.empty:
        return pd.DataFrame(columns=["unit_code", "score", "rank"])
    m = matrices(rows)
    w = np.array([float(points.get(p, 0.0)) for p in m.parts])
    if w.sum() <= 0:
        raise ValueError("Tổng điểm phải lớn hơn 0.")
    scores = aggregate(100 * w[None, :] / w.sum(), m.target, m)
    return pd.DataFrame({"unit_code": m.units, "score": scores[0], "rank": ranks(scores, m.groups)[0]})


# ------------------------------------------------------------------------------------------ output
def to_records(result: IndexResult) -> list[dict]:
    """Per child unit the contract of `index --json`: scores, ranks, and each part."""
    by_unit = {code: g for code, g in result.parts.groupby("unit_code")}
    out = []
    for u in result.units.itertuples():
        parts = by_unit.get(u.unit_code, pd.DataFrame())
        out.append(
            {
                "unit_code": u.unit_code,
                "name": u.name,
                "type": u.type,
                "score": _num(u.score),
                "score_geo": _num(u.score_geo),
                "tier": u.tier if isinstance(u.tier, str) else None,
                "rank": _int(u.rank),
                "peers": _int(u.peers),
                "rank_low": _int(u.rank_low),
                "rank_high": _int(u.rank_high),
                "median_rank": _num(u.median_rank),
                "borderline": bool(u.borderline is True or u.borderline == True),  # noqa: E712 (numpy bool)
                "previous_score": _num(u.previous_score),
                "previous_rank": _int(u.previous_rank),
                "parts": [_part(p) for p in parts.itertuples()],
            }
        )
    return out


def _part(p: object) -> dict:
    return {
        "code": p.part,
        "pillar": p.pillar,
        "value": _num(p.value),
        "score": _num(p.part_score) if p.applicable else None,
        "points": _num(p.eff_points),
        "table_points": _num(p.points),
        "applicable": bool(p.applicable),
    }


def _num(x: object) -> float | None:
    return None if x is None or pd.isna(x) else round(float(x), 4)


def _int(x: object) -> int | None:
    return None if x is None or pd.isna(x) else int(x)


def weights_csv(weights: pd.DataFrame) -> str:
    """The weights in force as CSV, in the columns of data/index_weights.csv."""
    cols = ["version", "valid_from", "pillar", "pillar_name_vi", "part", "floor", "target", "points"]
    return weights[cols].to_csv(index=False, lineterminator="\n")


def sentence(result: IndexResult) -> str:
    """One sentence in report style: how many units reached Hoàn thành tốt or better, who leads, who lags."""
    scored = result.units.dropna(subset=["score"])
    label = result.period.label
    if scored.empty:
        return f"{label} chưa đủ số liệu để tính Chỉ số CCHC của các đơn vị."
    good = int((scored["score"] >= 70).sum())
    top = scored.iloc[0]
    text = (
        f"{label} có {good}/{len(scored)} đơn vị đạt mức Hoàn thành tốt trở lên"
        + (" (tạm tính); " if result.provisional else " (số liệu chính thức); ")
        + f"cao nhất là {top['name']} với {fmt.number(float(top['score']), 1)} điểm"
    )
    weak = int((scored["score"] < 50).sum())
    if weak:
        text += f"; {weak} đơn vị dưới 50 điểm"
    borderline = int(scored["borderline"].fillna(False).astype(bool).sum())
    if borderline:
        text += f"; {borderline} đơn vị sát ngưỡng giữa hai mức"
    return text + "."
