"""Statistics toolkit: SPC charts in the NHS "Making Data Count" style (XmR, p, Laney p'; one
function per special-cause rule in :mod:`.spc_rules`),
funnel plot limits, trend and interrupted time series (binomial GLMs), re-contact drivers
(logistic regression), time to re-contact (Kaplan-Meier curves, Cox proportional hazards) and
Benjamini-Hochberg control of each family of findings. Pure functions: frames in, frames
(or small result records) out; nothing is read from or written to disk."""

from hwb_kpis.stats.funnel import (
    binomial_limit,
    funnel_curve,
    funnel_limits,
    funnel_phi,
    funnel_tau2,
)
from hwb_kpis.stats.models import (
    ITSResult,
    TrendResult,
    coefficient_table,
    glm_trend,
    interrupted_time_series,
    month_index,
    recontact_drivers,
)
from hwb_kpis.stats.multiplicity import FDR, bh_adjust
from hwb_kpis.stats.spc import (
    assurance,
    difference_test,
    overdispersion_test,
    p_chart,
    spc_summary,
    sustained_shift_start,
    xmr,
)
from hwb_kpis.stats.survival import km_curves, km_recontact, recontact_episodes, recontact_hazards

__all__ = [
    "FDR",
    "bh_adjust",
    "funnel_phi",
    "funnel_tau2",
    "ITSResult",
    "TrendResult",
    "assurance",
    "binomial_limit",
    "coefficient_table",
    "difference_test",
    "funnel_curve",
    "funnel_limits",
    "funnel_phi",
    "glm_trend",
    "interrupted_time_series",
    "km_curves",
    "km_recontact",
    "month_index",
    "overdispersion_test",
    "p_chart",
    "recontact_drivers",
    "recontact_episodes",
    "recontact_hazards",
    "spc_summary",
    "sustained_shift_start",
    "xmr",
]
