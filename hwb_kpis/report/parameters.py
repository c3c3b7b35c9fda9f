"""The notebooks' parameters: every name a pack notebook may declare in its ``parameters`` cell,
its default there, its help text and where the build takes its value from (the one home of these
names: the build, the CLI and the notebook tests read them here).

* **standard** parameters come from the build's options (:class:`hwb_kpis.report.options.ReportOptions`)
  and are passed to every notebook that declares them; ``month`` and ``processed_dir`` must be
  declared by every notebook (the pack is for one month of one processed folder);
* **extra** parameters (``dfe_dir``, ``la_code``, ``comparators``) are given only when asked for
  (``hwb-kpis report --dfe-dir/--la/--comparator``) and passed to the notebooks that declare them.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from hwb_kpis.config import (
    DEFAULT_IHA_LIMIT,
    DEFAULT_LINK_DAYS,
    DEFAULT_LOOKBACK_DAYS,
    DEFAULT_MATURING_SHARE,
    DEFAULT_MONTH,
    DEFAULT_VIEW,
    IHA_LIMITS,
    VIEWS,
)


@dataclass(frozen=True)
class Parameter:
    """One notebook parameter: its name in the ``parameters`` cell, the default written there (paths
    relative to the ``notebooks/`` folder), what it means, the option of the build it comes from
    (``None``: an extra parameter), the values it may take and its ``hwb-kpis report`` option."""

    name: str
    default: Any
    help: str
    option: str | None = None
    choices: tuple[str, ...] = ()
    cli: str = ""
    required: bool = False


PARAMETERS: tuple[Parameter, ...] = (
    Parameter("month", DEFAULT_MONTH, "Month of the pack, YYYY-MM.", "month", cli="--month", required=True),
    Parameter("processed_dir", "../data/processed", "Processed tables folder.", "processed_dir",
              cli="--processed", required=True),
    Parameter("raw_dir", "../data/raw", "Raw extract folder (the synthetic extract is written there when empty).",
              "raw_dir", cli="--raw"),
    Parameter("view", DEFAULT_VIEW, "Source coding: recoded (default) or as recorded.", "view", VIEWS, "--view"),
    Parameter("as_of", "", "Date YYYY-MM-DD for IHA due-ness; default latest date in the extract.", "as_of",
              cli="--as-of"),
    Parameter("lookback_days", DEFAULT_LOOKBACK_DAYS, "Repeat-contact and re-referral window in days.",
              "lookback_days", cli="--lookback-days"),
    Parameter("iha_limit", DEFAULT_IHA_LIMIT, "IHA limit: 28 calendar days or 20 working days.", "iha_limit",
              IHA_LIMITS, "--iha-limit"),
    Parameter("internal", False, "Do not suppress small numbers: the pack goes to reports/YYYY-MM-internal/ and "
              "every page says INTERNAL.", "internal",
              cli="--internal"),
    Parameter("reports_dir", "../reports", "Reports folder; the pack goes to OUT/YYYY-MM/ (the summary compares "
              "with last month's pack there).", "out_dir", cli="--out"),
    Parameter("settings_dir", "../settings", "Folder of your changes.yml and targets.yml (docs/verdicts.md).",
              "settings_dir", cli="--settings"),
    Parameter("maturing_share", DEFAULT_MATURING_SHARE,
              "A month with more than this share of contacts pending is still maturing: shown, not judged.",
              "maturing_share", cli="--maturing-share"),
    Parameter("link_days", DEFAULT_LINK_DAYS,
              "For an extract without outcomes (Annex A): days after a contact within which a referral of the "
              "child counts it as progressed to referral.", "link_days", cli="--link-days"),
    Parameter("agency", "police", "The agency of a feedback page: a source group (police) or a source code (3E) "
              "of reference/feedback.yml.", cli="--agency"),
    Parameter("shared_file", "", "Set by `hwb-kpis feedback`: the file holding what every agency page of the build "
              "shares, computed once (empty: the page computes it itself)."),
    Parameter("dfe_dir", "", "Folder of DfE published CSVs for the benchmarking page; empty: the tables shipped "
              "with the package (hwb-kpis dfe update loads a newer download).", cli="--dfe-dir"),
    Parameter("la_code", "E10000002", "The authority's LA code for benchmarking (default E10000002).", cli="--la"),
    Parameter("comparators", [], "Comparator LA code (statistical neighbour); repeatable.", cli="--comparator"),
)

#: every name a notebook's parameters cell may assign
NAMES: frozenset[str] = frozenset(p.name for p in PARAMETERS)
#: names every pack notebook must declare
REQUIRED: tuple[str, ...] = tuple(p.name for p in PARAMETERS if p.required)
#: the parameters taken from the build's options, and the extra ones
STANDARD: tuple[str, ...] = tuple(p.name for p in PARAMETERS if p.option)
EXTRA: tuple[str, ...] = tuple(p.name for p in PARAMETERS if not p.option)
#: name -> default in a notebook's parameters cell; name -> help text
DEFAULTS: dict[str, Any] = {p.name: p.default for p in PARAMETERS}
HELP: dict[str, str] = {p.name: p.help for p in PARAMETERS}

_BY_NAME = {p.name: p for p in PARAMETERS}


def parameter(name: str) -> Parameter:
    """The :class:`Parameter` called ``name`` (``KeyError`` for an unknown name)."""
    return _BY_NAME[name]


def standard_values(options: Any) -> dict[str, Any]:
    """The standard parameters' values for a build: each read from the option it comes from
    (paths as text, an empty ``as_of`` for "the latest date in the extract")."""
    values = {}
    for p in PARAMETERS:
        if p.option:
            value = getattr(options, p.option)
            values[p.name] = str(value) if isinstance(value, Path) else value
    values["as_of"] = values["as_of"] or ""
    return values


def extra_values(
    *, dfe_dir: str | Path | None = None, la_code: str | None = None, comparators: Iterable[str] | None = None
) -> dict[str, Any]:
    """The extra parameters asked for (those left out are not passed: each notebook keeps its
    own default); ``dfe_dir`` made absolute, as the notebooks run in their own folder."""
    values: dict[str, Any] = {}
    if dfe_dir is not None:
        values["dfe_dir"] = str(Path(dfe_dir).expanduser().resolve())
    if la_code is not None:
        values["la_code"] = la_code
    if comparators:
        values["comparators"] = list(comparators)
    return values

