"""The fast path for a large long-layout text file: the report and rows of the per-cell path, vectorised.

ingest.extract and validate.check build and check one Python object per cell: right for the files
staff make (thousands of cells, precise messages), far too slow for a national file of millions of
values. Here Arrow's CSV reader splits a text whose records are all as wide as the first, with no
quote and no empty line (what a script exports); any other text numpy splits by the bytes of its
delimiters and line breaks, with csv.reader for the quoted records. Arrow holds the fields, every rule
runs once per distinct text of a column (a national file of 2.5 million values holds some tens of
thousands) and then as array operations per row.
Only the rows that raise an issue go through validate's own per-cell checks, and every message comes
from validate's message builders, so the report (codes, rows, columns, cells, messages, their order)
and the rows to store are those of the per-cell path. A file this path cannot reproduce exactly (a
wide layout, a quoted field running over a line break, a field longer than the csv module accepts)
gives None, and the caller reads it the per-cell way.
"""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date

import duckdb
import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from reform import ingest, periods, sql, validate
from reform.ingest import Cell, Column, Grid, Table
from reform.textnorm import fold

# What str.strip() removes (the characters for which str.isspace() is true), for Arrow's utf8_trim.
WHITESPACE = (
    "\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006"
    "\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000"
)
_NULL = pa.scalar(None, pa.large_string())

Progress = Callable[[float, str], None]


# --- the text as columns --------------------------------------------------------------------------


@dataclass
class Split:
    """The records of a text file, column by column, as ingest.read_text holds them."""

    columns: list[pa.Array]  # column j of every record: stripped text, null when blank or absent
    widths: np.ndarray  # fields per record, as csv.reader gives them

    @property
    def n(self) -> int:
        return len(self.widths)

    def rows(self, index: Iterable[int]) -> list[list[object]]:
        """The records at these positions (0-based) as lists of cells, as in Grid.rows."""
        index = np.asarray(list(index), dtype=np.int64)
        cols = [c.take(pa.array(index)).to_pylist() for c in self.columns]
        return [[col[k] for col in cols][: self.widths[i]] for k, i in enumerate(index)]


def split(text: str, delimiter: str) -> Split | None:
    """The records and fields of the text as csv.reader splits them; None where that is not certain."""
    if not text:
        return Split([], np.zeros(0, dtype=np.int64))
    fields = _even_fields(text, delimiter)
    if fields is None:
        return _split_tokens(text, delimiter)
    if max(pc.max(pc.binary_length(f)).as_py() or 0 for f in fields) > csv.field_size_limit():
        return None  # csv.reader refuses such a field (in bytes here, at least as many as characters): E_CSV
    ingest.check_size(len(fields[0]), len(fields))
    return Split([_stripped(f) for f in fields], np.full(len(fields[0]), len(fields), dtype=np.int64))


def _even_fields(text: str, delimiter: str) -> list[pa.LargeStringArray] | None:
    """Field j of every record when no record is quoted or empty and every one has as many fields as the
    first (then Arrow's CSV reader splits exactly as csv.reader does, in C++ and on every core); else None."""
    first_end = min((i for i in (text.find("\r"), text.find("\n")) if i >= 0), default=len(text))
    width = text.count(delimiter, 0, first_end) + 1
    raw = text.encode("utf-8")
    if width < 2 or text.startswith("\ufeff") or b'"' in raw:  # Arrow would drop the byte-order mark
        return None
    names = [f"f{j}" for j in range(width)]
    try:
        table = pacsv.read_csv(
            pa.BufferReader(raw),
            read_options=pacsv.ReadOptions(column_names=names),
            parse_options=pacsv.ParseOptions(
                delimiter=delimiter, quote_char=False, escape_char=False, ignore_empty_lines=False
            ),
            convert_options=pacsv.ConvertOptions(column_types=dict.fromkeys(names, pa.large_string())),
        )
    except pa.ArrowInvalid:  # a record of another width
        return None
    # an empty line is a record of no fields for csv.reader, of `width` empty ones for Arrow: fewer delimiters
    if raw.count(delimiter.encode("utf-8")) != (width - 1) * table.num_rows:
        return None
    return [c.combine_chunks() for c in table.columns]


def _split_tokens(text: str, delimiter: str) -> Split | None:
    """split() by the bytes of the delimiter and line breaks, with the quoted records parsed by csv.reader."""
    tok = _tokens(text, delimiter)
    if len(tok.offsets) > 1 and np.diff(tok.offsets).max() > csv.field_size_limit():
        return None  # csv.reader refuses such a field (in bytes here, at least as many as characters): E_CSV
    parsed = _parse_quoted(tok, delimiter)
    if parsed is None:
        return None
    widths = tok.widths.copy()
    widths[tok.quoted] = [len(r) for r in parsed]
    ingest.check_size(len(widths), int(widths.max(initial=0)))
    fields = pa.LargeStringArray.from_buffers(
        len(tok.offsets) - 1, pa.py_buffer(tok.offsets.astype(np.int64)), pa.py_buffer(tok.data)
    )
    flat = _stripped(fields)
    columns = [_column(flat, tok, j, parsed) for j in range(int(widths.max(initial=0)))]
    return Split(columns, widths)


@dataclass
class _Tokens:
    """The fields of a text found by the bytes of its delimiter and line breaks (ASCII: never inside a
    multi-byte UTF-8 character), before csv quoting is looked at."""

    data: np.ndarray  # the UTF-8 bytes of every field, back to back (separators removed)
    offsets: np.ndarray  # field k is data[offsets[k]:offsets[k + 1]]
    first: np.ndarray  # per record, its first field
    widths: np.ndarray  # per record, its fields (0 for an empty line, as csv.reader gives [])
    raw: bytes  # the text as UTF-8
    starts: np.ndarray  # per record, its first byte in raw
    ends: np.ndarray  # per record, the byte after its last one
    quoted: np.ndarray  # the records holding a quote character


def _tokens(text: str, delimiter: str) -> _Tokens:
    r"""Split the text on its line breaks (\r\n, \r or \n, as io.StringIO(newline="") does) and delimiters."""
    if text.endswith("\r\n"):  # no empty record after a final line break
        text = text[:-2]
    elif text.endswith(("\r", "\n")):
        text = text[:-1]
    raw = text.encode("utf-8")
    b = np.frombuffer(raw, dtype=np.uint8)
    newline = b == 10
    cr = b == 13
    row_end = newline | cr
    crlf_newline = np.zeros(len(b), dtype=bool)
    if cr.any():
        crlf_newline[1:] = newline[1:] & cr[:-1]  # the \n of \r\n: not a field's, and it ends nothing more
        row_end &= ~crlf_newline
    bounds = np.flatnonzero(row_end | (b == ord(delimiter)))  # each ends a field
    separator = crlf_newline.copy()
    separator[bounds] = True
    # field k starts after bounds[k - 1]; before it, k bounds and the \n of every \r\n bound but the last
    crlf = np.zeros(len(bounds) + 1, dtype=np.int64)
    if cr.any():
        crlf[1:] = np.cumsum(crlf_newline[np.minimum(bounds + 1, len(b) - 1)] & (bounds + 1 < len(b)))
    starts = np.concatenate([[0], bounds + 1, [len(b)]])
    ahead = np.concatenate([[0], crlf[:-1], [crlf[-1]]])
    offsets = starts - np.concatenate([np.arange(len(bounds) + 1), [len(bounds)]]) - ahead
    ends_row = row_end[bounds]
    first = np.concatenate([[0], np.flatnonzero(ends_row) + 1])
    widths = np.diff(np.concatenate([first, [len(bounds) + 1]]))
    widths[(widths == 1) & (offsets[first + 1] == offsets[first])] = 0  # an empty line: csv.reader gives []
    row_bounds = bounds[ends_row]
    row_starts = np.concatenate([[0], row_bounds + 1])
    row_starts += crlf_newline[np.minimum(row_starts, max(len(b) - 1, 0))] if len(b) else 0
    quoted = np.unique(np.searchsorted(row_bounds, np.flatnonzero(b == 34)))
    return _Tokens(
        b[~separator], offsets, first, widths, raw, row_starts, np.concatenate([row_bounds, [len(b)]]), quoted
    )


def _stripped(fields: pa.LargeStringArray) -> pa.Array:
    """Every field (none null) as str.strip() leaves it, null when blank."""
    fields = pa.concat_arrays([fields]) if fields.offset else fields  # the buffers below start at the first
    offsets = np.frombuffer(fields.buffers()[1], dtype=np.int64)[: len(fields) + 1]
    data = np.frombuffer(fields.buffers()[2] or b"", dtype=np.uint8)
    filled = np.diff(offsets) > 0
    if not filled.any():
        return pa.nulls(len(fields), pa.large_string())
    heads = data[np.minimum(offsets[:-1], len(data) - 1)]
    tails = data[np.maximum(offsets[1:] - 1, 0)]
    # a field starting or ending with a space, a control character or a non-ASCII byte may have some to strip
    if not (filled & (_maybe_space(heads) | _maybe_space(tails))).any():
        return pa.LargeStringArray.from_buffers(
            len(fields), fields.buffers()[1], fields.buffers()[2], pa.array(filled).buffers()[1]
        )
    flat = pc.utf8_trim(fields, WHITESPACE)
    return pc.if_else(pc.equal(flat, ""), _NULL, flat)


def _maybe_space(byte: np.ndarray) -> np.ndarray:
    return (byte <= 32) | (byte >= 128)


def _parse_quoted(tok: _Tokens, delimiter: str) -> list[list[str]] | None:
    """The records holding a quote, parsed by csv.reader; None when a quoted field runs past its line."""
    if not len(tok.quoted):
        return []
    texts = [tok.raw[tok.starts[r] : tok.ends[r]].decode("utf-8") for r in tok.quoted]
    try:
        # a record running past its line would swallow the next one: one row fewer, the final "\n" included
        parsed = list(csv.reader([*(t + "\n" for t in texts), "\n"], delimiter=delimiter))
    except csv.Error:
        return None
    return parsed[:-1] if len(parsed) == len(texts) + 1 else None


def _column(flat: pa.Array, tok: _Tokens, j: int, parsed: list[list[str]]) -> pa.Array:
    """Field j of every record, stripped, null when blank or absent."""
    has = tok.widths > j
    col = flat.take(pa.array(np.where(has, tok.first + j, 0), mask=~has))
    if len(tok.quoted):
        mask = np.zeros(len(tok.widths), dtype=bool)
        mask[tok.quoted] = True
        values = [(r[j].strip() or None) if j < len(r) else None for r in parsed]
        col = pc.replace_with_mask(col, pa.array(mask), pa.array(values, col.type))
    return col


@dataclass
class Coded:
    """A column as codes into its distinct texts (-1: blank)."""

    codes: np.ndarray
    uniques: list[str]

    @classmethod
    def of(cls, col: pa.Array) -> Coded:
        enc = pc.dictionary_encode(col)
        return cls(enc.indices.fill_null(-1).to_numpy().astype(np.int64), enc.dictionary.to_pylist())

    def per_row(self, values: np.ndarray, blank: object) -> np.ndarray:
        """Per row, the value computed for its distinct text (values[k] for uniques[k]); blank for blank."""
        table = np.empty(len(self.uniques) + 1, dtype=values.dtype)
        table[:-1] = values
        table[-1] = blank
        return table[self.codes]


# --- the table in the text: header, skipped rows ----------------------------------------------------


@dataclass
class Frame:
    """The long table of a split file: its header, skipped rows and the data rows' key columns."""

    split: Split
    table: Table  # the header and skipped rows; no cells
    by_role: dict[str, Column]
    first: int  # 0-based record of the first row below the header
    lines: np.ndarray  # 0-based records of the data rows
    coded: dict[str, Coded]  # role → the data rows' codes

    def rows_of(self, positions: Iterable[int]) -> list[list[object]]:
        """The records of the data rows at these positions."""
        return self.split.rows(self.lines[np.asarray(list(positions), dtype=np.int64)])

    def cells(self, positions: Iterable[int]) -> list[Cell]:
        """The cells of the data rows at these positions, built as ingest.extract builds them."""
        positions = list(positions)
        return [
            ingest.long_cell(row, int(self.lines[p]) + 1, self.by_role, self.table.lookup)
            for p, row in zip(positions, self.rows_of(positions), strict=True)
        ]


def frame(sp: Split, lookup: dict[str, str]) -> Frame | None:
    """The header, skipped rows and data rows; None when the table is not in the long layout."""
    head = sp.rows(range(min(sp.n, ingest.HEADER_SEARCH_ROWS + 1)))
    top = Grid(rows=head, kind="csv")
    found = ingest.find_columns(top, lookup)
    if found is None:
        raise ingest.no_header(top, lookup)
    header_index, columns = found
    by_role = ingest.key_columns(columns)
    if ingest.layout_of(by_role) != "long":
        return None
    first = header_index + 1
    coded = [Coded.of(c.slice(first)) for c in sp.columns]
    skipped = _skipped(sp, coded, first, by_role.get("unit_code"))
    keep = np.ones(max(sp.n - first, 0), dtype=bool)
    keep[[row - 1 - first for row in skipped]] = False
    lines = np.flatnonzero(keep) + first
    ignored = [
        (i + 1, str(h))
        for i, h in enumerate(head[header_index])
        if h is not None and i not in {c.index for c in columns} and (coded[i].codes >= 0).any()
    ]
    table = Table("long", first, columns, [], skipped, ingest.title_period(head[:header_index]), lookup, ignored)
    by_col = {role: Coded(coded[c.index].codes[keep], coded[c.index].uniques) for role, c in by_role.items()}
    return Frame(sp, table, by_role, first, lines, by_col)


# A text whose folded form starts with another letter than t, c (total words) or i, v, x, l, c (Roman numerals)
# is neither: an ASCII digit, letter or sign other than those (cells are stripped, so never a space) folds to itself.
_PLAIN_START = r"^[0-9abd-hjkm-suwyzABD-HJKM-SUWYZ!-/:-@\[-^`{-~]"


def _folded_first_letters(uniques: list[str]) -> list[str | None]:
    """fold() of each text that could be a total or section label; None for those that cannot."""
    if not uniques:
        return []
    plain = pc.match_substring_regex(pa.array(uniques, pa.large_string()), _PLAIN_START).to_numpy(zero_copy_only=False)
    return [None if p else fold(u) for u, p in zip(uniques, plain, strict=True)]


def _skipped(sp: Split, coded: list[Coded], first: int, unit_col: Column | None) -> dict[int, str]:
    """Row → why it holds no figures (empty, total, section), as ingest.skip_reason says."""
    n = max(sp.n - first, 0)
    filled_any, total_any = np.zeros(n, dtype=bool), np.zeros(n, dtype=bool)
    first_roman = np.zeros(n, dtype=bool)
    for c in coded:
        filled = c.codes >= 0
        folded = _folded_first_letters(c.uniques)
        total = [
            w is not None and (w in ingest.TOTAL_WORDS or w.startswith(("tong cong", "toan tinh"))) for w in folded
        ]
        total_any |= c.per_row(np.array(total, dtype=bool), False)
        roman = [w is not None and bool(ingest.ROMAN_SECTION.match(w)) for w in folded]
        first_roman |= filled & ~filled_any & c.per_row(np.array(roman, dtype=bool), False)
        filled_any |= filled
    maybe = np.flatnonzero(~filled_any | total_any | first_roman)  # only these can be skipped: look closely
    skipped = {}
    for i, row in zip(maybe, sp.rows(maybe + first), strict=True):
        unit_raw = row[unit_col.index] if unit_col is not None and unit_col.index < len(row) else None
        reason = ingest.skip_reason(row, unit_raw)
        if reason:
            skipped[int(i) + first + 1] = reason
    return skipped


# --- the checks, per distinct text and per row ------------------------------------------------------


@dataclass
class Keys:
    """Per data row, what the checks found; only the rows with `issue` set need validate's per-cell checks."""

    row: np.ndarray  # 1-based row of the file
    uid: np.ndarray  # index into unit_codes (-1: no unit code)
    pidx: np.ndarray  # index into plist
    ind: np.ndarray  # index into ind_codes (-1: missing, unknown or derived)
    value: np.ndarray  # the value the row would store (NaN when it is not one)
    blank: np.ndarray  # the value cell is blank: the row reports nothing and is not checked
    issue: np.ndarray  # the row raises an issue (error or warning)
    unit_codes: list[str]
    plist: list[periods.Period | None]  # the periods of the distinct texts, then the default period
    ind_codes: list[str]  # the catalogue's codes, in catalogue order

    def key(self, positions: np.ndarray, ind: np.ndarray | None = None) -> np.ndarray:
        """One integer per (unit, stored quarter, indicator) of the rows at these positions."""
        ends = sorted({p.end for p in self.plist if p is not None})
        end_id = np.array([ends.index(p.end) if p is not None else 0 for p in self.plist], dtype=np.int64)
        ind = self.ind[positions] if ind is None else ind
        return (self.uid[positions] * len(ends) + end_id[self.pidx[positions]]) * len(self.ind_codes) + ind


def keys(fr: Frame, ck: validate._Checker) -> Keys:
    """Every check of validate.check_cell, per distinct text and then as array operations per row."""
    n = len(fr.lines)
    plist, pidx = _periods(fr.coded.get("period"), n, ck.default_period)
    unit_codes, uid = _unit_ids(fr.coded.get("unit_code"), n)
    ind_codes = list(ck.ctx.indicators)
    ind = _indicators(fr.coded["indicator_code"], fr.table.lookup, ck.ctx.indicators)
    value, value_bad = _values(fr.coded["value"], ind, ck.ctx.indicators)
    k = Keys(
        fr.lines + 1,
        uid,
        pidx,
        ind,
        value,
        fr.coded["value"].codes < 0,
        np.zeros(n, dtype=bool),
        unit_codes,
        plist,
        ind_codes,
    )
    period_ok = np.array([p is not None for p in plist])[pidx]
    future = np.array([p is not None and p.start > ck.ctx.today for p in plist])[pidx]
    unit_bad = _unit_issues(fr, ck.ctx, k, period_ok)
    k.issue = ~k.blank & (~period_ok | unit_bad | (ind < 0) | future | value_bad)
    return k


def _periods(c: Coded | None, n: int, default: periods.Period | None) -> tuple[list, np.ndarray]:
    """The period of each distinct text (None when it cannot be read), then the default; per row, its index."""
    if c is None:
        return [default], np.zeros(n, dtype=np.int64)
    plist = [_period(u) for u in c.uniques] + [default]
    return plist, np.where(c.codes >= 0, c.codes, len(c.uniques))


def _period(text: str) -> periods.Period | None:
    try:
        return periods.parse(text)
    except periods.PeriodError:
        return None


def _unit_ids(c: Coded | None, n: int) -> tuple[list[str], np.ndarray]:
    """The unit codes of the file (upper case, as ingest reads them); per row, its index (-1: none)."""
    if c is None:
        return [], np.full(n, -1, dtype=np.int64)
    upper = [str(u).strip().upper() for u in c.uniques]
    codes = list(dict.fromkeys(upper))
    index = {code: i for i, code in enumerate(codes)}
    return codes, c.per_row(np.array([index[u] for u in upper], dtype=np.int64), -1)


def _unit_issues(fr: Frame, ctx: validate.Context, k: Keys, period_ok: np.ndarray) -> np.ndarray:
    """Per row: no unit, an unknown unit, a name that does not match, or a unit not in force in the period."""
    units = [ctx.units.get(code) for code in k.unit_codes]
    known = np.array([u is not None for u in units] + [False])[k.uid]
    start = np.array([u["valid_from"] if u else date.min for u in units] + [date.min], dtype="datetime64[D]")
    stop = np.array(
        [u["valid_to"] if u and u["valid_to"] else date.max for u in units] + [date.max], dtype="datetime64[D]"
    )
    ends = np.array([p.end if p is not None else date.min for p in k.plist], dtype="datetime64[D]")[k.pidx]
    in_force = (start[k.uid] <= ends) & (stop[k.uid] >= ends)
    return ~known | (known & period_ok & ~in_force) | _name_mismatch(fr.coded.get("unit_name"), units, k, known)


def _name_mismatch(c: Coded | None, units: list[dict | None], k: Keys, known: np.ndarray) -> np.ndarray:
    """Per row: a unit name that does not match the registered name of the unit's code (a warning)."""
    out = np.zeros(len(k.uid), dtype=bool)
    at = np.flatnonzero(known & (c.codes >= 0)) if c is not None else []
    if not len(at):
        return out
    pairs, inverse = np.unique(np.stack([k.uid[at], c.codes[at]]), axis=1, return_inverse=True)
    bad = np.array([not validate.names_match(c.uniques[n], units[u]["name"]) for u, n in pairs.T], dtype=bool)
    out[at] = bad[inverse.ravel()]
    return out


def _indicators(c: Coded, lookup: dict[str, str], inds: dict[str, dict]) -> np.ndarray:
    """Per row, the index of its indicator in the catalogue; -1 when missing, unknown or derived (a rate)."""
    index = {code: i for i, code in enumerate(inds)}
    found = []
    for u in c.uniques:
        code = lookup.get(fold(u), str(u).strip())
        found.append(index[code] if code in inds and inds[code]["type"] != "rate" else -1)
    return c.per_row(np.array(found, dtype=np.int64), -1)


def _values(c: Coded, ind: np.ndarray, inds: dict[str, dict]) -> tuple[np.ndarray, np.ndarray]:
    """Per row, the value (a yes/no as 1/0) and whether validate would refuse it (or its indicator)."""
    numbers = [ingest.parse_number(u) for u in c.uniques]
    number = c.per_row(np.array([x.value if x else np.nan for x in numbers], dtype=float), np.nan)
    percent = c.per_row(np.array([bool(x and x.percent) for x in numbers], dtype=bool), False)
    flag = c.per_row(np.array([_nan_if_none(ingest.parse_flag(u)) for u in c.uniques], dtype=float), np.nan)
    rows = list(inds.values())
    at = np.where(ind >= 0, ind, 0)
    is_flag = np.array([r["type"] == "flag" for r in rows], dtype=bool)[at]
    whole = np.array([int(r["decimals"]) == 0 for r in rows], dtype=bool)[at]
    low = np.array([_nan_if_none(r["min_value"]) for r in rows], dtype=float)[at]
    high = np.array([_nan_if_none(r["max_value"]) for r in rows], dtype=float)[at]
    value = np.where(is_flag, flag, number)
    with np.errstate(invalid="ignore"):
        wrong = percent | (value < 0) | (whole & (value != np.trunc(value))) | (value < low) | (value > high)
    return value, np.isnan(value) | (~is_flag & wrong)


def _nan_if_none(x: float | None) -> float:
    return np.nan if x is None else float(x)


# --- issues in the order of the per-cell path -------------------------------------------------------


@dataclass
class Accepted:
    """The data rows that passed every check of their cell and are not duplicates, in file order."""

    positions: np.ndarray  # positions among the data rows
    values: np.ndarray


class _Issues:
    """Issues gathered out of order, each with (row, step), put into the report in the per-cell order."""

    def __init__(self, ck: validate._Checker) -> None:
        self.ck = ck
        self.tagged: list[tuple[int, int, int, validate.Issue]] = []

    def capture(self, row: int, step: int, check: Callable[..., object], *args: object) -> object:
        """Run a validate check or builder (they append to the report); keep what it appended, tagged."""
        n = len(self.ck.report.issues)
        result = check(self.ck, *args)
        for issue in self.ck.report.issues[n:]:
            self.tagged.append((row, step, len(self.tagged), issue))
        del self.ck.report.issues[n:]
        return result

    def flush(self) -> None:
        self.ck.report.issues.extend(i for *_, i in sorted(self.tagged, key=lambda t: t[:3]))
        self.tagged = []


def cell_stage(fr: Frame, ck: validate._Checker, k: Keys) -> Accepted:
    """Issues of the rows with one (validate's own per-cell checks) and of duplicates; what is accepted."""
    out = _Issues(ck)
    accepted = ~k.blank & ~k.issue
    values = k.value.copy()
    for chunk in np.array_split(np.flatnonzero(k.issue), max(1, int(k.issue.sum()) // 20_000)):
        for p, cell in zip(chunk, fr.cells(chunk), strict=True):
            found = out.capture(cell.row, 0, validate.check_cell, cell)
            if found is not None:
                accepted[p], values[p] = True, found[2]
    positions = np.flatnonzero(accepted)
    dup, first_row = _duplicates(k, positions)
    for p, cell, first in zip(positions[dup], fr.cells(positions[dup]), first_row[dup], strict=True):
        out.capture(cell.row, 1, validate.add_duplicate, cell, k.plist[k.pidx[p]], int(first))
    out.flush()
    kept = positions[~dup]
    return Accepted(kept, values[kept])


def _duplicates(k: Keys, positions: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per accepted row: whether an earlier accepted row has its key, and the row that came first."""
    key = k.key(positions)
    order = np.argsort(key, kind="stable")  # positions are in file order: the first of a key comes first
    sorted_key = key[order]
    new = np.ones(len(order), dtype=bool)
    new[1:] = sorted_key[1:] != sorted_key[:-1]
    group_start = np.maximum.accumulate(np.where(new, np.arange(len(order)), 0))
    dup = np.zeros(len(order), dtype=bool)
    dup[order[~new]] = True
    first_row = np.empty(len(order), dtype=np.int64)
    first_row[order] = k.row[positions[order[group_start]]]
    return dup, first_row


def pair_stage(fr: Frame, ck: validate._Checker, k: Keys, acc: Accepted) -> None:
    """A numerator above its denominator, as validate._check_duplicates_and_pairs reports it."""
    if not len(acc.positions):
        return
    key = k.key(acc.positions)
    order = np.argsort(key)
    sorted_key = key[order]
    index = {code: i for i, code in enumerate(k.ind_codes)}
    found = []  # (row, step, numerator's index in acc, denominator's index in acc, den, severity)
    for num, dens in validate.numerator_pairs(ck.ctx).items():
        at = np.flatnonzero(k.ind[acc.positions] == index.get(num, -2))
        for step, (den, severity) in enumerate(dens):
            want = k.key(acc.positions[at], np.full(len(at), index.get(den, -2)))
            j = np.minimum(np.searchsorted(sorted_key, want), len(sorted_key) - 1)
            hit = (sorted_key[j] == want) & (den in index)
            over = acc.values[at[hit]] > acc.values[order[j[hit]]]
            found += [
                (int(k.row[acc.positions[x]]), step, int(x), int(y), den, severity)
                for x, y in zip(at[hit][over], order[j[hit]][over], strict=True)
            ]
    found.sort(key=lambda f: f[:2])
    cells = _cells_at(fr, acc.positions, {f[2] for f in found} | {f[3] for f in found})
    for _, _, x, y, den, severity in found:
        validate.add_pair(ck, cells[x], float(acc.values[x]), den, severity, cells[y], float(acc.values[y]))


def _cells_at(fr: Frame, positions: np.ndarray, indices: set[int]) -> dict[int, Cell]:
    """The cells of some accepted rows, by their index in `positions`."""
    chosen = sorted(indices)
    return dict(zip(chosen, fr.cells(positions[chosen]), strict=True))


def quarter_stage(
    con: duckdb.DuckDBPyConnection, fr: Frame, ck: validate._Checker, k: Keys, acc: Accepted
) -> tuple[pd.DataFrame, np.ndarray]:
    """Rows to store, one per quarter (cumulative flows become increments); which accepted rows they are."""
    flow = np.array([r["type"] == "flow" for r in ck.ctx.indicators.values()])
    quarter = np.array([p is None or p.is_quarter for p in k.plist])
    values = acc.values.astype(float)
    ok = np.ones(len(values), dtype=bool)
    cumulative = np.flatnonzero(~quarter[k.pidx[acc.positions]] & flow[k.ind[acc.positions]])
    if len(cumulative):
        _increments(con, fr, ck, k, acc, cumulative, values, ok)
    kept = np.flatnonzero(ok)
    return _rows(k, acc.positions[kept], values[kept]), kept


def _increments(
    con: duckdb.DuckDBPyConnection,
    fr: Frame,
    ck: validate._Checker,
    k: Keys,
    acc: Accepted,
    cumulative: np.ndarray,
    values: np.ndarray,
    ok: np.ndarray,
) -> None:
    """Turn cumulative values into increments over the stored quarters, in place; issues where it cannot."""
    pidx = k.pidx[acc.positions]
    units = np.array(k.unit_codes, dtype=object)[k.uid[acc.positions]]
    codes = np.array(k.ind_codes, dtype=object)[k.ind[acc.positions]]
    cum_periods = sorted(set(pidx[cumulative].tolist()))
    stored = validate.stored_values(con, sorted(set(units[cumulative])), [k.plist[p].year for p in cum_periods])
    stored["period"] = pd.to_datetime(stored["period"])
    out = _Issues(ck)
    for p in cum_periods:
        at, period = cumulative[pidx[cumulative] == p], k.plist[p]
        earlier = period.quarters()[:-1]
        found = np.stack([_stored_at(stored, q.start, units[at], codes[at]) for q in earlier], axis=1)
        total = np.zeros(len(at))
        for q in range(len(earlier)):  # in quarter order from 0, as Python's sum() adds them
            total = total + found[:, q]
        gap = np.isnan(found).any(axis=1)
        increment = values[at] - total
        negative = ~gap & (increment < 0)
        cells = _cells_at(fr, acc.positions, set(at[gap | negative].tolist()))
        for i in np.flatnonzero(gap):
            missing = [q.label for j, q in enumerate(earlier) if np.isnan(found[i, j])]
            out.capture(cells[at[i]].row, 0, validate.add_gap, cells[at[i]], period, missing)
        for i in np.flatnonzero(negative):
            out.capture(
                cells[at[i]].row,
                0,
                validate.add_negative_increment,
                cells[at[i]],
                period,
                float(values[at[i]]),
                float(increment[i]),
            )
        values[at[~gap & ~negative]] = increment[~gap & ~negative]
        ok[at[gap | negative]] = False
    out.flush()


def _stored_at(stored: pd.DataFrame, day: date, units: np.ndarray, codes: np.ndarray) -> np.ndarray:
    """The stored value of each (unit, indicator) in the quarter starting on day; NaN when none."""
    sel = stored[stored["period"] == pd.Timestamp(day)]
    found = pd.Series(
        sel["value"].to_numpy(dtype=float),
        index=pd.MultiIndex.from_arrays([sel["unit_code"].to_numpy(object), sel["indicator_code"].to_numpy(object)]),
    )
    return found.reindex(pd.MultiIndex.from_arrays([units, codes])).to_numpy(dtype=float)


def _rows(k: Keys, positions: np.ndarray, values: np.ndarray) -> pd.DataFrame:
    """The rows to store, as validate builds them: unit_code, period (the quarter's first day), code, value."""
    if not len(positions):
        return pd.DataFrame([], columns=["unit_code", "period", "indicator_code", "value"])
    ends = np.array([p.end if p is not None else None for p in k.plist], dtype=object)
    # strings as the frame constructor would type them ("str"), taken from the distinct codes, not boxed one by one
    return pd.DataFrame(
        {
            "unit_code": pd.array(k.unit_codes, dtype="str").take(k.uid[positions]),
            "period": ends[k.pidx[positions]],
            "indicator_code": pd.array(k.ind_codes, dtype="str").take(k.ind[positions]),
            "value": values.astype(float),
        }
    )


def outlier_stage(
    con: duckdb.DuckDBPyConnection, fr: Frame, ck: validate._Checker, k: Keys, positions: np.ndarray, rows: pd.DataFrame
) -> None:
    """Values far from the unit's own history, in row order, each at the last row of its unit and indicator."""
    flagged = validate.outliers(con, rows)
    if flagged.empty:
        return
    n_ind = len(k.ind_codes)
    unit_index = {c: i for i, c in enumerate(k.unit_codes)}
    ind_index = {c: i for i, c in enumerate(k.ind_codes)}
    uid = np.array([unit_index[u] for u in flagged["unit_code"]], dtype=np.int64)
    ind = np.array([ind_index[c] for c in flagged["indicator_code"]], dtype=np.int64)
    ends = [p.end if p is not None else None for p in k.plist]
    key = k.key(positions)  # the rows to store, in order; a flagged row is one of them
    order = np.argsort(key)
    at = order[np.searchsorted(key[order], _keys_of(k, uid, [ends.index(d) for d in flagged["period"]], ind))]
    pair = k.uid[positions] * n_ind + k.ind[positions]
    wanted = uid * n_ind + ind
    last = {int(pair[i]): int(i) for i in np.flatnonzero(np.isin(pair, wanted))}  # in file order: the last wins
    cells = _cells_at(fr, positions, set(last.values()))
    for i in np.argsort(at, kind="stable"):
        validate.add_outlier(ck, cells[last[int(wanted[i])]], flagged["value"].iat[i], flagged["median"].iat[i])


def _keys_of(k: Keys, uid: np.ndarray, pidx: list[int], ind: np.ndarray) -> np.ndarray:
    """Keys.key for rows given by their unit, period (an index into plist) and indicator."""
    probe = Keys(
        np.zeros(len(uid), dtype=np.int64),
        uid,
        np.asarray(pidx, dtype=np.int64),
        ind,
        k.value,
        k.blank,
        k.issue,
        k.unit_codes,
        k.plist,
        k.ind_codes,
    )
    return probe.key(np.arange(len(uid)))


# --- the whole check ----------------------------------------------------------------------------------


def _quiet(_: float, __: str) -> None:
    return None


def check(
    con: duckdb.DuckDBPyConnection,
    data: bytes,
    *,
    period: periods.Period | None = None,
    today: date | None = None,
    progress: Progress = _quiet,
) -> tuple[Grid, validate.Report] | None:
    """Read and check a long-layout text file as ingest and validate would; None when this path cannot."""
    text, encoding, delimiter = ingest.text_table(data)
    sp = split(text, delimiter)
    del text
    if sp is None:
        return None
    progress(0.4, "Đang nhận dạng bảng số liệu…")
    names = sql.run(con, "indicators_for_validation")
    fr = frame(sp, ingest.indicator_lookup(list(zip(names["code"], names["name_vi"], strict=True))))
    if fr is None:
        return None
    progress(0.6, "Đang kiểm tra số liệu…")
    grid = Grid(rows=[], kind="csv", encoding=encoding, delimiter=delimiter)
    ctx = validate.Context.load(con, today or date.today())
    ck = validate.start(ctx, grid, fr.table, period, data_rows=len(fr.lines))
    k = keys(fr, ck)
    acc = cell_stage(fr, ck, k)
    validate.check_ignored_columns(ck, fr.table)
    pair_stage(fr, ck, k, acc)
    rows, kept = quarter_stage(con, fr, ck, k, acc)
    if not ck.report.errors:
        outlier_stage(con, fr, ck, k, acc.positions[kept], rows)
    ck.report.rows = rows
    if not len(fr.lines) and not ck.report.errors:
        validate.add_no_rows(ck)
    return grid, ck.report
