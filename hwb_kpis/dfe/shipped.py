"""DfE published statistics shipped with the package (``hwb_kpis/dfe/data``): the tables the
benchmarking page needs, trimmed to the rows and columns it reads, with their attribution
(Open Government Licence v3.0) in ``SOURCE.yml``; and :func:`update`, which takes a newer
download from explore-education-statistics (``hwb-kpis dfe update --from FILE``), checks it and
replaces the shipped table of the same kind.

The three kinds (:data:`KINDS`): ``referrals`` (table C1, referrals and re-referrals),
``cin`` (table B1, children in need) and ``cla`` (children looked after, numbers and rates)."""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import yaml

from hwb_kpis.dfe.read import DFE_FILES, NATIONAL, read_dfe
from hwb_kpis.errors import HwbKpisError

#: the folder of the shipped tables and their SOURCE.yml
SHIPPED_DIR = Path(__file__).resolve().parent / "data"
SOURCE_FILE = "SOURCE.yml"
#: the attribution the Open Government Licence v3.0 asks for
ATTRIBUTION = "Contains public sector information licensed under the Open Government Licence v3.0."
LICENCE_URL = "https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/"

#: the identifying columns kept in every shipped table (as DfE spells them)
_ID_KEEP = ("time_period", "geographic_level", "country_code", "region_code", "region_name", "old_la_code",
            "new_la_code", "la_name")


@dataclass(frozen=True)
class Kind:
    """One kind of DfE table: what it is, the measure columns the package reads (lower case, as
    :func:`~hwb_kpis.dfe.read.read_dfe` names them), the file name it is shipped under
    (``{first}`` and ``{last}``: its first and last year) and, for the looked-after table, the
    categories kept."""

    name: str
    title: str
    release: str
    measures: tuple[str, ...]
    file_name: str
    category_column: str = ""
    categories: tuple[str, ...] = ()

    @property
    def pattern(self) -> str:
        """The glob its files match (:data:`hwb_kpis.dfe.read.DFE_FILES` where the page reads it)."""
        return DFE_FILES.get(self.name) or self.file_name.split("{", 1)[0] + "*.csv"


KINDS: dict[str, Kind] = {
    "referrals": Kind(
        "referrals", "Children in need referrals and re-referrals (table C1)", "Children in need",
        ("referrals", "referrals_rate", "re_referrals_percent", "no_further_action_percent"),
        "c1_children_in_need_referrals_and_rereferrals_{first}_to_{last}.csv"),
    "cin": Kind(
        "cin", "Children in need (table B1)", "Children in need",
        ("at31_episodes", "at31_episodes_rate"),
        "b1_children_in_need_{first}_to_{last}.csv"),
    "cla": Kind(
        "cla", "Children looked after: numbers and rates per 10,000 children",
        "Children looked after in England including adoptions",
        ("number", "rate_per_10000"), "cla_number_and_rate_per_10k_children.csv",
        category_column="population_count",
        categories=("Children starting to be looked after each year", "Children looked after at 31 March each year")),
}


def kind_of(df: pd.DataFrame) -> Kind | None:
    """Which kind of table a DfE file (as :func:`read_dfe` returns it) is, from its columns."""
    for kind in KINDS.values():
        if all(c in df.columns for c in kind.measures):
            return kind
    return None


def kind_of_file(path: Path) -> str:
    """The kind (``referrals``, ``cin``, ``cla``) whose file name pattern ``path`` matches, or ``""``."""
    return next((k.name for k in KINDS.values() if Path(path).match(k.pattern)), "")


def shipped_dir() -> Path:
    """The folder of the DfE tables the pack reads by default."""
    return SHIPPED_DIR


def sources(folder: Path | None = None) -> dict[str, dict]:
    """``SOURCE.yml`` of ``folder`` (default the shipped one): per kind, the file, release,
    title, years, url and licence (an empty dict when there is none)."""
    path = Path(folder or SHIPPED_DIR) / SOURCE_FILE
    if not path.is_file():
        return {}
    doc = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    return dict(doc.get("tables") or {})


def attribution(folder: Path | None = None) -> str:
    """The attribution a page shows under DfE figures: each release with its tables and years
    (from ``SOURCE.yml`` of ``folder``, default the shipped tables) and the OGL statement."""
    releases: dict[tuple[str, str], list[str]] = {}
    for entry in sources(folder).values():
        if entry.get("release"):
            releases.setdefault((str(entry["release"]), str(entry.get("years", ""))), []).append(str(entry["title"]))
    parts = [f"*{release}* — {' and '.join(titles)}{', ' + years if years else ''}"
             for (release, years), titles in releases.items()]
    text = "; ".join(parts) if parts else "published statistics"
    return f"Source: Department for Education, {text}. {ATTRIBUTION}"


def trimmed(path: Path) -> tuple[Kind, pd.DataFrame, tuple[int, int]]:
    """A DfE download checked and cut down to what the package reads: its :class:`Kind`, the
    table (DfE's own column names and cell text, e.g. ``c`` for a suppressed cell) and its
    first and last year. A file that is not one of the three kinds, has no national rows, no
    local-authority codes or a measure that is never a number is an error naming the file."""
    path = Path(path)
    parsed = read_dfe(path)
    kind = kind_of(parsed)
    if kind is None:
        wanted = "; ".join(f"{k.title}: {', '.join(k.measures)}" for k in KINDS.values())
        raise HwbKpisError(f"{path}: not a DfE table the benchmarking page reads (expected the columns of {wanted})")
    if not (parsed["geographic_level"] == NATIONAL).any():
        raise HwbKpisError(f"{path}: no National (England) rows; download the file with every geographic level")
    if "new_la_code" not in parsed.columns or not parsed["new_la_code"].fillna("").astype(str).str.strip().any():
        raise HwbKpisError(f"{path}: no local-authority codes (new_la_code); download the local-authority file")
    for measure in kind.measures:
        if not parsed[measure].notna().any():
            raise HwbKpisError(f"{path}: column {measure} holds no figures")
    raw = pd.read_csv(path, encoding="utf-8-sig", dtype=str, keep_default_na=False)
    raw.columns = [str(c).strip().lstrip("\ufeff") for c in raw.columns]
    lower = {c.lower(): c for c in raw.columns}
    keep = [lower[c] for c in (*_ID_KEEP, kind.category_column, *kind.measures)
            if c and c in lower]
    rows = raw
    if kind.categories:
        column = lower[kind.category_column]
        rows = raw[raw[column].isin(kind.categories)]
        if rows.empty:
            raise HwbKpisError(f"{path}: none of the rows {', '.join(kind.categories)}")
    years = (int(parsed["year"].min()), int(parsed["year"].max()))
    return kind, rows[list(dict.fromkeys(keep))].reset_index(drop=True), years


def _write_source(folder: Path, kind: Kind, file_name: str, years: tuple[int, int], original: str) -> None:
    path = folder / SOURCE_FILE
    doc = yaml.safe_load(path.read_text(encoding="utf-8")) if path.is_file() else None
    doc = doc or {"licence": f"Open Government Licence v3.0 ({LICENCE_URL})", "attribution": ATTRIBUTION,
                  "tables": {}}
    first, last = years
    doc.setdefault("tables", {})[kind.name] = {
        "file": file_name,
        "title": kind.title,
        "release": f"{kind.release}, reporting year {last}",
        "years": f"years ending 31 March {first} to {last}",
        "downloaded_as": original,
        "url": "https://explore-education-statistics.service.gov.uk/",
        "loaded": dt.date.today().isoformat(),
    }
    path.write_text(yaml.safe_dump(doc, sort_keys=False, allow_unicode=True), encoding="utf-8")


def update(source: str | Path, folder: Path | None = None) -> Path:
    """Check a newer DfE download (:func:`trimmed`) and put it in ``folder`` (default the shipped
    tables) in place of the table of the same kind, recording its release in ``SOURCE.yml``.
    Returns the file written. An older table of that kind is removed only once the new one is
    written."""
    folder = Path(folder or SHIPPED_DIR)
    kind, table, years = trimmed(Path(source))
    folder.mkdir(parents=True, exist_ok=True)
    name = kind.file_name.format(first=years[0], last=years[1])
    target = folder / name
    buffer = io.StringIO()
    table.to_csv(buffer, index=False, lineterminator="\n")
    tmp = target.with_suffix(".csv.tmp")
    tmp.write_text(buffer.getvalue(), encoding="utf-8")
    tmp.replace(target)
    for older in folder.glob(kind.pattern):
        if older != target:
            older.unlink()
    _write_source(folder, kind, name, years, Path(source).name)
    return target
