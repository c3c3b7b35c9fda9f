"""Ingest: read the raw extract (CSV or Excel), rename via the analyst's mapping, parse and
validate every row, quarantine what cannot be used (with the file, row, column and reason),
pseudonymise identifiers, and reconcile the row counts.

Row numbers are spreadsheet numbering: the header is row 1, the first data row is row 2 (for an
Excel sheet with title rows above the header, rows are counted from the top of the sheet).

Every raw data row ends in exactly one place::

    raw rows = clean rows + quarantined rows + exact duplicates dropped

and :func:`clean_table` raises :class:`~hwb_kpis.errors.ReconciliationError` if that ever fails.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
import yaml

from hwb_kpis import config
from hwb_kpis.errors import InputFileError, ReconciliationError
from hwb_kpis.privacy.pseudonym import (
    PseudonymKey,
    keyed_digests,
    pseudonymise,
    pseudonyms_from_digests,
)

# ------------------------------------------------------------------------------------------------
# Table specifications (the data contract)


@dataclass(frozen=True)
class TableSpec:
    """One raw table of the data contract."""

    name: str
    columns: tuple[str, ...]
    required: tuple[str, ...]
    dates: tuple[str, ...]
    #: columns that identify one record; two rows with the same key but different content conflict
    key: tuple[str, ...]
    #: values never copied into the quarantine (identifiers, dob, free text that may hold names)
    masked: tuple[str, ...]
    #: an empty table (header only) is allowed
    may_be_empty: bool = False


CONTACTS = TableSpec(
    name="contacts",
    columns=config.CONTACT_COLUMNS,
    required=config.CONTACT_REQUIRED,
    dates=config.CONTACT_DATES + ("child_dob",),
    key=("contact_id",),
    masked=("contact_id", "child_id", "child_dob", "source_detail", "referrer_role", "referrer_org"),
)
LOOKED_AFTER = TableSpec(
    name="looked_after",
    columns=config.LOOKED_AFTER_COLUMNS,
    required=config.LOOKED_AFTER_REQUIRED,
    dates=config.LOOKED_AFTER_DATES,
    key=("child_id", "period_start"),
    masked=("child_id",),
    may_be_empty=True,
)
SPECS: dict[str, TableSpec] = {s.name: s for s in (CONTACTS, LOOKED_AFTER)}

# Reasons written to the quarantine (the column is named beside each).
MISSING = "missing required value"
UNPARSEABLE = "unparseable date"
IMPOSSIBLE = "impossible date"
FUTURE = "date in the future"
UNKNOWN_OUTCOME = "unknown outcome"
UNKNOWN_YES_NO = "unrecognised yes/no value"
CONFLICT = "duplicate contact_id with different content"
CONFLICT_PERIOD = "duplicate period of care (child_id, period_start) with different content"
MALFORMED = "malformed row (wrong number of fields)"

EARLIEST_DATE = pd.Timestamp("1900-01-01")


# ------------------------------------------------------------------------------------------------
# Mapping file


def _norm_header(name: Any) -> str:
    """Header matching ignores case, surrounding spaces and a BOM; inner spaces are folded."""
    return re.sub(r"\s+", " ", str(name).replace("\ufeff", "").strip()).lower()


def _norm_value(value: str) -> str:
    return re.sub(r"[\s_\-]+", " ", str(value).strip().lower()).strip()


@dataclass
class Mapping:
    """An authority's mapping: file names, column renames and value recodes (see
    ``hwb_kpis/mappings/annex_a.yml``)."""

    files: dict[str, str] = field(default_factory=dict)
    columns: dict[str, dict[str, str]] = field(default_factory=dict)
    values: dict[str, dict[str, str]] = field(default_factory=dict)
    sheet: str | int = 0
    path: Path | None = None


def load_mapping(path: Path | str | None) -> Mapping:
    """Read a YAML mapping file; ``None`` gives the identity mapping."""
    if path is None:
        return Mapping()
    path = Path(path)
    if not path.is_file():
        raise InputFileError(f"{path}: mapping file not found")
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except yaml.YAMLError as exc:
        raise InputFileError(f"{path}: not valid YAML ({str(exc).splitlines()[0]})") from None
    if not isinstance(data, dict):
        raise InputFileError(f"{path}: a mapping file must be a YAML dictionary")
    unknown = set(data) - {"files", "columns", "values", "excel"}
    if unknown:
        raise InputFileError(f"{path}: unknown section(s) {sorted(unknown)}; expected files, columns, values, excel")
    columns: dict[str, dict[str, str]] = {}
    for table, renames in (data.get("columns") or {}).items():
        if table not in SPECS:
            raise InputFileError(f"{path}: columns for unknown table {table!r}; expected {sorted(SPECS)}")
        for target in (renames or {}).values():
            if target not in SPECS[table].columns and target not in config.OPTIONAL_COLUMNS:
                raise InputFileError(f"{path}: {table} column {target!r} is not in the data contract")
        columns[table] = {_norm_header(k): str(v) for k, v in (renames or {}).items()}
    values = {
        col: {_norm_value(k): str(v) for k, v in (m or {}).items()}
        for col, m in (data.get("values") or {}).items()
    }
    files = {str(k): str(v) for k, v in (data.get("files") or {}).items()}
    sheet = (data.get("excel") or {}).get("sheet", 0)
    return Mapping(files=files, columns=columns, values=values, sheet=sheet, path=path)


def _value_maps() -> dict[str, dict[str, str]]:
    """Built-in variants (``reference/value_maps.yml``) as {column: {normalised variant: canonical}}."""
    data = yaml.safe_load((config.REFERENCE_DIR / "value_maps.yml").read_text(encoding="utf-8"))
    return {
        col: {_norm_value(v): str(canonical) for canonical, variants in groups.items() for v in variants}
        for col, groups in data.items()
    }


# ------------------------------------------------------------------------------------------------
# Reading


@dataclass
class RawTable:
    """A raw table as read: every contract column as text (``""`` when blank), ``source_row``,
    and the rows the reader could not split into fields."""

    spec: TableSpec
    path: Path
    data: pd.DataFrame
    malformed: pd.DataFrame  # columns: row, reason
    notes: list[str] = field(default_factory=list)

    @property
    def raw_rows(self) -> int:
        return len(self.data) + len(self.malformed)


def find_file(raw_dir: Path, table: str, mapping: Mapping) -> Path:
    """The raw file for ``table``: the mapping's file name, else ``<table>.csv`` or ``<table>.xlsx``
    (file names matched without regard to case)."""
    raw_dir = Path(raw_dir)
    if not raw_dir.is_dir():
        raise InputFileError(f"{raw_dir}: raw data folder not found")
    wanted = [mapping.files[table]] if table in mapping.files else [f"{table}.csv", f"{table}.xlsx"]
    present = {p.name.lower(): p for p in raw_dir.iterdir() if p.is_file()}
    for name in wanted:
        if name.lower() in present:
            return present[name.lower()]
    raise InputFileError(f"{raw_dir / wanted[0]}: file not found (looked for {' or '.join(wanted)} in {raw_dir})")


def read_table(path: Path, spec: TableSpec, mapping: Mapping) -> RawTable:
    """Read one raw file into text columns named as the data contract, or raise a one-line
    ``InputFileError`` naming the file and what is wrong."""
    path = Path(path)
    if not path.is_file():
        raise InputFileError(f"{path}: file not found")
    if path.stat().st_size == 0:
        raise InputFileError(f"{path}: file is empty")
    suffix = path.suffix.lower()
    if suffix in (".xlsx", ".xlsm"):
        frame, malformed, notes = _read_excel(path, spec, mapping)
    elif suffix in (".csv", ".txt", ".tsv"):
        frame, malformed, notes = _read_csv(path, spec, mapping)
    else:
        raise InputFileError(f"{path}: not a table (expected .csv or .xlsx)")
    if frame.empty and malformed.empty and not spec.may_be_empty:
        raise InputFileError(f"{path}: no data rows below the header")
    for col in spec.required:
        if len(frame) and (frame[col] == "").all():
            raise InputFileError(f"{path}: required column {col!r} is blank in every row")
    return RawTable(spec=spec, path=path, data=frame, malformed=malformed, notes=notes)


def _rename(headers: list[str], path: Path, spec: TableSpec, mapping: Mapping) -> dict[str, str]:
    """Map file headers to contract names; raise when a required column is missing or doubled."""
    renames = mapping.columns.get(spec.name, {})
    allowed = set(spec.columns) | set(config.OPTIONAL_COLUMNS)
    result: dict[str, str] = {}
    for header in headers:
        key = _norm_header(header)
        target = renames.get(key, key.replace(" ", "_"))
        if target in allowed:
            if target in result.values():
                raise InputFileError(f"{path}: more than one column maps to {target!r}")
            result[header] = target
    missing = [c for c in spec.required if c not in result.values()]
    if missing:
        shown = ", ".join(str(h) for h in headers[:12]) or "(none)"
        hint = "" if mapping.path else "; if your system names them differently, pass a mapping with --mapping"
        raise InputFileError(
            f"{path}: missing required column(s) {', '.join(missing)} (found: {shown}){hint}"
        )
    return result


#: Python's ``\s`` (Unicode whitespace) except the plain space, for RE2: a value needs folding
#: only when it holds one of these or two spaces in a row
_FOLD_NEEDED = "  |[\t\n\v\f\r\x1c-\x1f\x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]"
_WHITESPACE_RUN = re.compile(r"\s+")


def _clean_text(values: pa.Array | pa.ChunkedArray) -> pa.Array:
    """Strip surrounding whitespace and fold inner runs of whitespace to one space (as
    ``str.strip()`` then Python's ``re.sub(r"\\s+", " ", ...)``): Arrow kernels, a scan of the raw
    bytes to skip what cannot apply, and Python only for the few values that need folding."""
    if isinstance(values, pa.ChunkedArray):
        values = values.combine_chunks()
    chars = _char_bytes(values)
    if chars.min(initial=0x20) >= 0x20 and chars.max(initial=0) < 0x80:
        # printable ASCII: the space is the only whitespace character there can be
        text = pc.ascii_trim_whitespace(values)
        if not _has_double_space(chars):
            return text
    else:
        text = pc.utf8_trim_whitespace(values)
    need = pc.fill_null(pc.match_substring_regex(text, _FOLD_NEEDED), False)
    if pc.any(need).as_py():
        folded = [None if v is None else _WHITESPACE_RUN.sub(" ", v) for v in pc.filter(text, need).to_pylist()]
        text = pc.replace_with_mask(text, need, pa.array(folded, type=pa.string()))
    return text


def _char_bytes(text: pa.Array) -> np.ndarray:
    """The character data of a string array as bytes (possibly with bytes of values outside a
    slice: fine for the conservative checks it is used for)."""
    buffer = text.buffers()[2]
    return np.frombuffer(buffer, dtype=np.uint8) if buffer is not None else np.zeros(0, dtype=np.uint8)


def _has_double_space(chars: np.ndarray) -> bool:
    """True when two spaces follow each other somewhere in ``chars``."""
    for start in (0, 1):
        pairs = chars[start : start + (len(chars) - start) // 2 * 2]
        if (pairs.view(np.uint16) == 0x2020).any():
            return True
    return False


def _finish(columns: dict[str, Any], renames: dict[str, str], spec: TableSpec, rows: np.ndarray) -> pd.DataFrame:
    """Keep contract columns as stripped text, add absent optional columns as blank, add source_row.

    ``columns`` maps each file header to its values (an Arrow array or a pandas Series)."""
    out = {}
    by_target = {v: k for k, v in renames.items()}
    for col in (*spec.columns, *config.OPTIONAL_COLUMNS):
        if col in by_target:
            values = columns.pop(by_target[col])
            if isinstance(values, pd.Series):
                values = pa.array(values.astype("string").fillna(""), type=pa.string())
            out[col] = pd.array(_clean_text(values), dtype="string")
        else:
            out[col] = pd.array(np.full(len(rows), "", dtype=object), dtype="string")
    out["source_row"] = rows.astype("int64")
    return pd.DataFrame(out, index=pd.RangeIndex(len(rows)))


def _sniff_delimiter(path: Path, encoding: str) -> str:
    with open(path, encoding=encoding, errors="replace", newline="") as fh:
        header = fh.readline()
    counts = {d: header.count(d) for d in (",", ";", "\t", "|")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] > 0 else ","


def _read_csv(path: Path, spec: TableSpec, mapping: Mapping):
    with open(path, "rb") as fh:
        head = fh.read(65536)
    if b"\x00" in head:
        raise InputFileError(f"{path}: not a text table (binary content; is it an Excel file renamed .csv?)")
    notes: list[str] = []
    encoding = "utf-8"
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as exc:
        if exc.start < len(head) - 4:  # a genuine non-UTF-8 byte, not a cut multi-byte char
            encoding = "cp1252"
            notes.append("file is not UTF-8; read as Windows-1252")
    delimiter = _sniff_delimiter(path, encoding)
    if delimiter != ",":
        notes.append(f"delimiter {delimiter!r} detected")
    bad: list[tuple[int, str]] = []

    def on_invalid(row) -> str:
        bad.append((int(row.number) if row.number is not None else -1,
                    f"{MALFORMED}: {row.actual_columns} fields, expected {row.expected_columns}"))
        return "skip"

    def read(enc: str) -> pa.Table:
        """Multi-threaded first; when a row is malformed, again on one thread, the only way
        Arrow reports the row's number."""
        table = read_with(enc, threads=True)
        return read_with(enc, threads=False) if bad else table

    def read_with(enc: str, *, threads: bool) -> pa.Table:
        bad.clear()
        header = _csv_header(path, enc, delimiter)
        header = [h if h.strip() else f"unnamed_{j}" for j, h in enumerate(header)]
        return pacsv.read_csv(
            path,
            read_options=pacsv.ReadOptions(
                use_threads=threads, encoding=enc, block_size=(16 if threads else 64) << 20,
                column_names=header, skip_rows=1,
            ),
            parse_options=pacsv.ParseOptions(
                delimiter=delimiter, newlines_in_values=True, invalid_row_handler=on_invalid
            ),
            convert_options=pacsv.ConvertOptions(
                column_types={h: pa.string() for h in header}, strings_can_be_null=False,
                quoted_strings_can_be_null=False, null_values=[],
            ),
        )

    try:
        try:
            table = read(encoding)
        except (pa.ArrowInvalid, UnicodeDecodeError) as exc:
            if encoding == "utf-8" and ("UTF8" in str(exc) or "utf-8" in str(exc).lower() or isinstance(exc, UnicodeDecodeError)):
                encoding = "cp1252"
                notes.append("file is not UTF-8; read as Windows-1252")
                table = read(encoding)
            else:
                raise
    except pa.ArrowInvalid as exc:
        message = str(exc).splitlines()[0]
        raise InputFileError(f"{path}: not a readable CSV table ({message})") from None
    headers = table.column_names
    renames = _rename(headers, path, spec, mapping)
    # only the columns kept, so that each is freed once cleaned (first of equal names)
    wanted = set(renames)
    columns = {h: table.column(i) for i, h in reversed(list(enumerate(headers))) if h in wanted}
    bad_rows = np.array(sorted(r for r, _ in bad if r >= 0), dtype="int64")
    total = table.num_rows + len(bad)
    all_rows = np.arange(2, total + 2, dtype="int64")
    rows = np.setdiff1d(all_rows, bad_rows, assume_unique=True)[: table.num_rows]
    malformed = pd.DataFrame({"row": [r for r, _ in bad], "reason": [m for _, m in bad]})
    del table
    frame = _finish(columns, renames, spec, rows)
    pa.default_memory_pool().release_unused()  # return the raw text's memory to the system
    return frame, malformed, notes


def _csv_header(path: Path, encoding: str, delimiter: str) -> list[str]:
    """The header row, read with Python's csv module (a UTF-8 byte-order mark is dropped)."""
    import csv

    enc = "utf-8-sig" if encoding == "utf-8" else encoding
    with open(path, encoding=enc, errors="strict", newline="") as fh:
        return next(csv.reader(fh, delimiter=delimiter), [])


def _excel_cell_text(value: Any) -> str:
    """Text of one Excel cell: dates as ISO, whole numbers without '.0'."""
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return ""
    if isinstance(value, (dt.datetime, pd.Timestamp)):
        return value.strftime("%Y-%m-%d") if (value.hour, value.minute, value.second) == (0, 0, 0) else value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _read_excel(path: Path, spec: TableSpec, mapping: Mapping):
    try:
        sheet = pd.read_excel(path, sheet_name=mapping.sheet, header=None, dtype=object, engine="openpyxl")
    except ValueError as exc:
        raise InputFileError(f"{path}: {str(exc).splitlines()[0]}") from None
    except Exception as exc:  # zip/openpyxl errors for files that are not workbooks
        raise InputFileError(f"{path}: not a readable Excel workbook ({type(exc).__name__})") from None
    if sheet.empty:
        raise InputFileError(f"{path}: file is empty (no cells on the sheet)")
    renames = mapping.columns.get(spec.name, {})
    allowed = set(spec.columns)
    header_index = None
    for i in range(min(len(sheet), 20)):
        names = [renames.get(_norm_header(v), _norm_header(v).replace(" ", "_")) for v in sheet.iloc[i] if v is not None and str(v).strip()]
        if all(req in names for req in spec.required) or sum(n in allowed for n in names) >= max(3, len(spec.required)):
            header_index = i
            break
    if header_index is None:
        header_index = 0
    headers = [("" if v is None or (isinstance(v, float) and np.isnan(v)) else str(v)) for v in sheet.iloc[header_index]]
    headers = [h if h.strip() else f"unnamed_{j}" for j, h in enumerate(headers)]
    body = sheet.iloc[header_index + 1 :].reset_index(drop=True)
    body.columns = headers
    body = body.map(_excel_cell_text)
    rows = np.arange(len(body), dtype="int64") + header_index + 2
    # drop rows that are entirely blank (trailing formatting); they carry no record
    nonblank = (body != "").any(axis=1).to_numpy()
    notes = [f"header found on sheet row {header_index + 1}"] if header_index else []
    if (~nonblank).any():
        notes.append(f"{int((~nonblank).sum())} entirely blank sheet rows ignored")
    body, rows = body.loc[nonblank].reset_index(drop=True), rows[nonblank]
    renamed = _rename(headers, path, spec, mapping)
    empty = pd.DataFrame({"row": pd.Series(dtype="int64"), "reason": pd.Series(dtype="string")})
    columns = {h: body.iloc[:, j] for j, h in reversed(list(enumerate(headers)))}
    return _finish(columns, renamed, spec, rows), empty, notes


# ------------------------------------------------------------------------------------------------
# Parsing


_FORMATS: tuple[tuple[str, str, str], ...] = (
    # (name, full-match regex, strptime format applied after normalising separators)
    ("iso", r"\d{4}-\d{1,2}-\d{1,2}(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?", "%Y-%m-%d"),
    ("uk", r"\d{1,2}[/.\-]\d{1,2}[/.\-]\d{4}(?: \d{1,2}:\d{2}(?::\d{2})?)?", "%d/%m/%Y"),
    ("uk2", r"\d{1,2}/\d{1,2}/\d{2}", "%d/%m/%y"),
    ("text", r"\d{1,2}[ \-][A-Za-z]{3,9}[ \-]\d{4}", "%d %b %Y"),
    ("excel", r"\d{5}(?:\.\d+)?", ""),
)
_YEAR_MONTH = r"\d{4}-\d{1,2}|\d{1,2}/\d{4}"


def _factorize(values: pd.Series) -> tuple[np.ndarray, pd.Series]:
    """``(codes, uniques)`` with ``uniques.take(codes)`` equal to ``values`` (NA is a value too):
    per-value work is then done once per distinct value."""
    codes, uniques = pd.factorize(values, use_na_sentinel=False)
    return codes, pd.Series(uniques)


def _expand(uniques: pd.Series, codes: np.ndarray, index: pd.Index) -> pd.Series:
    """The value of each code, as a Series on ``index``."""
    return pd.Series(uniques.array.take(codes), index=index)


def parse_dates(values: pd.Series, *, allow_year_month: bool = False) -> tuple[pd.Series, pd.Series]:
    """Parse a text column of dates written as ISO (``2015-11-03``), UK day-first (``03/11/2015``,
    ``3-11-2015``, ``03/11/15``), ``3 Nov 2015`` or an Excel serial number (``42311``).

    Returns ``(dates, problem)``: ``dates`` is datetime64 (NaT when blank or bad); ``problem`` is
    ``"unparseable date"`` (no known format), ``"impossible date"`` (a known format naming a day
    that does not exist, e.g. 31/02/2015) or NA. Blank is not a problem here. Each distinct text
    is parsed once.
    """
    codes, uniques = _factorize(values)
    dates, problem = _parse_distinct_dates(uniques, allow_year_month=allow_year_month)
    return _expand(dates, codes, values.index), _expand(problem, codes, values.index)


def _parse_distinct_dates(values: pd.Series, *, allow_year_month: bool) -> tuple[pd.Series, pd.Series]:
    text = values.astype("string").fillna("").str.strip()
    out = pd.Series(pd.NaT, index=text.index, dtype="datetime64[ns]")
    problem = pd.Series(pd.NA, index=text.index, dtype="string")
    todo = text != ""
    for name, pattern, fmt in _FORMATS:
        if not todo.any():
            break
        match = todo & text.str.fullmatch(pattern)
        if not match.any():
            continue
        subset = text[match]
        if name == "iso":
            subset = subset.str.slice(0, 10).str.replace(r"[ T].*$", "", regex=True)
            parsed = pd.to_datetime(subset, format=fmt, errors="coerce")
        elif name == "uk":
            subset = subset.str.replace(r" .*$", "", regex=True).str.replace(r"[.\-]", "/", regex=True)
            parsed = pd.to_datetime(subset, format=fmt, errors="coerce")
        elif name == "text":
            subset = subset.str.replace("-", " ", regex=False).str.slice(0, 20)
            parsed = pd.to_datetime(subset, format=fmt, errors="coerce")
            retry = parsed.isna()
            if retry.any():
                parsed[retry] = pd.to_datetime(subset[retry], format="%d %B %Y", errors="coerce")
        elif name == "excel":
            serial = pd.to_numeric(subset, errors="coerce")
            parsed = pd.Timestamp("1899-12-30") + pd.to_timedelta(np.floor(serial), unit="D")
        else:
            parsed = pd.to_datetime(subset, format=fmt, errors="coerce")
        parsed = parsed.astype("datetime64[ns]")
        out[match] = parsed
        problem[match & out.isna()] = IMPOSSIBLE
        todo &= ~match
    if allow_year_month and todo.any():
        ym = todo & text.str.fullmatch(_YEAR_MONTH)
        if ym.any():
            parts = text[ym].str.extract(r"^(?:(?P<y1>\d{4})-(?P<m1>\d{1,2})|(?P<m2>\d{1,2})/(?P<y2>\d{4}))$")
            year = pd.to_numeric(parts["y1"].fillna(parts["y2"]), errors="coerce")
            month = pd.to_numeric(parts["m1"].fillna(parts["m2"]), errors="coerce")
            parsed = pd.to_datetime(pd.DataFrame({"year": year, "month": month, "day": 1}), errors="coerce")
            out[ym] = parsed.astype("datetime64[ns]")
            problem[ym & out.isna()] = IMPOSSIBLE
            todo &= ~ym
    problem[todo] = UNPARSEABLE
    return out, problem


def map_values(values: pd.Series, column: str, mapping: Mapping) -> pd.Series:
    """Canonical value of each entry (mapping file first, then ``reference/value_maps.yml``);
    NA where blank or not recognised."""
    lookup = {**_value_maps().get(column, {}), **mapping.values.get(column, {})}
    codes, uniques = _factorize(values)
    normalised = uniques.astype("string").fillna("").map(_norm_value, na_action="ignore")
    return _expand(normalised.map(lookup).astype("string"), codes, values.index)


# ------------------------------------------------------------------------------------------------
# Cleaning


@dataclass
class CleanTable:
    """The outcome of cleaning one raw table."""

    name: str
    clean: pd.DataFrame
    quarantine: pd.DataFrame
    summary: dict[str, Any]


_QUARANTINE_COLUMNS = ["table", "file", "row", "column", "reason", "value"]


def clean_table(
    raw: RawTable,
    mapping: Mapping,
    key: PseudonymKey,
    *,
    today: dt.date | None = None,
) -> CleanTable:
    """Validate and clean one raw table. The first problem found in each row decides its reason,
    checked in this order: missing required value, unparseable date, impossible date, date in the
    future, unknown outcome, unrecognised yes/no value, conflicting duplicate."""
    spec = raw.spec
    today_ts = pd.Timestamp(today or dt.date.today())
    data = raw.data
    content = [c for c in data.columns if c != "source_row"]

    # contact ids are hashed once, here: the digests find repeated ids (a sort of integers rather
    # than a hash table of strings) and become the pseudonyms of the rows kept
    id_digests = keyed_digests(data["contact_id"], key) if spec.name == "contacts" else None

    # 1. exact duplicates: dropped and counted (the first copy is kept); they are left in place
    # until the end (one filter of the table instead of two) but are never flagged
    dup, repeated_key = _exact_duplicates(
        data, content, spec.key[0], None if id_digests is None else id_digests.view("<u8").ravel())
    duplicates_dropped = int(dup.sum())

    n = len(data)
    reason = np.full(n, "", dtype=object)
    column = np.full(n, "", dtype=object)
    free = ~dup  # neither dropped nor given a reason yet

    def flag(mask: pd.Series | np.ndarray, col: str, why: str) -> None:
        m = np.asarray(mask, dtype=bool) & free
        if m.any():
            reason[m] = why
            column[m] = col
            free[m] = False

    for col in spec.required:
        flag(data[col] == "", col, MISSING)

    parsed: dict[str, pd.Series] = {}
    problems: dict[str, tuple[np.ndarray, pd.Series]] = {}  # per distinct text: (codes, problem)
    for col in spec.dates:
        codes, uniques = _factorize(data[col])
        dates, problem = _parse_distinct_dates(uniques, allow_year_month=(col == "child_dob"))
        parsed[col], problems[col] = _expand(dates, codes, data.index), (codes, problem)
    for why in (UNPARSEABLE, IMPOSSIBLE):
        for col in spec.dates:
            codes, problem = problems[col]
            flag((problem == why).fillna(False).to_numpy(dtype=bool)[codes], col, why)
    for col in spec.dates:
        flag((parsed[col] < EARLIEST_DATE).fillna(False), col, f"{IMPOSSIBLE} (before 1900)")
    for col in spec.dates:
        flag((parsed[col] > today_ts).fillna(False), col, FUTURE)
    if spec.name == "contacts":
        flag((parsed["decision_date"] < parsed["contact_date"]).fillna(False), "decision_date",
             f"{IMPOSSIBLE} (decision before contact)")
        flag((parsed["child_dob"] > parsed["contact_date"]).fillna(False), "child_dob",
             f"{IMPOSSIBLE} (born after contact)")
        outcome = map_values(data["outcome"], "outcome", mapping)
        flag(outcome.isna() & (data["outcome"] != ""), "outcome", UNKNOWN_OUTCOME)
        marf_text = map_values(data["marf"], "marf", mapping)
        flag(marf_text.isna() & (data["marf"] != ""), "marf", UNKNOWN_YES_NO)
    else:
        flag((parsed["iha_date"] < parsed["period_start"]).fillna(False), "iha_date",
             f"{IMPOSSIBLE} (assessment before period start)")

    # conflicting duplicates: same key, different content (exact copies were removed above)
    keyed = (data[list(spec.key)] != "").all(axis=1)
    conflicting = np.zeros(n, dtype=bool)
    if spec.name == "contacts":
        # only a contact_id repeated in the raw file can be repeated among the rows kept
        among = repeated_key & ~dup
        conflicting[among] = data.loc[among, "contact_id"].duplicated(keep=False).to_numpy()
        conflict_reason = CONFLICT
    else:
        key_values = data["child_id"] + "|" + parsed["period_start"].dt.strftime("%Y-%m-%d").fillna(data["period_start"])
        conflicting[~dup] = key_values[~dup].duplicated(keep=False).to_numpy()
        conflict_reason = CONFLICT_PERIOD
    flag(conflicting & keyed.to_numpy(), spec.key[0], conflict_reason)

    bad = ~free & ~dup
    quarantine = _quarantine_frame(raw, data.loc[bad], reason[bad], column[bad])

    good = _KeptRows(data, free)
    dates = {c: _filter(parsed.pop(c), free) for c in spec.dates}
    if spec.name == "contacts":
        outcome, marf_text = _filter(outcome, free), _filter(marf_text, free)
        clean = _clean_contacts(good, dates, outcome, marf_text, mapping, key, id_digests[free])
    else:
        clean = _clean_looked_after(good, dates, key)

    pa.default_memory_pool().release_unused()  # return freed memory to the system
    raw_rows = raw.raw_rows
    summary = {
        "file": str(raw.path),
        "raw_rows": raw_rows,
        "clean_rows": len(clean),
        "quarantined": len(quarantine),
        "duplicates_dropped": duplicates_dropped,
        "reconciled": raw_rows == len(clean) + len(quarantine) + duplicates_dropped,
        "quarantine_by_reason": {
            f"{col}: {why}": int(n) for (col, why), n in quarantine.groupby(["column", "reason"]).size().items()
        },
        "notes": list(raw.notes),
    }
    if not summary["reconciled"]:
        raise ReconciliationError(
            f"{raw.path}: row counts do not reconcile: raw {raw_rows} != clean {len(clean)} + "
            f"quarantined {len(quarantine)} + duplicates dropped {duplicates_dropped}"
        )
    return CleanTable(name=spec.name, clean=clean, quarantine=quarantine, summary=summary)


class _KeptRows:
    """The rows of ``data`` where ``keep`` is true, one column at a time (``rows[column]``), so that
    a full copy of the table never exists beside the cleaned columns built from it."""

    def __init__(self, data: pd.DataFrame, keep: np.ndarray) -> None:
        self.data, self.keep = data, keep

    def __getitem__(self, column: str) -> pd.Series:
        return _filter(self.data[column], self.keep)


def _filter(data: pd.DataFrame | pd.Series, keep: np.ndarray) -> pd.DataFrame | pd.Series:
    """``data.loc[keep].reset_index(drop=True)``, with Arrow's filter for text columns (much
    faster than pandas' take on Arrow strings)."""
    if isinstance(data, pd.Series):
        return _filter(data.to_frame(name="values"), keep)["values"].rename(data.name)
    mask = pa.array(keep, type=pa.bool_())
    columns = {}
    for name, values in data.items():
        if isinstance(values.dtype, pd.StringDtype) and values.dtype.storage == "pyarrow":
            arrow = pa.array(values.array, type=pa.string())
            columns[name] = pd.array(pc.filter(arrow, mask), dtype=values.dtype)
        else:
            columns[name] = values.to_numpy()[keep] if values.dtype.kind in "biufcmM" else values[keep].array
    return pd.DataFrame(columns, index=pd.RangeIndex(int(keep.sum())))


def _exact_duplicates(data: pd.DataFrame, content: list[str], key: str,
                      key_numbers: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
    """``(data.duplicated(subset=content, keep="first"), rows whose key column is not unique)``.

    Rows are compared in full only among the second set: exact copies share every column.
    ``key_numbers`` (one integer per row, equal for equal keys, such as the keys' digests) narrow
    the search: only rows whose number repeats have their key compared as text."""
    if key_numbers is None:
        repeated_key = data[key].duplicated(keep=False).to_numpy()
    else:
        ordered = np.sort(key_numbers)
        repeats = ordered[1:][ordered[1:] == ordered[:-1]]
        repeated_key = np.zeros(len(data), dtype=bool)
        if len(repeats):
            candidates = np.isin(key_numbers, repeats)
            repeated_key[candidates] = data.loc[candidates, key].duplicated(keep=False).to_numpy()
    dup = np.zeros(len(data), dtype=bool)
    if repeated_key.any():
        dup[repeated_key] = data.loc[repeated_key].duplicated(subset=content, keep="first").to_numpy()
    return dup, repeated_key


def _quarantine_frame(raw: RawTable, rows: pd.DataFrame, reasons: np.ndarray, columns: np.ndarray) -> pd.DataFrame:
    """The quarantine rows: file, row, column, reason and the offending value (masked where the
    column may identify a child)."""
    values = np.full(len(rows), "", dtype=object)
    for col in np.unique(columns.astype(str)):
        at = columns == col
        if col in raw.spec.masked:
            values[at] = "[masked]"
        elif col in rows.columns:
            values[at] = [str(v)[:80] for v in rows.loc[at, col]]
    q = pd.DataFrame(
        {
            "table": raw.spec.name,
            "file": raw.path.name,
            "row": rows["source_row"].to_numpy(),
            "column": columns.astype(str),
            "reason": reasons.astype(str),
            "value": values,
        }
    )
    if len(raw.malformed):
        m = pd.DataFrame(
            {
                "table": raw.spec.name,
                "file": raw.path.name,
                "row": raw.malformed["row"].to_numpy(),
                "column": "(whole row)",
                "reason": raw.malformed["reason"].to_numpy(),
                "value": "[masked]",
            }
        )
        q = pd.concat([q, m], ignore_index=True)
    return q.sort_values("row", kind="stable").reset_index(drop=True)[_QUARANTINE_COLUMNS]


def age_band(age_years: pd.Series) -> pd.Series:
    """Age bands used in the analyses: 0-4, 5-9, 10-15, 16+ (years at contact), else unknown."""
    bands = pd.cut(age_years.astype("float64"), bins=[-1, 4, 9, 15, 200], labels=["0-4", "5-9", "10-15", "16+"])
    return bands.astype("string").fillna("unknown")


def _on_distinct(values: pd.Series, func) -> pd.Series:
    """``func(values)`` for an element-wise ``func``, computed once per distinct value."""
    codes, uniques = _factorize(values)
    return _expand(func(uniques), codes, values.index)


def _year_month(dates: pd.Series) -> pd.Series:
    """``YYYY-MM`` of each date (NA for NaT), formatted once per distinct date."""
    return _on_distinct(dates, lambda d: d.dt.strftime("%Y-%m").astype("string"))


def _blank_to_na(text: pd.Series) -> pd.Series:
    """``text`` with ``""`` as NA."""
    values = pa.array(text.array, type=pa.string())
    blank_as_na = pc.if_else(pc.equal(values, ""), pa.scalar(None, pa.string()), values)
    return pd.Series(pd.array(blank_as_na, dtype="string"), index=text.index)


def _clean_contacts(good, dates, outcome, marf_text, mapping, key, id_digests: np.ndarray) -> pd.DataFrame:
    contact_date = dates["contact_date"].dt.normalize()
    dob = dates["child_dob"]
    dob_mid = dob.dt.to_period("M").dt.to_timestamp() + pd.Timedelta(days=14)
    age_days = (contact_date - dob_mid).dt.days
    age_years = np.floor(age_days / 365.25).astype("Int64").clip(lower=0)
    def canonical_gender(text: pd.Series) -> pd.Series:
        return map_values(text, "gender", mapping).fillna(text.str.lower().replace("", pd.NA))

    gender = _on_distinct(good["gender"], canonical_gender)
    return pd.DataFrame(
        {
            "contact_id": pseudonyms_from_digests(id_digests, prefix="c"),
            "child_id": pseudonymise(good["child_id"], key),
            "contact_date": contact_date.astype("datetime64[ns]"),
            "month": _year_month(contact_date),
            "source_code": _blank_to_na(good["source_code"]),
            "source_detail": _blank_to_na(good["source_detail"]),
            "referrer_role": _blank_to_na(good["referrer_role"]),
            "referrer_org": _blank_to_na(good["referrer_org"]),
            "marf": _on_distinct(marf_text, lambda m: m.map({"yes": True, "no": False}).astype("boolean")),
            "outcome": outcome.astype("string"),
            "decision_date": dates["decision_date"].dt.normalize().astype("datetime64[ns]"),
            "dob_month": _year_month(dob),
            "age_years": age_years,
            "age_band": _on_distinct(age_years, age_band),
            "gender": gender.astype("string"),
            "authority": good["authority"].astype("string"),
            "source_row": good["source_row"].astype("int64"),
        }
    )


def _clean_looked_after(good, dates, key) -> pd.DataFrame:
    start = dates["period_start"].dt.normalize()
    return pd.DataFrame(
        {
            "child_id": pseudonymise(good["child_id"], key),
            "period_start": start.astype("datetime64[ns]"),
            "consent_date": dates["consent_date"].dt.normalize().astype("datetime64[ns]"),
            "health_notified_date": dates["health_notified_date"].dt.normalize().astype("datetime64[ns]"),
            "iha_date": dates["iha_date"].dt.normalize().astype("datetime64[ns]"),
            "month": _year_month(start),
            "authority": good["authority"].astype("string"),
            "source_row": good["source_row"].astype("int64"),
        }
    )


def read_and_clean(raw_dir: Path, mapping: Mapping, key: PseudonymKey, *, today: dt.date | None = None) -> dict[str, CleanTable]:
    """Read and clean both tables of the raw folder."""
    out: dict[str, CleanTable] = {}
    for name, spec in SPECS.items():
        raw = read_table(find_file(raw_dir, name, mapping), spec, mapping)
        out[name] = clean_table(raw, mapping, key, today=today)
    return out
