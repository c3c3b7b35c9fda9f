"""Which agency made the earlier contact and which the repeat: the agency-to-agency flow of
repeat contacts (from :func:`hwb_kpis.kpis.flag_repeats`' ``earlier_*`` columns), as a table of
counts with totals and as a heat map. The counts leave the machine only through disclosure
control (the caller publishes them; :func:`flow_cells` gives each cell's key and count)."""

from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from hwb_kpis.report import plots
from hwb_kpis.report.labels import group_label

#: the row and column holding the totals
TOTAL = "all agencies"


def flow_contacts(flagged: pd.DataFrame, kpi_df: pd.DataFrame, judged_month: str) -> pd.DataFrame:
    """The contacts of ``flagged`` (the output of ``flag_repeats``) whose repeats the flow tables
    count — page 04's and every agency page's alike: the 12 months to ``judged_month`` (the latest
    month of the repeat rate no longer maturing, :attr:`Verdict.latest_month`), from the first
    month with a full look-back of history (the first month of the repeat rate in ``kpi_df``).
    Months still maturing are left out, as they are out of page 04's models and verdict."""
    from hwb_kpis.report.kpi_charts import series
    from hwb_kpis.report.words import shift_month

    first = series(kpi_df, "repeat_contacts", "all", judged_month)["month"].min()
    if not isinstance(first, str):  # no month with a full look-back of history
        return flagged.iloc[:0]
    first = max(first, shift_month(judged_month, -11))
    months = flagged["month"].astype(str)
    return flagged[((months >= first) & (months <= judged_month)).to_numpy(bool)]


def repeat_flows(flagged: pd.DataFrame, group_col: str) -> pd.DataFrame:
    """Repeat contacts of ``flagged`` (the output of ``flag_repeats``) counted by the agency of
    the earlier contact that made each a repeat (rows, ``earlier``) and the agency of the repeat
    (columns), in the view whose group column is ``group_col``. Agencies in the order of their
    repeats; no totals (see :func:`with_totals`)."""
    earlier_col = f"earlier_{group_col}"
    repeats = flagged[flagged["is_repeat"].astype(bool).to_numpy()]
    if earlier_col not in repeats.columns or repeats.empty:
        return pd.DataFrame(dtype="int64")
    pairs = pd.DataFrame({"earlier": repeats[earlier_col].astype("string").fillna("unknown").to_numpy(),
                          "repeat": repeats[group_col].astype("string").fillna("unknown").to_numpy()})
    table = pd.crosstab(pairs["earlier"], pairs["repeat"]).astype("int64")
    order = (table.sum(axis=1).add(table.sum(axis=0), fill_value=0)).sort_values(ascending=False, kind="stable")
    agencies = list(order.index)
    return table.reindex(index=agencies, columns=agencies, fill_value=0)


def with_totals(flows: pd.DataFrame) -> pd.DataFrame:
    """:func:`repeat_flows` with a total row and column (:data:`TOTAL`)."""
    if flows.empty:
        return flows
    out = flows.copy()
    out[TOTAL] = out.sum(axis=1)
    out.loc[TOTAL] = out.sum(axis=0)
    return out


def flow_key(earlier: str, repeat: str, end: str) -> tuple[str, str, str, str]:
    """The key of a flow count over the 12 months to ``end`` (either agency may be :data:`TOTAL`)."""
    return ("repeat flow", str(earlier), str(repeat), str(end))


def flow_cells(flows: pd.DataFrame, end: str) -> list[tuple[tuple, int, bool]]:
    """(key, count, is_total) of every cell of :func:`with_totals` — for a disclosure plan whose
    relations are each row's and each column's sum."""
    full = with_totals(flows)
    return [(flow_key(e, r, end), int(full.loc[e, r]), TOTAL in (e, r)) for e in full.index for r in full.columns]


def labelled(table: pd.DataFrame) -> pd.DataFrame:
    """A flow table with plain agency names and the earlier agency as the first column."""
    out = table.rename(index=_label, columns=_label)
    out.index.name = "earlier contact from"
    out.columns.name = None
    return out.reset_index()


def _label(group: str) -> str:
    return TOTAL if group == TOTAL else group_label(group)


def flow_heatmap(shares: pd.DataFrame, *, title: str, as_of: str | None = None, note: str | None = None) -> Figure:
    """A heat map of ``shares`` (earlier agency rows x repeat agency columns, each row's share of
    its repeats; NaN for a cell not shown): darker = more of the row's repeats."""
    plots.apply_house_style()
    n_rows, n_cols = shares.shape
    fig, axes = plots._figure(figsize=(max(6.0, 0.75 * n_cols + 2.5), max(3.0, 0.42 * n_rows + 1.8)))
    ax = axes[0, 0]
    if shares.empty:
        ax.axis("off")
        ax.text(0.5, 0.5, plots.NOTHING_TO_DRAW, ha="center", va="center", transform=ax.transAxes)
        return plots._finish(fig, title, note, as_of)
    values = shares.to_numpy(dtype=float)
    masked = np.ma.masked_invalid(values)
    image = ax.imshow(masked, cmap="Blues", vmin=0.0, vmax=max(0.01, float(np.nanmax(values)) if np.isfinite(values).any()
                                                               else 1.0), aspect="auto")
    ax.set_xticks(range(n_cols), [_label(c) for c in shares.columns], rotation=40, ha="right")
    ax.set_yticks(range(n_rows), [_label(r) for r in shares.index])
    ax.set_xlabel("Repeat contact from")
    ax.set_ylabel("Earlier contact from")
    ax.grid(False)
    for i in range(n_rows):
        for j in range(n_cols):
            v = values[i, j]
            text = "" if np.isnan(v) else f"{v:.0%}"
            ax.text(j, i, text, ha="center", va="center", fontsize=8,
                    color="white" if not np.isnan(v) and v > 0.6 * float(np.nanmax(values)) else "black")
    fig.colorbar(image, ax=ax, format=plots.PercentFormatter(1.0, decimals=0), label="Share of the row's repeats")
    if np.isnan(values).any():
        note = f"{note or plots.DEFAULT_NOTE} A blank cell: a count the table does not show."
    return plots._finish(fig, title, note, as_of)


def row_shares(flows: pd.DataFrame, hidden: pd.DataFrame | None = None) -> pd.DataFrame:
    """Each cell of :func:`repeat_flows` as a share of its row's repeats; NaN where ``hidden``
    (same shape as :func:`with_totals`: True for a count not shown) hides the cell or its row's
    total, so the heat map shows nothing the table withholds."""
    totals = flows.sum(axis=1).replace(0, np.nan)
    shares = flows.div(totals, axis=0)
    if hidden is not None and not flows.empty:
        inner = hidden.loc[flows.index, flows.columns].to_numpy(bool)
        row_total = hidden.loc[flows.index, TOTAL].to_numpy(bool)[:, None]
        shares = shares.mask(inner | row_total)
    return shares


def flows_plan(flows: pd.DataFrame, end: str, *, internal: bool = False):
    """The disclosure decisions for :func:`with_totals` (every cell published; each row's and each
    column's total is the sum of its cells, the grand total the sum of the row totals), by
    complementary suppression (:class:`hwb_kpis.privacy.secondary.Ledger`)."""
    from hwb_kpis.privacy.secondary import Ledger

    ledger = Ledger()
    full = with_totals(flows)
    for (k, n, is_total) in flow_cells(flows, end):
        ledger.count(k, n, margin=is_total)
    for e in flows.index:
        ledger.total(flow_key(e, TOTAL, end), [flow_key(e, r, end) for r in flows.columns], what=f"repeats after {e}")
    for r in flows.columns:
        ledger.total(flow_key(TOTAL, r, end), [flow_key(e, r, end) for e in flows.index], what=f"repeats from {r}")
    if len(full):
        ledger.total(flow_key(TOTAL, TOTAL, end), [flow_key(e, TOTAL, end) for e in flows.index], what="all repeats")
    return ledger.protect(internal=internal)


def published_flows(flows: pd.DataFrame, end: str, decisions) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(the table as published — each count shown, ``<5`` or ``c`` —, which cells are hidden) for
    :func:`with_totals`."""
    full = with_totals(flows)
    shown = full.astype(object).copy()
    hidden = pd.DataFrame(False, index=full.index, columns=full.columns)
    for e in full.index:
        for r in full.columns:
            k = flow_key(e, r, end)
            shown.loc[e, r] = decisions.cell(k, int(full.loc[e, r]))
            hidden.loc[e, r] = not decisions.shown((k, int(full.loc[e, r])))
    return shown, hidden


def flows_sentence(flows: pd.DataFrame, hidden: pd.DataFrame, month: str) -> str:
    """How many repeats followed an earlier contact from the same agency, and the largest flow
    between two different agencies (figures only where the table shows them)."""
    from hwb_kpis.periods import month_name

    if flows.empty or int(flows.to_numpy().sum()) == 0:
        return "There were no repeat contacts in the 12 months."
    total = int(flows.to_numpy().sum())
    same = int(np.trace(flows.reindex(index=flows.columns).fillna(0).to_numpy()))
    diagonal_hidden = any(bool(hidden.loc[g, g]) for g in flows.columns if g in flows.index)
    if diagonal_hidden or bool(hidden.loc[TOTAL, TOTAL]):
        text = f"Of the repeat contacts in the 12 months to {month_name(month)}, many came from a different agency"
    else:
        text = (f"Of the repeat contacts in the 12 months to {month_name(month)}, {same / total:.0%} came from the "
                "same agency as the earlier contact")
    others = flows.copy()
    for g in others.columns:
        if g in others.index:
            others.loc[g, g] = -1
    e, r = np.unravel_index(int(np.argmax(others.to_numpy())), others.shape)
    earlier, later = others.index[e], others.columns[r]
    if others.iloc[e, r] > 0 and not bool(hidden.loc[earlier, later]) and not bool(hidden.loc[earlier, TOTAL]):
        text += (f"; the largest flow between two agencies was from {_label(earlier)} to {_label(later)} "
                 f"({flows.loc[earlier, later] / flows.loc[earlier].sum():.0%} of the repeats after a contact from "
                 f"{_label(earlier)})")
    return text + "."
