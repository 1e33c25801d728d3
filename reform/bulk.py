"""A large long-layout text file straight to Columns, without a Python object per field.

A national file of millions of values read into a Grid would hold a Python object per field. Here
Arrow's CSV reader splits a text whose records are all as wide as the first, with no quote and no empty
line (what a script exports); any other text numpy splits by the bytes of its delimiters and line
breaks, with csv.reader for the quoted records. Arrow holds the fields, coded per column into their
distinct texts (reform/checks.py checks them). The records, header and skipped rows are those
ingest.read_text and ingest.frame find; a text this cannot split exactly as csv.reader does (a wide
layout, a quoted field running over a line break, a field longer than the csv module accepts) gives
None, and the caller reads it into a Grid.
"""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterable
from dataclasses import dataclass

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from reform import ingest
from reform.checks import Coded, Columns
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


# --- the table in the text: header, skipped rows ----------------------------------------------------


def frame(sp: Split, lookup: dict[str, str]) -> Columns | None:
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

    def build(positions: np.ndarray) -> list[Cell]:
        rows = sp.rows(lines[positions])
        return [ingest.long_cell(r, int(lines[p]) + 1, by_role, lookup) for p, r in zip(positions, rows, strict=True)]

    return Columns(table, lines + 1, by_col, build, len(lines))


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


def read(data: bytes, lookup: dict[str, str]) -> tuple[Grid, Columns] | None:
    """A long-layout text file as Columns (and a Grid of no rows saying how it was decoded); None when it cannot."""
    text, encoding, delimiter = ingest.text_table(data)
    sp = split(text, delimiter)
    del text
    if sp is None:
        return None
    fr = frame(sp, lookup)
    return None if fr is None else (Grid(rows=[], kind="csv", encoding=encoding, delimiter=delimiter), fr)
