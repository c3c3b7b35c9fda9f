"""Running a pack notebook's code cells in this process, as papermill would run them (its
parameters cell, the given parameters, then every other code cell), with no kernel: quick enough
to build every page on many small extracts. Figures are drawn (Agg) and displayed objects go to
IPython's display (printed outside a kernel)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from tests.support import ROOT

NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))


def code_cells(path: Path) -> tuple[str, list[str]]:
    """``(parameters cell, other code cells)`` of a notebook, as source text."""
    nb = json.loads(Path(path).read_text(encoding="utf-8"))
    params, others = "", []
    for cell in nb["cells"]:
        if cell["cell_type"] != "code":
            continue
        source = "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]
        if "parameters" in cell.get("metadata", {}).get("tags", []):
            params = source
        else:
            others.append(source)
    return params, others


def run_cells(path: Path, **parameters: Any) -> dict[str, Any]:
    """Run the notebook's code with ``parameters`` over its defaults; the namespace it leaves
    (``page`` is the page object)."""
    import matplotlib

    matplotlib.use("Agg")
    params, others = code_cells(path)
    namespace: dict[str, Any] = {}
    exec(compile(params, f"{Path(path).name}:parameters", "exec"), namespace)  # noqa: S102
    unknown = set(parameters) - set(namespace)
    assert not unknown, f"{Path(path).name} declares no parameter(s) {sorted(unknown)}"
    namespace.update(parameters)
    for i, source in enumerate(others):
        exec(compile(source, f"{Path(path).name}:cell {i + 1}", "exec"), namespace)  # noqa: S102
    return namespace
