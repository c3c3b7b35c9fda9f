"""Stand-ins shared by the report tests: a fake cleaning step (``FakePipeline``), a tiny processed
folder and workspace, and a fake notebook run (no kernel). The two tiny notebooks of
``tests/data/report`` (one works, one raises) are the pack."""

from __future__ import annotations

import json
import types
from pathlib import Path

import nbformat
import pytest

from hwb_kpis import pipeline as real_pipeline
from hwb_kpis.privacy.pseudonym import DEMO_KEY, key_fingerprint
from hwb_kpis.report.notebooks import Page
from hwb_kpis.synthetic import write_marker
from tests.support import TEST_DATA

NOTEBOOKS = TEST_DATA / "report"
MONTH = "2015-11"
FINGERPRINT = "f" * 64


class FakePipeline:
    """Stands in for the cleaning inside ``hwb_kpis.pipeline``: a fixed raw fingerprint, and a
    ``run_clean`` that records its calls and writes a tiny processed folder. The real
    ``refresh_processed`` decides, so the tests pin its decisions."""

    def __init__(self, fingerprint: str = FINGERPRINT) -> None:
        self.fingerprint = fingerprint
        self.cleaned: list[tuple[Path, Path]] = []

    def raw_fingerprint(self, raw_dir, mapping_path=None, settings="") -> str:
        return self.fingerprint

    def run_clean(self, raw_dir, out_dir, *, mapping_path=None, key_file=None, echo=print, fmt="auto", link_days=7):
        self.cleaned.append((Path(raw_dir), Path(out_dir)))
        write_processed(Path(out_dir), fingerprint=self.fingerprint)
        return types.SimpleNamespace(out_dir=Path(out_dir))

    def install(self, mp: pytest.MonkeyPatch) -> FakePipeline:
        mp.setattr(real_pipeline, "raw_fingerprint", self.raw_fingerprint)
        mp.setattr(real_pipeline, "run_clean", self.run_clean)
        return self


def write_processed(processed: Path, fingerprint: str = FINGERPRINT) -> None:
    processed.mkdir(parents=True, exist_ok=True)
    (processed / "contacts.parquet").write_bytes(b"not read by the test notebooks")
    summary = {
        "tables": {
            "contacts": {"file": "contacts.csv", "raw_rows": 1210, "clean_rows": 1200,
                         "quarantined": 7, "duplicates_dropped": 3},
            "looked_after": {"file": "looked_after.csv", "raw_rows": 40, "clean_rows": 40,
                             "quarantined": 0, "duplicates_dropped": 0},
        },
        "extract_date": "2015-12-02",
        "synthetic": True,
        "raw_fingerprint": fingerprint,
        "pseudonym_key_fingerprint": key_fingerprint(DEMO_KEY),  # as cleaned with the demo key
    }
    for name in real_pipeline.PROCESSED_FILES:  # a complete set, as run_clean leaves it
        if not (processed / name).exists():
            (processed / name).write_text("", encoding="utf-8")
    (processed / "ingest_summary.json").write_text(json.dumps(summary), encoding="utf-8")


def workspace(base: Path) -> dict[str, Path]:
    raw, processed, out = base / "raw", base / "processed", base / "reports"
    raw.mkdir(parents=True)
    (raw / "contacts.csv").write_text("contact_id\n", encoding="utf-8")
    write_marker(raw)
    write_processed(processed)
    return {"raw_dir": raw, "processed_dir": processed, "out_dir": out}


def fake_run(page: Page, output: Path, cwd: Path, timeout: int) -> None:
    """Replaces papermill: copies the notebook with a text output and no kernel."""
    nb = nbformat.read(page.source, as_version=4)
    if page.name.endswith("fail"):
        raise RuntimeError("fake kernel died\nsecond line is the one shown")
    nb.cells.append(nbformat.v4.new_code_cell("x", outputs=[nbformat.v4.new_output("stream", text="fake run\n")]))
    nbformat.write(nb, output)


def without_kernels(monkeypatch: pytest.MonkeyPatch) -> None:
    """Run notebooks with :func:`fake_run` (``hwb_kpis.report.run.run_notebook`` replaced)."""
    from hwb_kpis.report import run

    monkeypatch.setattr(run, "run_notebook", fake_run)
