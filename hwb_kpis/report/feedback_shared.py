"""What every agency page of one ``hwb-kpis feedback`` build shares, computed once per build
instead of once per page: the agency KPI table (every group's and every health code's monthly
KPIs), page 04's repeat flows (their last month, the table and its disclosure decisions) and the
threshold-training models with their false-discovery control across agencies.

The build computes it while the notebooks' kernels start (:func:`for_build`) and writes it to a file in
its staging folder (:func:`write`, a pickle read back only by the pages of the same build and
deleted before the pages are published); each page gets the file's path as its ``shared_file``
parameter. A page run on its own (JupyterLab, ``shared_file`` empty) or handed a file made for
other parameters computes the same itself (:func:`compute`), so both give the same figures."""

from __future__ import annotations

import pickle
import time
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from hwb_kpis import config, kpis
from hwb_kpis.kpis.agency_kpis import code_kpi_rows
from hwb_kpis.privacy.disclosure import Decisions
from hwb_kpis.report import repeat_flows, training

#: the file's name in the build's staging folder
FILE = ".feedback-shared.pkl"
#: how long a page waits for the build to write the file before computing its own (seconds)
WAIT_SECONDS = 120.0


@dataclass(frozen=True)
class Shared:
    """What the agency pages of one build share (see the module docstring). ``made_for`` holds the
    parameters it was computed for: a page with others computes its own."""

    made_for: tuple
    #: monthly KPI rows of every group up to the month (:meth:`PageData.kpis`)
    kpi_df: pd.DataFrame
    #: the same counts for every source code (:func:`hwb_kpis.kpis.agency_kpis.code_kpi_rows`)
    code_rows: pd.DataFrame
    #: the last month of the repeat flows: page 04's (latest month of the repeat rate not maturing)
    flow_month: str
    #: page 04's flow table (:func:`hwb_kpis.report.repeat_flows.repeat_flows`) and its decisions
    flows: pd.DataFrame
    flows_decisions: Decisions
    #: where training.csv was read from, its lines, and every line's model (one FDR family)
    training_origin: object
    trainings: tuple
    training_results: pd.DataFrame


def made_for(data, *, view: str, lookback_days: int, settings_dir) -> tuple:
    """The parameters :class:`Shared` depends on."""
    folder = str(Path(settings_dir).resolve()) if settings_dir is not None else None
    return (data.month, view, int(lookback_days), bool(data.internal), str(Path(data.processed_dir).resolve()),
            folder, repr(data.as_of), repr(data.rules))


def compute(data, *, view: str, lookback_days: int, settings_dir=None) -> Shared:
    """Compute :class:`Shared` from a page's :class:`~hwb_kpis.report.pages.base.PageData`: the same
    months, models and decisions page 04 and page 00 use."""
    kpi_df = data.kpis(view=view, lookback_days=lookback_days)
    codes = code_kpi_rows(data.contacts, view=view, lookback_days=lookback_days)
    codes = codes[codes["month"] <= data.month]
    flagged = kpis.flag_repeats(data.contacts, lookback_days=lookback_days)
    flow_month = data.verdict(kpi_df, "repeat_contacts", "all").latest_month or data.month
    group_col = _group_col(view)
    flows = repeat_flows.repeat_flows(repeat_flows.flow_contacts(flagged, kpi_df, flow_month), group_col)
    folder = settings_dir if settings_dir is not None else config.default_settings_dir()
    origin = training.training_origin(folder, bool(data.summary.get("synthetic")))
    lines = tuple(training.read_training(origin.path))
    if lines:  # the months page 00's summary leaves out: those of conversion still maturing
        maturing = list(data.verdict(kpi_df, "conversion", "all").maturing["month"])
        results = training.fit_training(flagged, list(lines), view=view, month=data.month,
                                        lookback_days=lookback_days, exclude_months=maturing)
    else:
        results = pd.DataFrame(columns=list(training.RESULT_COLUMNS))
    return Shared(made_for(data, view=view, lookback_days=lookback_days, settings_dir=settings_dir), kpi_df, codes,
                  flow_month, flows, repeat_flows.flows_plan(flows, flow_month, internal=data.internal), origin,
                  lines, results)


def _group_col(view: str) -> str:
    from hwb_kpis import coding

    return coding.view_columns(view)[1]


def write(shared: Shared | None, path: Path) -> Path:
    """Keep ``shared`` in ``path`` for the build's pages (None: the build could not compute it,
    each page computes its own)."""
    path = Path(path)
    tmp = path.with_name(path.name + ".tmp")
    with open(tmp, "wb") as handle:
        pickle.dump(shared, handle, protocol=pickle.HIGHEST_PROTOCOL)
    tmp.replace(path)
    return path


def read(path: str | Path, expected: tuple, *, wait: float | None = None) -> Shared | None:
    """The :class:`Shared` the build wrote in ``path`` when it was made for ``expected`` (see
    :func:`made_for`), waiting up to ``wait`` (default :data:`WAIT_SECONDS`) seconds for the build to write it (it computes it
    while the pages' kernels start); None when no path is given, no file comes, the build could
    not compute it or it was made for other parameters."""
    if not path:
        return None
    deadline = time.monotonic() + (WAIT_SECONDS if wait is None else wait)
    while not Path(path).is_file() and time.monotonic() < deadline:
        time.sleep(0.1)
    if not Path(path).is_file():
        return None
    with open(path, "rb") as handle:
        shared = pickle.load(handle)  # noqa: S301 - written by this build into its own staging folder
    return shared if isinstance(shared, Shared) and shared.made_for == expected else None


def for_build(options) -> Shared:
    """:class:`Shared` for a build's :class:`~hwb_kpis.report.options.ReportOptions`, from the
    page data the notebooks load (:func:`hwb_kpis.report.pages.feedback.page_data`); first the
    board pack's disclosure plan is made or found, kept in the processed folder where every page
    reads it (:func:`hwb_kpis.report.published.pack_plan`)."""
    from hwb_kpis.report.pages.feedback import page_data

    data = page_data(options.month, options.processed_dir, options.raw_dir, view=options.view,
                     internal=options.internal, settings_dir=options.settings_dir,
                     maturing_share=options.maturing_share, link_days=options.link_days)
    if not options.internal:  # the board pack's plan, made (or found) once and kept in the processed folder
        from hwb_kpis.report import published

        published.pack_plan(data.tables, data.month, view=options.view, as_of=data.as_of,
                            processed_dir=data.processed_dir, lookback_days=options.lookback_days)
    return compute(data, view=options.view, lookback_days=options.lookback_days, settings_dir=options.settings_dir)
