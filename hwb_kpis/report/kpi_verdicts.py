"""One verdict per KPI (and group) per pack: :func:`kpi_verdict` judges a KPI's latest mature
month on the SPC chart that suits it — the chart type (p, Laney p′ or XmR), the segments started
by declared changes, the mean and process limits of the current segment, the Making Data Count
variation and assurance codes, a sustained shift to propose, and the month-on-month difference
test. Every page that shows a KPI calls it with the same inputs (the KPI frame, the month and the
pack's :class:`~hwb_kpis.report.declared.VerdictRules`), so the summary and the detail pages
cannot disagree. The words are :mod:`hwb_kpis.report.verdict`'s; the icons
:mod:`hwb_kpis.report.icons`'. Usable for any group (an agency as well as ``all``)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from functools import cached_property
from typing import Any

import numpy as np
import pandas as pd

from hwb_kpis import config, stats
from hwb_kpis.kpis import registry
from hwb_kpis.privacy.disclosure import Decisions
from hwb_kpis.report import verdict as words
from hwb_kpis.report.declared import Change, Target, VerdictRules
from hwb_kpis.report.kpi_charts import (
    judged_rows,
    kpi_spc,
    overdispersion_sentence,
    point_hidden,
    series,
)
from hwb_kpis.report.labels import measure_label
from hwb_kpis.report.maturing import maturing_months

#: a special-cause variation code (everything but common cause and too few points)
SPECIAL = ("improvement", "concern", "neither")
#: the significance level of the month-on-month difference test
ALPHA = 0.05


def _month(x: Any) -> str:
    return pd.Timestamp(x).strftime("%Y-%m")


def _float(value: Any) -> float:
    try:
        out = float(value)
    except (TypeError, ValueError):
        return float("nan")
    return out if np.isfinite(out) else float("nan")


@dataclass(frozen=True)
class Proposal:
    """A sustained shift the SPC rules see in the current segment, not declared in ``changes.yml``:
    ``months`` months from ``month`` on, all ``side`` (above / below) the average. Proposed in the
    internal copy; never applied until declared."""

    month: str
    side: str
    months: int


@dataclass(frozen=True, eq=False)
class Verdict:
    """The verdict on one KPI for one group in one pack (build it with :func:`kpi_verdict`).

    ``frame`` is the SPC frame of the judged months (:func:`hwb_kpis.stats.xmr` /
    :func:`~hwb_kpis.stats.p_chart` columns, one segment per declared change); ``maturing`` the
    months shown but not judged (``month, x, y, numerator, denominator, share``), ``maturing_kind``
    what is pending in them (``decisions`` or ``due``); ``changes`` the declared changes applied;
    ``target`` the declared target; ``test`` the over-dispersion test (rates). ``hidden`` and
    ``maturing_hidden`` flag, per point, those the chart may not draw (:meth:`published`); the
    limits, icons and verdict still use every month (statistics on many months, not a month's
    figure)."""

    kpi: str
    group: str
    label: str
    month: str
    frame: pd.DataFrame
    maturing: pd.DataFrame
    maturing_kind: str | None = None
    test: dict | None = None
    changes: tuple[Change, ...] = ()
    target: Target | None = None
    internal: bool = False
    hidden: np.ndarray | None = None
    maturing_hidden: np.ndarray | None = None

    # --- what the KPI is -----------------------------------------------------------------------
    @property
    def is_rate(self) -> bool:
        return registry.is_rate(self.kpi)

    @property
    def direction(self) -> str:
        """Which way is better (``increase``, ``decrease`` or ``neutral``)."""
        return registry.direction(self.kpi)

    @property
    def chart_kind(self) -> str:
        """``xmr``, ``p`` or ``laney_p_prime``."""
        return str(self.frame.attrs.get("chart", registry.kpi(self.kpi).chart))

    # --- the latest judged month ---------------------------------------------------------------
    @property
    def n_judged(self) -> int:
        return len(self.frame)

    @property
    def too_few(self) -> bool:
        """Fewer than 2 judged months: no limits, no verdict."""
        return self.n_judged < 2

    @property
    def latest(self) -> pd.Series | None:
        return None if self.frame.empty else self.frame.iloc[-1]

    @property
    def latest_month(self) -> str | None:
        """The month judged: the latest month that is not still maturing."""
        return None if self.latest is None else _month(self.latest["x"])

    @property
    def previous_month(self) -> str | None:
        return _month(self.frame["x"].iloc[-2]) if self.n_judged >= 2 else None

    @property
    def value(self) -> float:
        return float("nan") if self.latest is None else _float(self.latest["y"])

    @property
    def numerator(self) -> float:
        if self.latest is None:
            return float("nan")
        return _float(self.latest["numerator"] if "numerator" in self.latest.index else self.latest["y"])

    @property
    def denominator(self) -> float:
        if self.latest is None or "denominator" not in self.latest.index:
            return float("nan")
        return _float(self.latest["denominator"])

    def _line(self, name: str) -> float:
        return float("nan") if self.too_few else _float(self.latest[name])

    @property
    def mean(self) -> float:
        """The centre line of the current segment."""
        return self._line("mean")

    @property
    def lpl(self) -> float:
        """The lower process limit at the latest judged month (0 at least)."""
        lpl = self._line("lpl")
        return lpl if np.isnan(lpl) else max(lpl, 0.0)

    @property
    def upl(self) -> float:
        """The upper process limit at the latest judged month (1 at most for a rate)."""
        upl = self._line("upl")
        return min(upl, 1.0) if self.is_rate and not np.isnan(upl) else upl

    # --- the current segment -------------------------------------------------------------------
    @property
    def segment(self) -> pd.DataFrame:
        """The judged months of the current segment (since the latest declared change)."""
        if self.frame.empty:
            return self.frame
        return self.frame[self.frame["segment"] == self.frame["segment"].iloc[-1]]

    @property
    def segment_start(self) -> str | None:
        return None if self.frame.empty else _month(self.segment["x"].iloc[0])

    @property
    def segment_change(self) -> Change | None:
        """The declared change that started the current segment (None: the first segment)."""
        if self.frame.empty or int(self.frame["segment"].iloc[-1]) == 0:
            return None
        return next((c for c in reversed(self.changes) if c.month <= str(self.segment_start)), None)

    @property
    def n_points(self) -> int:
        return len(self.segment)

    @property
    def trial(self) -> bool:
        """The current segment's limits are trial limits (fewer than 12 months)."""
        return self.too_few or bool(self.latest["trial_limits"])

    # --- the Making Data Count codes -----------------------------------------------------------
    @property
    def variation(self) -> str:
        """``common_cause``, ``improvement``, ``concern``, ``neither`` or ``too_few``."""
        return "too_few" if self.too_few else str(self.latest["variation"])

    @property
    def special(self) -> bool:
        return self.variation in SPECIAL

    @property
    def side(self) -> str:
        """``high`` or ``low``: where a special cause lies (``""`` for common cause)."""
        if not self.special:
            return ""
        return "high" if int(self.latest["direction"]) > 0 else "low"

    @property
    def variation_icon(self) -> str:
        """The Making Data Count variation icon: ``common_cause``, ``improvement_high`` … ``too_few``."""
        return f"{self.variation}_{self.side}" if self.special else self.variation

    @property
    def rule(self) -> str:
        """The special-cause rule that fired on the latest judged month (``""`` for none)."""
        return str(self.latest["rule"]) if self.special else ""

    @cached_property
    def signal_months(self) -> int:
        """How many judged months in a row, ending with the latest, show this special cause."""
        if not self.special:
            return 0
        seg = self.segment
        same = (seg["variation"].astype(str).to_numpy() == self.variation) & \
               (np.sign(seg["direction"].to_numpy(float)) == np.sign(float(self.latest["direction"])))
        breaks = np.flatnonzero(~same)
        return len(same) - (breaks[-1] + 1 if len(breaks) else 0)

    @property
    def signal_since(self) -> str | None:
        """The first month of the run of months showing the latest month's special cause."""
        if not self.special:
            return None
        return _month(self.segment["x"].iloc[-self.signal_months])

    @property
    def new_signal(self) -> bool:
        """A special cause on the latest judged month that the month before it did not show."""
        return self.special and self.signal_months == 1

    @property
    def assurance(self) -> str | None:
        """``consistent_pass``, ``consistent_fail``, ``inconsistent`` or None (no target, a neutral
        KPI, too few months): :func:`hwb_kpis.stats.assurance` on the current limits."""
        if self.target is None or self.too_few or self.direction == "neutral":
            return None
        return stats.assurance(self.frame, self.target.value, self.direction)

    @property
    def proposal(self) -> Proposal | None:
        """A sustained shift still going on in the current segment, to propose as a change point
        (:func:`hwb_kpis.stats.sustained_shift_start`); None when there is none."""
        if self.too_few:
            return None
        start = stats.sustained_shift_start(self.frame)
        if start is None:
            return None
        seg = self.segment
        months = int((seg["x"] >= start).sum())
        side = "above" if float(self.latest["y"]) > float(self.latest["mean"]) else "below"
        return Proposal(_month(start), side, months)

    @cached_property
    def month_change(self) -> dict | None:
        """The latest judged month against the one before (:func:`hwb_kpis.stats.difference_test`),
        with ``supported``: p below 0.05 for this measure alone (a page that looks at several
        measures controls them together: :func:`supported_changes`). None with fewer than 2
        judged months."""
        if self.too_few:
            return None
        test = stats.difference_test(self.frame)
        return {**test, "supported": bool(test["p_value"] < ALPHA)}

    # --- words ---------------------------------------------------------------------------------
    @property
    def sentence(self) -> str:
        """The verdict in words (:func:`hwb_kpis.report.verdict.verdict_sentence`)."""
        return words.verdict_sentence(self)

    @property
    def title(self) -> str:
        """A chart title that states the verdict."""
        return words.chart_title(self.variation, self.label)

    @property
    def chart_choice_sentence(self) -> str:
        """Why this kind of chart (:func:`~hwb_kpis.report.kpi_charts.overdispersion_sentence`);
        empty for a count KPI."""
        return overdispersion_sentence(self.test) if self.is_rate else ""

    @property
    def proposal_sentence(self) -> str:
        """The proposed change point in words, for the internal copy (empty when none)."""
        return words.proposal_sentence(self) if self.proposal else ""

    def figure(self, *, y_label: str, as_of: str | None = None) -> Any:
        """The SPC chart (:func:`hwb_kpis.report.plots.spc_chart`) titled with the verdict, the
        maturing months drawn hollow, the points :meth:`published` withholds left out."""
        from hwb_kpis.report import plots  # imported when drawn: the summary page draws no figure

        maturing = self.maturing
        if self.maturing_hidden is not None and len(maturing):
            maturing = maturing[~self.maturing_hidden]
        return plots.spc_chart(self.frame, title=self.title, y_label=y_label, percent=self.is_rate, as_of=as_of,
                               maturing=maturing, note=words.maturing_note(self) or None, hidden=self.hidden)

    def published(self, decisions: Decisions, view: str = config.DEFAULT_VIEW) -> Verdict:
        """This verdict with the chart points it may not draw marked (:func:`point_hidden`, by the
        pack's disclosure ``decisions``); unchanged in an internal pack."""
        if decisions.internal:
            return self
        return replace(self, hidden=point_hidden(self._points(self.frame), self.kpi, self.group, decisions, view),
                       maturing_hidden=point_hidden(self._points(self.maturing), self.kpi, self.group, decisions, view))

    @staticmethod
    def _points(frame: pd.DataFrame) -> pd.DataFrame:
        """``month, numerator, denominator`` of each point of an SPC or maturing frame."""
        if frame.empty:
            return pd.DataFrame({"month": [], "numerator": [], "denominator": []})
        months = frame["month"] if "month" in frame else frame["x"].map(_month)
        numerator = frame["numerator"] if "numerator" in frame else frame["y"]
        denominator = frame["denominator"] if "denominator" in frame else pd.Series(np.nan, index=frame.index)
        return pd.DataFrame({"month": months.astype(str).to_numpy(), "numerator": numerator.to_numpy(),
                             "denominator": denominator.to_numpy()})

    def record(self) -> dict[str, Any]:
        """The verdict as plain values (for tests, exports and other pages)."""
        return {"kpi": self.kpi, "group": self.group, "label": self.label, "chart": self.chart_kind,
                "month": self.latest_month, "value": self.value, "mean": self.mean, "lpl": self.lpl,
                "upl": self.upl, "variation": self.variation, "variation_icon": self.variation_icon,
                "rule": self.rule, "assurance": self.assurance, "segment_start": self.segment_start,
                "n_points": self.n_points, "trial": self.trial, "signal_since": self.signal_since,
                "maturing": list(self.maturing["month"]), "target": None if self.target is None else self.target.value}


def _maturing_rows(kpi_df: pd.DataFrame, kpi: str, group: str, month: str | None,
                   shares: dict[str, float]) -> pd.DataFrame:
    rows = series(kpi_df, kpi, group, month)
    rows = rows[rows["month"].astype(str).isin(shares)]
    if registry.is_rate(kpi):
        den = pd.to_numeric(rows["denominator"], errors="coerce")
        rows = rows[den > 0]
        y = pd.to_numeric(rows["numerator"], errors="coerce") / pd.to_numeric(rows["denominator"], errors="coerce")
    else:
        y = pd.to_numeric(rows["numerator"], errors="coerce")
    months = rows["month"].astype(str)
    return pd.DataFrame({"month": months.to_numpy(), "x": pd.to_datetime(months + "-01").to_numpy(),
                         "y": y.to_numpy(float), "numerator": pd.to_numeric(rows["numerator"]).to_numpy(float),
                         "denominator": pd.to_numeric(rows["denominator"], errors="coerce").to_numpy(float),
                         "share": [shares[m] for m in months]})


def kpi_verdict(kpi_df: pd.DataFrame, kpi: str, group: str = "all", month: str | None = None,
                rules: VerdictRules | None = None, *, label: str | None = None, internal: bool = False) -> Verdict:
    """The verdict on ``kpi`` for ``group`` up to ``month``.

    ``kpi_df``: monthly KPI rows (:func:`hwb_kpis.kpis.kpi_table`, or
    :func:`hwb_kpis.kpis.iha_within` for IHA, whose ``not_yet_due`` says which cohorts are still
    maturing); ``rules``: the pack's declared changes, targets and maturing share. Months still
    maturing (:func:`hwb_kpis.report.maturing.maturing_months`) are left out of the chart and kept
    in ``maturing``; each declared change inside the judged months starts a new segment; the
    declared target is carried for the assurance icon. ``label`` defaults to the measure's label
    (``"Repeat contacts (health)"``); ``internal``: the sentence may show a figure resting on a
    count of 1 to 4."""
    rules = rules or VerdictRules()
    kind, shares = maturing_months(kpi_df, kpi, group, rules.maturing_share)
    maturing = _maturing_rows(kpi_df, kpi, group, month, shares)
    months = sorted(judged_rows(kpi_df, kpi, group, month, exclude=shares)["month"].astype(str))
    changes = tuple(c for c in rules.changes_for(kpi, group) if months and months[0] < c.month <= months[-1])
    target = rules.target_for(kpi, group)
    # a change declared for a month that is not judged (no figures, still maturing) starts the
    # limits at the next judged month: the chart rebases only at months it shows
    starts = sorted({next(m for m in months if m >= c.month) for c in changes})
    frame, test = kpi_spc(kpi_df, kpi, group, month, exclude=shares, rebase_at=starts or None,
                          target=None if target is None else target.value)
    return Verdict(kpi, group, label or measure_label(kpi, group, brackets=True), str(month) if month else (months[-1] if months else ""),
                   frame, maturing, kind if len(maturing) else None, test, changes, target, internal)


def supported_changes(verdicts: Mapping[Any, Verdict]) -> dict[Any, bool]:
    """Which verdicts' month-on-month difference (:attr:`Verdict.month_change`) is a finding once
    the pack's measures are taken together: Benjamini–Hochberg over the difference tests of every
    verdict judged this month (the family), false discovery rate :data:`hwb_kpis.stats.FDR`. A
    verdict with too few months has no test and is never supported."""
    keys = [k for k, v in verdicts.items() if v.month_change is not None]
    p = [v.month_change["p_value"] for k, v in verdicts.items() if k in keys]
    _, found = stats.bh_adjust(p)
    out = dict.fromkeys(verdicts, False)
    out.update(zip(keys, (bool(f) for f in found), strict=True))
    return out
