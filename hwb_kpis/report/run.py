"""Running the pack's notebooks: papermill, one fresh kernel per notebook started in the notebooks'
folder, ``jobs`` notebooks at a time. A notebook that fails does not stop the others: its error
(one line) is kept on its :class:`~hwb_kpis.report.notebooks.Page`. What a kernel prints outside
its notebook is kept too, without ipykernel's routine chatter."""

from __future__ import annotations

import re
import tempfile
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor, as_completed
from pathlib import Path

from hwb_kpis.report.notebooks import Page, one_line

KERNEL_NAME = "python3"

#: lines a healthy kernel writes to its own stdout/stderr (not the notebook's): ipykernel's notice
#: that the loopback connection is not encrypted, and the interrupt jupyter_client sends before it
#: shuts a kernel down. Anything else a kernel prints there is shown with the notebook's name.
_KERNEL_CHATTER = re.compile(
    r"Kernel is running over TCP without encryption|KeyboardInterrupt caught in kernel|^\s*$"
)


def kernel_messages(text: str) -> list[str]:
    """The lines of what a kernel printed outside its notebook that are not routine chatter."""
    return [ln for ln in text.splitlines() if not _KERNEL_CHATTER.search(ln)]


def _kernel_manager_class(cwd: Path, log):
    """A kernel manager that starts the kernel in ``cwd`` with its stdout and stderr going to
    ``log`` (an open file) instead of the terminal. Setting the folder here rather than through
    papermill's ``cwd`` matters: papermill changes the *process's* working directory, which is
    not safe with notebooks running in parallel threads."""
    from jupyter_client.manager import AsyncKernelManager

    class PackKernelManager(AsyncKernelManager):
        async def _async_launch_kernel(self, kernel_cmd, **kw):
            kw.setdefault("cwd", str(cwd))
            kw["stdout"] = kw["stderr"] = log
            await super()._async_launch_kernel(kernel_cmd, **kw)

    return PackKernelManager


def run_notebook(page: Page, output: Path, cwd: Path, timeout: int) -> list[str]:
    """Execute one notebook with papermill into ``output``; returns what its kernel printed
    outside the notebook (routine chatter removed), also kept in ``page.kernel_messages``.
    Raises what papermill raises when a cell fails."""
    import papermill

    with tempfile.TemporaryFile() as log:
        try:
            papermill.execute_notebook(
                str(page.source),
                str(output),
                parameters=page.parameters,
                kernel_name=KERNEL_NAME,
                execution_timeout=timeout,
                progress_bar=False,
                log_output=False,
                request_save_on_cell_execute=False,
                kernel_manager_class=_kernel_manager_class(cwd, log),
            )
        finally:
            log.seek(0)
            page.kernel_messages = kernel_messages(log.read().decode("utf-8", "replace"))
    return page.kernel_messages


def run_pages(
    pages: list[Page], executed_dir: Path, *, cwd: Path, timeout: int, jobs: int, echo=print
) -> Iterator[Page]:
    """Run every page's notebook into ``executed_dir`` (same file name), ``jobs`` at a time, and
    yield each page as its run ends, with ``seconds`` and, if it failed, ``error`` set."""

    def one(page: Page) -> Page:
        echo(f"  running {page.name} …")
        started = time.monotonic()
        try:
            run_notebook(page, executed_dir / page.source.name, cwd, timeout)
        except Exception as exc:  # a failing notebook must not stop the others
            page.error = one_line(exc)
        page.seconds = time.monotonic() - started
        return page

    with ThreadPoolExecutor(max_workers=max(1, min(jobs, len(pages)))) as pool:
        futures = [pool.submit(one, page) for page in pages]
        for future in as_completed(futures):
            yield future.result()
