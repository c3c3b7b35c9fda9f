"""``hwb_kpis.report.startup``: each process of the pack keeps its imports out of the cyclic
collector's way, once (run in fresh interpreters: freezing is for the whole process)."""

from __future__ import annotations

import subprocess
import sys
import textwrap

import pytest


def _run(code: str) -> str:
    proc = subprocess.run([sys.executable, "-c", textwrap.dedent(code)], capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr[-2000:]
    return proc.stdout.strip()


def test_freeze_startup_freezes_once() -> None:
    out = _run("""
        import gc
        from hwb_kpis.report.startup import freeze_startup
        before = gc.get_freeze_count()
        first, second = freeze_startup(), freeze_startup()
        print(before, gc.get_freeze_count() > 1000, first, second)
    """)
    assert out == "0 True True False"


def test_the_printing_process_freezes_its_imports_once_weasyprint_is_loaded() -> None:
    from hwb_kpis.report import pdf

    if pdf.renderer_problem() is not None:
        pytest.skip(f"WeasyPrint cannot be loaded here: {pdf.renderer_problem()}")
    out = _run("""
        import gc
        from hwb_kpis.report import pdf
        print(gc.get_freeze_count() == 0, pdf._ready() is None, gc.get_freeze_count() > 1000)
    """)
    assert out == "True True True"


def test_a_page_freezes_its_kernels_imports_before_loading_data(tmp_path) -> None:
    """A page's data are loaded after the freeze (a missing folder fails after it, too)."""
    out = _run(f"""
        import gc
        from hwb_kpis.report.pages import base
        try:
            base.load_data("2015-11", {str(tmp_path / 'processed')!r}, {str(tmp_path / 'raw')!r})
        except Exception:
            pass
        print(gc.get_freeze_count() > 1000)
    """)
    assert out == "True"
