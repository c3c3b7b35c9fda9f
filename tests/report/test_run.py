"""Running the pack's notebooks (``hwb_kpis.report.run``): a failing notebook does not stop the
others; a kernel's routine chatter is not shown. (A real run: tests/report/test_build.py.)"""

from __future__ import annotations

import threading
from pathlib import Path

from hwb_kpis.report import run
from hwb_kpis.report.notebooks import Page


def test_kernel_chatter_is_dropped() -> None:
    text = ("NOTE: When using the `ipython kernel` entry point, Ctrl-C will not work.\n\n"
            "To exit, you will have to explicitly quit this process.\n"
            "[IPKernelApp] WARNING | Kernel is running over TCP without encryption\n"
            "KeyboardInterrupt caught in kernel\n   \nsomething the notebook printed to the kernel\n")
    assert run.kernel_messages(text) == [
        "NOTE: When using the `ipython kernel` entry point, Ctrl-C will not work.",
        "To exit, you will have to explicitly quit this process.",
        "something the notebook printed to the kernel",
    ]


def test_run_pages_runs_every_page_and_keeps_each_failure(tmp_path: Path, monkeypatch) -> None:
    threads = set()

    def fake(page: Page, output: Path, cwd: Path, timeout: int) -> None:
        threads.add(threading.current_thread().name)
        assert output == tmp_path / page.source.name and cwd == tmp_path and timeout == 5
        if page.name == "02_b":
            raise RuntimeError("kernel died\nthe last line")
        output.write_text("{}", encoding="utf-8")

    monkeypatch.setattr(run, "run_notebook", fake)
    pages = [Page(n, n, "", Path(f"{n}.ipynb")) for n in ("01_a", "02_b", "03_c")]
    lines: list[str] = []
    done = list(run.run_pages(pages, tmp_path, cwd=tmp_path, timeout=5, jobs=2, echo=lines.append))
    assert sorted(p.name for p in done) == ["01_a", "02_b", "03_c"]
    assert {p.name: p.error for p in pages} == {"01_a": None, "02_b": "RuntimeError: the last line", "03_c": None}
    assert all(p.seconds >= 0 for p in pages) and len(threads) <= 2
    assert sorted(lines) == ["  running 01_a …", "  running 02_b …", "  running 03_c …"]
