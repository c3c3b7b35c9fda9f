"""The board KPIs of ``docs/kpi-definitions.md``, month by month, by referral source, in both views.

Every KPI function takes the processed table (``contacts`` or ``looked_after``, as written by
``hwb-kpis clean``) and returns a tidy frame with one row per (kpi, group, month)::

    kpi, group, month, period, numerator, denominator, rate, incomplete_history, partial_period, limit

* ``month`` is ``YYYY-MM`` for monthly rows (``period == "month"``). Re-referrals are also given per
  reporting year (1 April – 31 March): those rows have ``period == "year"`` and ``month`` like
  ``2014/15`` (a slash, because ``2010-11`` would read as November 2010). DfE's ``time_period``
  2015 is our ``2014/15``.
* ``rate = numerator / denominator`` (a fraction, not a percentage); NaN when the denominator is 0.
  Counts are always given; months between the first and last month of the data with no
  contacts appear with zero counts (a gap is news, not a missing row).
* ``group`` is ``all``, a source group of the chosen view (``health``, ``schools``, ``police``,
  …; ``unknown`` for a blank recorded code) or, for ``contacts`` only, a source code as
  ``code:3E`` (``code:missing`` when the recorded code is blank). ``health`` and the health codes
  3A–3F always appear, with zeros if need be.
* ``incomplete_history`` is True for repeat-contact and re-referral rows of a month (or year)
  that starts less than ``lookback_days`` after the first contact date of the data: earlier
  contacts those rows depend on may lie before the extract. Trend charts should leave them out.
* ``partial_period`` is True for a reporting-year row whose April–March is not fully covered by
  the months of the data (always False for monthly rows).
* ``limit`` is the IHA limit (``28d`` / ``20wd``) on IHA rows, NA elsewhere.

The KPIs (``view="recoded"`` uses ``source_code``/``source_group``; ``"recorded"`` uses
``source_code_recorded``/``source_group_recorded``; the view only changes the groups):

``contacts``
    numerator = contacts of the group in the month; denominator = all contacts in the month;
    rate = the group's share (1.0 for ``all``).
``health_share``
    group ``all``: health contacts / all contacts.
``marf``
    contacts with ``marf`` True / contacts (``marf`` unknown counts as not on a MARF).
``conversion``
    contacts with outcome ``referral`` / contacts with a decided outcome (not ``pending``).
``pending``
    contacts with outcome ``pending`` / contacts: the contacts left out of conversion's
    denominator, reported beside it.
``repeat_contacts``
    contacts that are repeats (see :func:`flag_repeats`) / contacts; groups are those of the
    repeat (later) contact.
``rereferral_12m``
    referrals (outcome ``referral``, dated by ``contact_date``) whose child had a referral on a
    strictly earlier date at most ``lookback_days`` earlier / referrals.
``iha_within_28_days``
    see :func:`iha_within` (the name is kept for the 20-working-day limit too; see ``limit``).

Children are matched within an authority: the key is (``authority``, ``child_id``), which is just
``child_id`` for a single-authority extract. A multi-authority extract gives pooled figures:
filter the tables to one authority first for that authority's KPIs.

:func:`kpi_table` with ``month`` keeps only that month's rows (reporting-year rows are left out);
``as_of`` defaults to the latest date anywhere in the extract. :func:`flag_repeats` gives the
per-contact flags (and the previous contact's outcome and MARF) for modelling, :func:`iha_steps`
the median days of each step of the IHA process.

The modules, in the order of the flow: :mod:`.arrays` (columns as numpy arrays),
:mod:`.history` (each child's earlier contacts: repeat and re-referral flags, in O(n log n) with
no per-child loop), :mod:`.prepare` (the prepared contacts and their count cube), :mod:`.rows`
(the tidy row format), one module per KPI family (:mod:`.contact_kpis`, :mod:`.referrals`,
:mod:`.iha`), :mod:`.table` (every KPI of :mod:`.registry` together) and :mod:`.output` (text).
"""

from hwb_kpis.contract.processed import load_processed  # noqa: F401  (the `kpis` command's input)
from hwb_kpis.kpis import workdays  # noqa: F401  (kpis.workdays: the working-day arithmetic)
from hwb_kpis.kpis.contact_kpis import contacts, conversion, health_share, marf, repeat_contacts
from hwb_kpis.kpis.history import flag_repeats
from hwb_kpis.kpis.iha import IHA_STEPS, iha_steps, iha_within
from hwb_kpis.kpis.output import RECORD_KEYS, format_kpis
from hwb_kpis.kpis.referrals import rereferral_12m
from hwb_kpis.kpis.registry import KPI_NAMES
from hwb_kpis.kpis.rows import ALL, COLUMNS, HEALTH
from hwb_kpis.kpis.table import extract_as_of, kpi_table, rereferrals

__all__ = [
    "ALL", "COLUMNS", "HEALTH", "IHA_STEPS", "KPI_NAMES", "RECORD_KEYS", "contacts", "conversion",
    "extract_as_of", "flag_repeats", "format_kpis", "health_share", "iha_steps", "iha_within",
    "kpi_table", "load_processed", "marf", "repeat_contacts", "rereferral_12m", "rereferrals", "workdays",
]
