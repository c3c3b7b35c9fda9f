"""The seeded, deterministic synthetic raw extract (``hwb-kpis synth``): never real children.

``write_extract(out_dir, seed=20151130, start="2013-04", end="2015-11", scale=1.0, authorities=1)``
writes ``contacts.csv`` and ``looked_after.csv`` in the raw data contract's format (with an
``authority`` column only when ``authorities > 1``) and a ``SYNTHETIC`` marker file listing the
SHA-256 of both (:mod:`hwb_kpis.synthetic`: the demo key applies only while the folder holds
exactly these files). The same
arguments give the same bytes on every machine: one ``numpy.random.Generator(PCG64(seed))`` per
authority (authority 0 uses ``seed`` itself, authority ``a >= 1`` uses ``SeedSequence([seed, a])``),
stable sorts only, integer day arithmetic, no floats, no timestamps and no set/dict-order
dependence in the output. Rows are generated and written month by month (:func:`iter_chunks`), so
memory holds one month of contacts plus the children seen in the last two years.

The figures and sizes below are data: ``calibration.yml`` (targets, trends, mechanism sizes),
``channels.yml`` (the agencies and how they record), ``recording.yml`` (spellings, date formats,
noise) and ``mess.yml``; the steps are modules: :mod:`~hwb_kpis.demo.volumes`,
:mod:`~hwb_kpis.demo.children`, :mod:`~hwb_kpis.demo.outcomes`, :mod:`~hwb_kpis.demo.looked_after`,
:mod:`~hwb_kpis.demo.recording` and :mod:`~hwb_kpis.demo.mess`, run month by month by
:class:`~hwb_kpis.demo.authority.Authority`. This module is the public entry: :func:`iter_chunks`
and :func:`write_extract`.

Calibration (default arguments; see ``docs/calibration.md``). Every figure below is
computed by the real pipeline (ingest -> coding -> kpis) on the **recoded** view (the default:
the seed report's figures are what the board saw, and the package shows the recoded view by
default), except "school nurse very low", which is about the code *as recorded*. The default
extract reproduces them (``tests/backtests/test_calibration.py``; default-seed values in brackets):

* contacts a month about 1,400: the mean of Apr 2014 - Nov 2015 is rescaled to exactly
  1,400 x scale before rounding (1,400; months range 1,217-1,490: noise sd 3.5% on non-school
  contacts plus school terms, below);
* health share of contacts drawn each month in 16.0-17.6% (sd 0.5 points, clipped) and planted
  as an exact count of contacts whose true code is health (= the recoded view);
* health mix: 3E (A&E 20% + NHS 111 10% of health) first, 3D (SCAS 13% + other primary 13.5%)
  close behind, 3A 13%, 3B 11.5%, 3F 11%, 3C (true school nurse) 8%; 3C *as recorded* about 3%
  of health, the lowest health code;
* November 2015 (``CALIBRATION``) is planted with exact quotas: health 17% of contacts; MARF
  34% of all contacts and 74% of health contacts; 58% of decided contacts progressed to
  referral; 51% of all and 47% of health contacts are repeat contacts (slots filled with
  children chosen to have, or not to have, an earlier threshold-not-met contact 1-365 days
  before). Which contacts fill each quota is random, weighted by the mechanisms below. The
  quotas need a year of history: they apply only when ``start`` is at least 12 months before;
* IHA cohorts: January 2015 exactly 14 children, 1 within 28 days (7%); October 2015 exactly
  20, 18 within 28 days (90%); which children are on time is random (cohort sizes scale);
* DfE, year ending March 2015 (reporting year 2014/15): referrals about 5,100-5,350 (5,208;
  target 5,129 +-5%), re-referrals within 12 months about 27-28% (27.6%; target 27.3 +-3
  points); about 200 children a year start to be looked after (180 in 2013/14, 190 in 2014/15).

Planted mechanisms (each with its size; the notebooks should recover them):

1. **Children who come back.** Each contact slot is filled by a *repeat* child (an earlier
   threshold-not-met contact -- NFA, advice, early help -- 1 to 365 days before), a *known*
   child (earlier contacts but no threshold-not-met one within 365 days; 10% of contacts;
   children referred in the last year weighted x4) or a new child. Repeat quota: 56% of
   contacts until December 2014, easing linearly to 52% by October 2015 (sd 1 point; exactly
   51% in November 2015); while history builds up (2013-14) at most 20% of the eligible
   children come back in a month, so the repeat rate ramps up over the first months.
2. **Repeat contacts are more likely when the earlier contact was not on a MARF.** Among eligible
   children the chance of being one who comes back this month is proportional to
   ``(2.0 if their latest threshold-not-met contact was not on a MARF else 1.0) x agency factor
   of that contact (police 1.3, individuals 1.2, anonymous 1.3, NHS 111 1.2, other health 0.9,
   others 1.0) x exp(-days since / 150)``: a monthly re-contact hazard ratio of 2.0 (no MARF vs
   MARF). Realised (default seed, threshold-not-met contacts Apr 2014 - Nov 2014): re-contacted
   within 365 days 74% when not on a MARF vs 45% on a MARF; by agency of the earlier contact
   from 56% (health) to 78% (police) and 81% (anonymous).
3. **Repeat contacts differ by agency** of the new contact: weight of a contact slot being filled
   by a repeat child police 1.35, anonymous 1.3, individuals 1.2, legal/housing 1.1, voluntary
   0.9, health 0.8, others 1.0 (realised Apr 2014 - Nov 2015: police 62%, individuals 59%,
   schools 51%, health 43%).
4. **Conversion is higher for MARF contacts and drifts upward through 2015.** P(referral) is
   logistic: ``L(month) + agency offset + 0.7 x MARF + 0.1 x (child referred in the last 365
   days) + agency-by-month noise (sd 0.15)``, so the MARF odds ratio is exp(0.7) = 2.0
   (``MARF_LOGIT``; a logistic fit on recoded code and month estimates 0.64, 95% CI 0.57-0.71,
   slightly attenuated because agencies sharing a code differ and by the agency-by-month noise).
   ``L`` is solved each month so that the expected conversion is 29% until October 2014, 30%
   in November 2014, then rises linearly on the logit scale from 31% (December 2014) to 58%
   (November 2015), +0.10 logit a month. Agency offsets (logit, ``CHANNELS``): police -0.5,
   family/acquaintance/stranger -0.6, anonymous -1.0, NHS 111 -0.4, SCAS -0.2, A&E +0.2,
   GP/health visitor/other health +0.3, school nurse +0.2, schools +0.1, LA services +0.3 to
   +0.6, legal +0.5, unknown -0.5.
5. **MARF use rises**: per-agency MARF probabilities at November 2015 (A&E 82%, GP and health
   visitor 85%, NHS 111 55%, schools 45%, police 12%, individuals 2%) with a logit shift of -0.9
   until March 2015 rising linearly to 0 in November 2015 (agency-by-month noise sd 0.15).
6. **School nurse concerns recorded as Schools.** Of true school nurse (3C) contacts 30% are
   recorded 3C, 40% are recorded 2A by the school's DSL on the nurse's behalf ("DSL on behalf
   of school nurse", "Raised by school nurse, passed on by DSL"...), 30% are miscoded 2A with
   referrer role "School Nurse"; 1.2% of Schools contacts are recorded 3C but come from school
   staff (teacher, DSL, pastoral manager). NHS 111 (true 3E) is recorded elsewhere 35% of the
   time (3D 10%, 3F 10%, 8 5%, blank 10%); SCAS (true 3D) 25% (3E 8%, 3F 7%, 8 4%, blank
   6%). The texts are written so that ``reference/recoding_rules.yml`` recovers the true code.
7. **Seasonality (school terms).** School contacts (2A, and the school nurse) per month are
   Jan 0.95, Feb 0.88, Mar 1.05, Apr 0.70, May 0.92, Jun 1.05, Jul 0.85, Aug 0.15, Sep 0.95,
   Oct 0.90, Nov 1.10, Dec 0.70 of a term month (about 270 a month at scale 1, sd 5%) and fall
   almost entirely on weekdays (weekend day weight 0.03, vs 0.45 for other agencies).
8. **Sibling groups.** 12% of new-child contacts are a sibling of another new child contacted
   the same day by the same agency (same family, same referrer text, MARF copied, outcome
   copied 80%; siblings 1-6 years apart). Ages at first contact: 0-4 30%, 5-9 27%, 10-15 33%,
   16-17 10%.
9. **IHA timeliness improves mainly through faster consent.** Share of a month's cohort assessed
   within 28 days: 35% (April 2013) falling to 10% (December 2014), 7% in January 2015, then
   rising linearly to 90% in October 2015. Days from period start to IHA: on time 12-28, late
   29 + exponential(mean 30, capped at 150). The consent step takes 60% of that time (x0.8-1.15)
   until January 2015, falling linearly to 25% by October 2015; health is notified after a
   further 12% (x0.7-1.3, at least a day); the rest is the health provider's step (median
   start-to-consent 30 days in January 2015, 4.5 in October). 4% of late children never get an
   IHA (not in the two calibration cohorts); dates after the extract end are left blank. About
   17 children start to be looked after a month (Poisson), drawn from children referred in the
   previous 180 days.

Mess (contact mess rows all fall before November 2014, more than a year before the calibration
month, and looked-after mess outside the two IHA cohorts, so none can touch a calibration figure;
each kind ends in the quarantine or the duplicate count with its reason): contact dates mostly UK ``dd/mm/yyyy`` before July 2014 and mostly ISO after, 0.5%
Excel serial numbers before November 2014; decision dates in the row's format; dates of birth
ISO, UK, ``YYYY-MM`` or blank; codes in lower case, padded, as Annex A labels
(``k) 3E: Health services``) or blank; outcome labels in varied case/spacing/wording ("NFA",
" Referral ", "Early-Help", "Progressed to referral"...), all known to
``reference/value_maps.yml``; MARF as Y/N/Yes/No/1/0/TRUE/FALSE/blank. Per authority, as
*extra* rows (so no child's history changes): 24 exact duplicate rows, 18 rows with a missing
child id, 10 impossible dates (31/02/2015), 5 unparseable dates (2014/06/03), 6 dates in 2099,
15 unknown outcome labels ("See case notes", "TBC"...) and 8 pairs of rows sharing a contact id
with different content; looked-after: 3 exact duplicates, 2 missing child ids, 1 impossible and
1 future period start.

Large extracts: volumes scale linearly with ``scale`` (and the IHA cohorts and quotas with them).
About 10 million contacts: ``--scale 1.5 --authorities 150`` (recommended: memory stays about
150 MB; authority 0 is the calibrated default, authorities 2.. vary volume x lognormal(sd 0.35),
health share 13-21%, MARF use, conversion and repeats; ids are prefixed ``LA001-``...) or
``--scale 220`` for one very large authority (memory grows with one month of rows, about 1 GB).
Throughput is about 6-7 microseconds a row on one core (10 million rows in 1-2 minutes). Mess
rows are the same few tens per authority whatever the scale.
"""


from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import IO, Any

from hwb_kpis import config
from hwb_kpis.demo.authority import Authority, Chunk
from hwb_kpis.demo.calibration import DEFAULT_END, DEFAULT_SEED, DEFAULT_START
from hwb_kpis.demo.dates import Dates, Month, day_number, month_list
from hwb_kpis.errors import HwbKpisError
from hwb_kpis.synthetic import write_marker

MARKER = config.SYNTHETIC_MARKER
_CONTACT_HEADER = list(config.CONTACT_COLUMNS)
_LA_HEADER = list(config.LOOKED_AFTER_COLUMNS)

__all__ = ["DEFAULT_END", "DEFAULT_SEED", "DEFAULT_START", "MARKER", "Chunk", "iter_chunks", "write_extract",
           "write_training_example"]
#: the example training.csv: the agencies and months whose threshold training the extract plants
TRAINING_EXAMPLE = Path(__file__).with_name("training.csv")


def iter_chunks(
    *, seed: int = DEFAULT_SEED, start: str = DEFAULT_START, end: str = DEFAULT_END, scale: float = 1.0,
    authorities: int = 1,
) -> Iterator[Chunk]:
    """Yield the extract one (authority, month) chunk at a time, in file order: all months of
    authority 1, then authority 2, ... Memory holds one chunk and one authority's recent children."""
    if authorities < 1:
        raise HwbKpisError(f"synth: authorities must be at least 1 (got {authorities})")
    if not scale > 0:
        raise HwbKpisError(f"synth: scale must be positive (got {scale})")
    months = month_list(start, end)
    end_day = Month.of(len(months) - 1, *months[-1]).last
    dates = Dates(day_number(*months[0]) - 19 * 366, end_day + 400)
    for a in range(authorities):
        auth = Authority(a, seed, months, scale, authorities, end_day)
        for mi in range(len(months)):
            yield auth.month(mi, dates)


class _Hashed:
    """A text file being written, and the SHA-256 of the bytes written to it (UTF-8)."""

    def __init__(self, fh: IO[str]) -> None:
        self.fh, self.digest = fh, hashlib.sha256()

    def write(self, text: str) -> int:
        self.digest.update(text.encode("utf-8"))
        return self.fh.write(text)


def write_extract(
    out_dir: Path | str,
    *,
    seed: int = DEFAULT_SEED,
    start: str = DEFAULT_START,
    end: str = DEFAULT_END,
    scale: float = 1.0,
    authorities: int = 1,
    echo: Callable[[str], Any] = print,
) -> list[Path]:
    """Write the synthetic raw extract (``contacts.csv``, ``looked_after.csv``, ``SYNTHETIC`` with
    their SHA-256) into ``out_dir``, streaming month by month. Returns the paths written."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    contacts_path, la_path, marker = out / "contacts.csv", out / "looked_after.csv", out / MARKER
    extra = ["authority"] if authorities > 1 else []
    n_contacts = n_la = 0
    echo(f"writing a SYNTHETIC extract (seed {seed}, {start} to {end}, scale {scale:g}, "
         f"{authorities} authorit{'y' if authorities == 1 else 'ies'}) to {out}")
    tmp_c, tmp_l = contacts_path.with_suffix(".csv.part"), la_path.with_suffix(".csv.part")
    with open(tmp_c, "w", encoding="utf-8", newline="") as c_file, open(tmp_l, "w", encoding="utf-8", newline="") as l_file:
        fc, fl = _Hashed(c_file), _Hashed(l_file)
        fc.write(",".join(_CONTACT_HEADER + extra) + "\n")
        fl.write(",".join(_LA_HEADER + extra) + "\n")
        for chunk in iter_chunks(seed=seed, start=start, end=end, scale=scale, authorities=authorities):
            chunk.contacts.to_csv(fc, header=False, index=False, lineterminator="\n")
            chunk.looked_after.to_csv(fl, header=False, index=False, lineterminator="\n")
            n_contacts += len(chunk.contacts)
            n_la += len(chunk.looked_after)
    tmp_c.replace(contacts_path)
    tmp_l.replace(la_path)
    write_marker(out, {contacts_path.name: fc.digest.hexdigest(), la_path.name: fl.digest.hexdigest()},
                 note=f"seed {seed}")
    echo(f"synthetic extract: {n_contacts:,} contact rows, {n_la:,} looked-after rows (not real children)")
    return [contacts_path, la_path, marker]


def write_training_example(path: Path | str) -> Path:
    """Write the example ``training.csv`` (the agencies and months whose threshold training the
    default extract plants: ``calibration.yml``, ``training``) to ``path``; refuses to overwrite."""
    path = Path(path)
    if path.exists():
        raise HwbKpisError(f"{path} already exists: remove it first (it may be your own training record)")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(TRAINING_EXAMPLE.read_text(encoding="utf-8"), encoding="utf-8")
    return path
