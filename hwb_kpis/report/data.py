"""The data a pack or a notebook runs on: processed tables made current for the raw folder (the
synthetic demonstration extract written, loudly, when there is no data at all, so that the project
works out of the box), and for a pack its ingest summary, checked to cover the pack's month."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from hwb_kpis import pipeline
from hwb_kpis.contract.processed import load_processed
from hwb_kpis.errors import HwbKpisError


def demo_writer(echo: Callable[[str], Any] = print, *, loud: bool = False) -> Callable[[Path], Any]:
    """A ``write_demo`` for :func:`hwb_kpis.pipeline.refresh_processed`: writes the synthetic
    extract into the folder and says so (``loud``: a banner for the terminal of a pack build)."""

    def write(folder: Path) -> None:
        from hwb_kpis.demo import write_extract

        if loud:
            echo("!" * 78)
            echo(f"!! {folder} holds no extract: writing the SYNTHETIC demonstration extract.")
            echo("!! Every figure in this pack is made up: SYNTHETIC DATA, NOT REAL CHILDREN.")
            echo("!" * 78)
        echo(f"{folder} has no extract: writing the SYNTHETIC default extract there (not real data)")
        write_extract(folder, echo=echo)

    return write


def ensure_processed(
    processed_dir: Path | str = "data/processed",
    raw_dir: Path | str = "data/raw",
    *,
    mapping_path: Path | str | None = None,
    echo: Callable[[str], Any] = print,
    link_days: int | None = None,
) -> dict[str, Any]:
    """Processed tables for a notebook: :func:`hwb_kpis.pipeline.refresh_processed` (clean if
    missing or stale; the synthetic default extract when there is nothing at all), then
    :func:`hwb_kpis.contract.processed.load_processed`'s dict. Relative paths are resolved against
    the current folder (a notebook's own folder when run by Jupyter, papermill or nbval, hence the
    notebooks' ``../data/...`` defaults). ``link_days`` (None: as last cleaned) is the window of
    the outcomes derived for an extract without them; the format is the one last asked for."""
    pipeline.refresh_processed(processed_dir, raw_dir, mapping_path=mapping_path, echo=echo,
                               write_demo=demo_writer(echo), link_days=link_days)
    return load_processed(Path(processed_dir).resolve())


@dataclass(frozen=True)
class PackData:
    """What a pack is built on: the ingest summary of the processed folder, whether the data are
    synthetic, and what :func:`hwb_kpis.pipeline.refresh_processed` did (``"kept"``, ``"reused"``
    or ``"cleaned"``)."""

    summary: dict[str, Any]
    synthetic: bool
    refresh: str


def read_summary(processed_dir: Path) -> dict[str, Any]:
    """``ingest_summary.json`` of a processed folder (empty when missing or unreadable)."""
    path = Path(processed_dir) / "ingest_summary.json"
    if not path.is_file():
        return {}
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def _refresh(raw_dir: Path, processed_dir: Path, *, mapping_path, key_file, echo, fmt=None,
             link_days=None) -> tuple[str, dict[str, Any]]:
    refresh = pipeline.refresh_processed(processed_dir, raw_dir, mapping_path=mapping_path, key_file=key_file,
                                         echo=echo, write_demo=demo_writer(echo, loud=True), fmt=fmt,
                                         link_days=link_days)
    return refresh, read_summary(processed_dir)


def prepare_data(
    raw_dir: Path,
    processed_dir: Path,
    *,
    mapping_path: Path | None = None,
    key_file: Path | None = None,
    echo: Callable[[str], Any] = print,
) -> dict[str, Any]:
    """:func:`hwb_kpis.pipeline.refresh_processed` (write the synthetic extract when there is no
    data at all, saying so loudly; clean unless the processed folder was made from exactly these
    raw files), then the ingest summary."""
    return _refresh(raw_dir, processed_dir, mapping_path=mapping_path, key_file=key_file, echo=echo)[1]


def check_month_covered(summary: dict[str, Any], month: str) -> None:
    """Raise ``HwbKpisError`` unless the cleaned extract (its ingest summary) covers ``month``
    (``YYYY-MM``): a pack for a month without data is not built at all. An extract with contacts
    must have contacts dated in the month; one without (referrals or children looked after only)
    must have the month between its first and last date. A summary from before these dates were
    recorded is not checked."""
    if "first_contact_date" not in summary:
        return
    if summary.get("first_contact_date"):
        first, last, what = summary["first_contact_date"][:7], (summary.get("last_contact_date") or "")[:7], "contacts"
        gaps = summary.get("months_without_contacts", [])
    else:
        first, last, what = (summary.get("first_date") or "")[:7], (summary.get("last_date") or "")[:7], "records"
        gaps = []
    if not first or month < first or month > last or month in gaps:
        raise HwbKpisError(
            f"no {what} dated {month} in the extract, which covers {first or '?'} to {last or '?'}:"
            " is this month's extract in the raw folder?"
        )


def pack_data(
    raw_dir: Path,
    processed_dir: Path,
    month: str,
    *,
    mapping_path: Path | None = None,
    key_file: Path | None = None,
    echo: Callable[[str], Any] = print,
    fmt: str | None = None,
    link_days: int | None = None,
) -> PackData:
    """The data of a pack for ``month``: :func:`prepare_data`, then :func:`check_month_covered`;
    synthetic as the ingest summary says, which the cleaning decided with
    :func:`hwb_kpis.pipeline.is_synthetic` (the same test as for the demo key: the raw folder holds
    exactly the files ``hwb-kpis synth`` wrote). ``fmt`` and ``link_days`` are how to read the raw
    extract (None: as it was last cleaned)."""
    refresh, summary = _refresh(raw_dir, processed_dir, mapping_path=mapping_path, key_file=key_file, echo=echo,
                                fmt=fmt, link_days=link_days)
    check_month_covered(summary, month)
    return PackData(summary, bool(summary.get("synthetic")), refresh)
