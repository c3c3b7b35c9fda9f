"""The data a pack or a notebook runs on: processed tables made current for the raw folder, and
the synthetic demonstration extract written (loudly) when there is no data at all, so that the
project works out of the box."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from hwb_kpis import pipeline
from hwb_kpis.contract.processed import load_processed


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
) -> dict[str, Any]:
    """Processed tables for a notebook: :func:`hwb_kpis.pipeline.refresh_processed` (clean if
    missing or stale; the synthetic default extract when there is nothing at all), then
    :func:`hwb_kpis.contract.processed.load_processed`'s dict. Relative paths are resolved against
    the current folder (a notebook's own folder when run by Jupyter, papermill or nbval, hence the
    notebooks' ``../data/...`` defaults)."""
    pipeline.refresh_processed(processed_dir, raw_dir, mapping_path=mapping_path, echo=echo,
                               write_demo=demo_writer(echo))
    return load_processed(Path(processed_dir).resolve())
