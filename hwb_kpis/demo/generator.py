"""The seeded, deterministic synthetic raw extract (``hwb-kpis synth``): never real children.

``write_extract(out_dir, seed=20151130, start="2013-04", end="2015-11", scale=1.0, authorities=1)``
writes ``contacts.csv`` and ``looked_after.csv`` in the raw data contract's format (with an
``authority`` column only when ``authorities > 1``) and a ``SYNTHETIC`` marker file. The same
arguments give the same bytes on every machine: one ``numpy.random.Generator(PCG64(seed))`` per
authority (authority 0 uses ``seed`` itself, authority ``a >= 1`` uses ``SeedSequence([seed, a])``),
stable sorts only, integer day arithmetic, no floats, no timestamps and no set/dict-order
dependence in the output. Rows are generated and written month by month (:func:`iter_chunks`), so
memory holds one month of contacts plus the children seen in the last two years.

Calibration (default arguments; see ``../shared/spec/calibration.md``). Every figure below is
computed by the real pipeline (ingest -> coding -> kpis) on the **recoded** view (the default:
the seed report's figures are what the board saw, and the package shows the recoded view by
default), except "school nurse very low", which is about the code *as recorded*. The default
extract reproduces them (``tests/test_calibration.py``; default-seed values in brackets):

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

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from hwb_kpis import config
from hwb_kpis.errors import HwbKpisError

DEFAULT_SEED = 20151130
MARKER = config.SYNTHETIC_MARKER
SATURDAY = 5  #: day of the week, 0 = Monday
BLANK_FORMAT = 4  #: date format code of a blank date (see ``_Dates.text``)

#: the calibration month's exact quotas (fractions of the month's contacts; conversion of decided)
CALIBRATION = {
    "month": "2015-11",
    "health_share": 0.17,
    "marf_all": 0.34,
    "marf_health": 0.74,
    "conversion": 0.58,
    "repeat_all": 0.51,
    "repeat_health": 0.47,
}
#: IHA cohorts planted exactly at scale 1: month -> (children, assessed within 28 days)
IHA_COHORTS = (("2015-01", 14, 1), ("2015-10", 20, 18))

#: the mean contacts a month over this window is exactly ``MONTHLY_CONTACTS * scale`` (pre-rounding)
VOLUME_WINDOW = ("2014-04", "2015-11")
MONTHLY_CONTACTS = 1400.0
SCHOOL_TERM_MONTH = 270.0
LA_STARTS_PER_MONTH = 17.0
SCHOOL_SEASON = (0.95, 0.88, 1.05, 0.70, 0.92, 1.05, 0.85, 0.15, 0.95, 0.90, 1.10, 0.70)

REPEAT_WINDOW = 365
#: logit effects on P(referral): submitted on a MARF; child referred within the last 365 days
MARF_LOGIT = 0.7
REREFERRAL_LOGIT = 0.1
_OUTCOMES = ("referral", "nfa", "advice", "early_help", "pending")
_NO_DAY = -(10**7)  # "never" as a day number

# ------------------------------------------------------------------------------------------------
# Agencies ("channels"): who contacts, how it is recorded, and how they behave

SCHOOLS = (
    "Oakfield Academy", "St Mary's CE Primary School", "Chiltern Hills Academy", "Millfield Primary School",
    "Kingsbrook School", "Bourne Valley Academy", "Highfield Community School", "Denham Green Primary",
    "Misbourne Vale School", "Waddon Church of England School", "Brookside Junior School",
    "Aylesbury Vale Academy", "Ridgeway Infant School", "Holmer Green Upper School", "Elm Tree Primary",
)
HOSPITALS = (
    "Stoke Mandeville Hospital", "Wycombe Hospital", "Buckinghamshire Healthcare NHS Trust",
    "Wexham Park Hospital", "Milton Keynes University Hospital", "John Radcliffe Hospital",
)
SURGERIES = (
    "Riverside Surgery", "The Meads Medical Centre", "Millbrook Health Centre", "Whitehill Surgery",
    "Cross Keys Practice", "Oakfield Surgery", "Chiltern Vale Practice", "Market Square Surgery",
)
ANNEX_LETTERS = ("1A", "1B", "1C", "1D", "2A", "2B", "3A", "3B", "3C", "3D", "3E", "3F", "4",
                 "5A", "5B", "5C", "5D", "6", "7", "8", "9", "10")
ANNEX_LABELS = {
    "1": "Individual", "2A": "Schools", "2B": "Education services", "3": "Health services",
    "4": "Housing", "5": "LA services", "6": "Police", "7": "Other legal agency", "8": "Other",
    "9": "Anonymous", "10": "Unknown",
}

#: Annex A style labels, e.g. ``k) 3E: Health services``, ``e) 2A: Schools``
_ANNEX = {c: f"{chr(97 + i)}) {c}: {ANNEX_LABELS.get(c, ANNEX_LABELS.get(c[:1], ''))}"
          for i, c in enumerate(ANNEX_LETTERS)}


@dataclass(frozen=True)
class Variant:
    """One way a channel's contact is recorded: the recorded code ("" = blank) and free text."""

    weight: float
    code: str
    details: tuple[str, ...]
    roles: tuple[str, ...] = ("",)
    orgs: tuple[str, ...] = ("",)


@dataclass(frozen=True)
class Channel:
    """A referring agency: true code (what the recoded view shows), block, share within the block,
    MARF use at Nov 2015, conversion logit offset, split of non-referral outcomes
    (nfa, advice, early_help), repeat-slot weight, return weight, recording variants."""

    name: str
    code: str
    block: str  # "health" | "school" | "other"
    share: float
    marf: float
    conv: float
    split: tuple[float, float, float]
    repeat: float
    ret: float
    variants: tuple[Variant, ...]
    school_terms: bool = False


def _v(weight: float, code: str, details, roles=("",), orgs=("",)) -> Variant:
    return Variant(weight, code, tuple(details), tuple(roles), tuple(orgs))


_H_SPLIT = (0.35, 0.40, 0.25)
CHANNELS: tuple[Channel, ...] = (
    # ---- health (true codes 3A-3F) ----
    Channel("ae", "3E", "health", 0.20, 0.82, 0.2, _H_SPLIT, 0.8, 0.9, (
        _v(1.0, "3E", ("A&E", "A & E", "Emergency Department", "ED"),
           ("Paediatric Liaison Nurse", "A&E Nurse", "ED Consultant", "Doctor", "Safeguarding Nurse"), HOSPITALS),
    )),
    Channel("nhs111", "3E", "health", 0.10, 0.55, -0.4, (0.40, 0.45, 0.15), 0.8, 1.2, (
        _v(0.65, "3E", ("NHS 111", "111", "NHS111"), ("Call Handler", "Clinical Advisor", ""), ("NHS 111",)),
        _v(0.10, "3D", ("NHS 111", "NHS 111 call"), ("Clinical Advisor", "Call Handler"), ("NHS 111",)),
        _v(0.10, "3F", ("NHS 111",), ("Call Handler",), ("NHS 111",)),
        _v(0.05, "8", ("NHS 111 call",), ("Call Handler",), ("NHS 111",)),
        _v(0.10, "", ("NHS 111",), ("Clinical Advisor",), ("NHS 111",)),
    )),
    Channel("scas", "3D", "health", 0.13, 0.70, -0.2, (0.40, 0.40, 0.20), 0.8, 0.9, (
        _v(0.75, "3D", ("SCAS", "Ambulance", "South Central Ambulance Service"), ("Paramedic", "Ambulance Crew"),
           ("South Central Ambulance Service", "SCAS")),
        _v(0.08, "3E", ("SCAS", "Ambulance crew"), ("Paramedic",), ("South Central Ambulance Service",)),
        _v(0.07, "3F", ("SCAS",), ("Paramedic",), ("SCAS",)),
        _v(0.04, "8", ("Ambulance service",), ("Paramedic",), ("South Central Ambulance Service",)),
        _v(0.06, "", ("SCAS",), ("Paramedic",), ("South Central Ambulance Service",)),
    )),
    Channel("primary", "3D", "health", 0.135, 0.72, 0.0, _H_SPLIT, 0.8, 0.9, (
        _v(1.0, "3D", ("Community Midwife", "Dentist", "Pharmacy", "District Nurse", "Optician"),
           ("Community Midwife", "Dentist", "Pharmacist", "District Nurse", ""),
           ("Community Dental Service", "Community Midwifery Team", "High Street Pharmacy", "")),
    )),
    Channel("gp", "3A", "health", 0.13, 0.85, 0.3, _H_SPLIT, 0.8, 0.9, (
        _v(1.0, "3A", ("GP", "GP surgery", "General Practitioner"), ("GP", "Practice Nurse", "GP Partner"), SURGERIES),
    )),
    Channel("hv", "3B", "health", 0.115, 0.85, 0.3, (0.30, 0.40, 0.30), 0.8, 0.9, (
        _v(1.0, "3B", ("Health Visitor", "Health Visiting"), ("Health Visitor",), ("Health Visiting Team",)),
    )),
    Channel("school_nurse", "3C", "health", 0.08, 0.80, 0.2, (0.30, 0.35, 0.35), 0.8, 0.9, (
        _v(0.30, "3C", ("School Nurse", "School nursing"), ("School Nurse",), ("School Nursing Service",)),
        _v(0.40, "2A", ("DSL on behalf of school nurse", "Raised by school nurse, passed on by DSL",
                        "DSL - concern raised by school nurse"), ("Designated Safeguarding Lead", "DSL"), SCHOOLS),
        _v(0.30, "2A", ("School Nurse", "School nurse visit"), ("School Nurse",), ("School Nursing Service",) + SCHOOLS[:4]),
    ), school_terms=True),
    Channel("other_health", "3F", "health", 0.11, 0.75, 0.3, _H_SPLIT, 0.8, 0.9, (
        _v(1.0, "3F", ("CAMHS", "Paediatric Ward", "Sexual Health Clinic", "Community Paediatrician", "Hospice"),
           ("Mental Health Practitioner", "Consultant Paediatrician", "Ward Sister", "Nurse"),
           ("CAMHS", "Maternity Unit", "Florence Nightingale Hospice", "Sexual Health Service")),
    )),
    # ---- schools (true 2A) ----
    Channel("school", "2A", "school", 1.0, 0.45, 0.1, (0.25, 0.35, 0.40), 1.0, 1.0, (
        _v(0.988, "2A", ("DSL", "School", "Designated Safeguarding Lead", "Head Teacher"),
           ("Designated Safeguarding Lead", "Head Teacher", "Teacher", "Deputy Head", "SENCO", "Pastoral Lead"), SCHOOLS),
        _v(0.012, "3C", ("School", "DSL"), ("Teacher", "Designated Safeguarding Lead", "Pastoral Manager"), SCHOOLS),
    ), school_terms=True),
    # ---- everyone else ----
    Channel("police", "6", "other", 0.42, 0.12, -0.5, (0.55, 0.35, 0.10), 1.35, 1.3, (
        _v(1.0, "6", ("Police", "TVP", "MASH Police", "Domestic Abuse notification"),
           ("PC", "DC", "Police Officer", "MASH Police Liaison", "Sergeant"),
           ("Thames Valley Police", "TVP", "Thames Valley Police - Aylesbury", "Thames Valley Police Domestic Abuse Unit")),
    )),
    Channel("family", "1A", "other", 0.09, 0.02, -0.6, (0.45, 0.45, 0.10), 1.2, 1.2, (
        _v(1.0, "1A", ("Parent", "Mother", "Father", "Grandparent", "Aunt")),
    )),
    Channel("acquaintance", "1B", "other", 0.03, 0.02, -0.6, (0.50, 0.45, 0.05), 1.2, 1.2, (
        _v(1.0, "1B", ("Neighbour", "Family friend", "Childminder")),
    )),
    Channel("self", "1C", "other", 0.015, 0.0, 0.2, (0.30, 0.50, 0.20), 1.2, 1.2, (
        _v(1.0, "1C", ("Self", "Young person")),
    )),
    Channel("stranger", "1D", "other", 0.015, 0.0, -0.6, (0.55, 0.40, 0.05), 1.2, 1.2, (
        _v(1.0, "1D", ("Member of public",)),
    )),
    Channel("education", "2B", "other", 0.045, 0.50, 0.0, (0.25, 0.35, 0.40), 1.0, 1.0, (
        _v(1.0, "2B", ("Education Welfare", "SEN Team", "Attendance Service"),
           ("Education Welfare Officer", "SEN Officer"), ("Buckinghamshire County Council Education",)),
    )),
    Channel("housing", "4", "other", 0.03, 0.35, -0.2, (0.45, 0.40, 0.15), 1.1, 1.0, (
        _v(1.0, "4", ("Housing", "Housing Officer"), ("Housing Officer", "Tenancy Officer"),
           ("Red Kite Community Housing", "Vale of Aylesbury Housing Trust", "Paradigm Housing")),
    )),
    Channel("adult_care", "5A", "other", 0.03, 0.30, 0.4, (0.35, 0.40, 0.25), 1.0, 1.0, (
        _v(1.0, "5A", ("Adult Social Care",), ("Social Worker",), ("Buckinghamshire County Council",)),
    )),
    Channel("yos", "5B", "other", 0.035, 0.30, 0.3, (0.35, 0.35, 0.30), 1.0, 1.0, (
        _v(1.0, "5B", ("Youth Offending Service", "YOS"), ("YOS Officer",), ("Buckinghamshire Youth Offending Service",)),
    )),
    Channel("other_la", "5C", "other", 0.03, 0.30, 0.6, (0.40, 0.40, 0.20), 1.0, 1.0, (
        _v(1.0, "5C", ("Other local authority", "Transfer in"), ("Social Worker",),
           ("Oxfordshire County Council", "Milton Keynes Council", "Hertfordshire County Council")),
    )),
    Channel("early_help", "5D", "other", 0.07, 0.40, 0.5, (0.20, 0.20, 0.60), 1.0, 1.0, (
        _v(1.0, "5D", ("Early Help", "Family Resilience Service"), ("Family Support Worker", "Key Worker"),
           ("Buckinghamshire County Council",)),
    )),
    Channel("legal", "7", "other", 0.045, 0.25, 0.5, (0.40, 0.45, 0.15), 1.1, 1.0, (
        _v(1.0, "7", ("CAFCASS", "Probation", "Court"), ("Family Court Adviser", "Probation Officer"),
           ("CAFCASS", "National Probation Service", "Thames Valley CRC")),
    )),
    Channel("voluntary", "8", "other", 0.07, 0.35, 0.0, (0.35, 0.40, 0.25), 0.9, 1.0, (
        _v(1.0, "8", ("Children's Centre", "NSPCC", "Barnardo's", "Women's Aid", "Voluntary organisation"),
           ("Family Worker", "Outreach Worker", ""), ("Children's Centre", "NSPCC", "Barnardo's", "Women's Aid")),
    )),
    Channel("anonymous", "9", "other", 0.015, 0.0, -1.0, (0.60, 0.35, 0.05), 1.3, 1.3, (
        _v(1.0, "9", ("Anonymous", "Anonymous caller")),
    )),
    Channel("unknown", "10", "other", 0.035, 0.05, -0.5, (0.45, 0.40, 0.15), 1.0, 1.0, (
        _v(0.7, "", ("",)),
        _v(0.3, "10", ("", "Not recorded")),
    )),
)
_N_CHAN = len(CHANNELS)
_CH_CODE = np.array([c.code for c in CHANNELS], dtype=object)
_CH_HEALTH = np.array([c.block == "health" for c in CHANNELS])
_CH_SCHOOLTERMS = np.array([c.school_terms for c in CHANNELS])
_CH_MARF = np.array([c.marf for c in CHANNELS])
_CH_CONV = np.array([c.conv for c in CHANNELS])
_CH_REPEAT = np.array([c.repeat for c in CHANNELS])
_CH_RET = np.array([c.ret for c in CHANNELS])
_CH_SPLIT = np.array([c.split for c in CHANNELS])
_BLOCK_IDX = {b: np.array([i for i, c in enumerate(CHANNELS) if c.block == b]) for b in ("health", "school", "other")}

# raw spellings of canonical values (weights); all are recognised by reference/value_maps.yml
_OUTCOME_TEXT = {
    "referral": (("Referral", 0.55), ("referral", 0.12), ("REFERRAL", 0.05), (" Referral ", 0.08),
                 ("Progressed to referral", 0.15), ("Referral to social care", 0.05)),
    "nfa": (("NFA", 0.55), ("nfa", 0.10), ("No further action", 0.20), ("No Further Action", 0.10), ("NFA ", 0.05)),
    "advice": (("Advice", 0.50), ("Advice and information", 0.30), ("advice", 0.10), ("Information and advice", 0.10)),
    "early_help": (("Early Help", 0.55), ("early help", 0.12), ("Early-Help", 0.08), ("Early_Help", 0.05),
                   ("EARLY HELP", 0.05), ("Referred to Early Help", 0.15)),
    "pending": (("Pending", 0.7), ("pending", 0.1), ("Awaiting decision", 0.2)),
}
_MARF_TEXT = {
    True: (("Y", 0.40), ("Yes", 0.30), ("1", 0.15), ("yes", 0.10), ("TRUE", 0.05)),
    False: (("N", 0.38), ("No", 0.28), ("0", 0.14), ("no", 0.08), ("FALSE", 0.04), ("", 0.08)),
}
_GENDER_TEXT = (
    (("M", 0.6), ("Male", 0.3), ("male", 0.1)),
    (("F", 0.6), ("Female", 0.3), ("female", 0.1)),
    (("U", 0.3), ("Unknown", 0.3), ("", 0.4)),
)
_UNKNOWN_OUTCOMES = ("See case notes", "Transferred", "TBC", "Other", "?", "Closed - duplicate")
_BAD_DATES = ("31/02/2015", "30/02/2014", "2015-02-29", "31/04/2015", "31/09/2014",
              "2014-06-31", "29/02/2014", "2013-11-31", "31/06/2015", "30/02/2015")
_UNPARSEABLE_DATES = ("2014/06/03", "03-Jun-14", "June 2014", "14th May 2014", "n/k")
_FUTURE_DATES = ("14/07/2099", "2099-03-14", "01/01/2099", "2099-11-03", "12/05/2099", "2099-02-01")

_CONTACT_HEADER = list(config.CONTACT_COLUMNS)
_LA_HEADER = list(config.LOOKED_AFTER_COLUMNS)


# ------------------------------------------------------------------------------------------------
# Small helpers


def _months(start: str, end: str) -> list[tuple[int, int]]:
    try:
        s = pd.Period(start, freq="M")
        e = pd.Period(end, freq="M")
    except (ValueError, TypeError) as exc:
        raise HwbKpisError(f"synth: months must be YYYY-MM (got start={start!r}, end={end!r})") from exc
    if e < s:
        raise HwbKpisError(f"synth: end {end} is before start {start}")
    return [(p.year, p.month) for p in pd.period_range(s, e, freq="M")]


def _day(y: int, m: int, d: int = 1) -> int:
    return int(np.datetime64(f"{y:04d}-{m:02d}-{d:02d}", "D").astype("int64"))


def _ym(y: int, m: int) -> str:
    return f"{y:04d}-{m:02d}"


def _sigmoid(x):
    return 1.0 / (1.0 + np.exp(-x))


def _logit(p):
    return np.log(p / (1.0 - p))


def _weighted_pick(rng: np.random.Generator, weights: np.ndarray, k: int) -> np.ndarray:
    """Indices of ``k`` items drawn without replacement with probability proportional to weight
    (Efraimidis-Spirakis keys); returned sorted."""
    n = len(weights)
    k = int(min(max(k, 0), n))
    if k == 0:
        return np.zeros(0, dtype=np.int64)
    u = rng.random(n)
    keys = np.log(np.maximum(u, 1e-300)) / np.maximum(weights, 1e-12)
    if k == n:
        return np.arange(n, dtype=np.int64)
    idx = np.argpartition(-keys, k - 1)[:k]
    return np.sort(idx).astype(np.int64)


def _choose_text(rng: np.random.Generator, table: tuple[tuple[str, float], ...], n: int) -> np.ndarray:
    labels = np.array([t for t, _ in table], dtype=object)
    w = np.array([p for _, p in table], dtype=float)
    cum = np.cumsum(w / w.sum())
    idx = np.minimum(np.searchsorted(cum, rng.random(n), side="right"), len(labels) - 1)
    return labels[idx]


def _id_text(prefix: str, numbers: np.ndarray) -> np.ndarray:
    """``prefix`` + the number zero-padded to 8 digits, vectorised."""
    digits = np.strings.zfill(np.asarray(numbers, dtype=np.int64).astype("U"), 8)
    return np.strings.add(prefix, digits).astype(object)


def _largest_remainder(total: int, probs: np.ndarray) -> np.ndarray:
    raw = probs / probs.sum() * total
    base = np.floor(raw).astype(np.int64)
    rest = total - int(base.sum())
    order = np.argsort(-(raw - base), kind="stable")
    base[order[:rest]] += 1
    return base


class _Dates:
    """Day number -> date text lookups (ISO, UK, Excel serial), built once per extract."""

    def __init__(self, first_day: int, last_day: int):
        self.first = first_day
        days = np.arange(first_day, last_day + 1).astype("datetime64[D]")
        iso = np.datetime_as_string(days, unit="D").astype(object)
        self.iso = iso
        self.uk = np.array([f"{s[8:10]}/{s[5:7]}/{s[0:4]}" for s in iso], dtype=object)
        self.ym = np.array([s[:7] for s in iso], dtype=object)
        self.serial = np.array([str(d + 25569) for d in range(first_day, last_day + 1)], dtype=object)

    def text(self, day: np.ndarray, fmt: np.ndarray) -> np.ndarray:
        """fmt: 0 ISO, 1 UK, 2 Excel serial, 3 year-month, 4 blank; day < 0 offsets are clipped."""
        i = np.clip(day - self.first, 0, len(self.iso) - 1)
        out = np.where(fmt == 0, self.iso[i], self.uk[i])
        out = np.where(fmt == 2, self.serial[i], out)
        out = np.where(fmt == 3, self.ym[i], out)
        return np.where(fmt == BLANK_FORMAT, "", out).astype(object)


# ------------------------------------------------------------------------------------------------
# One authority


@dataclass
class _Params:
    """Per-authority behaviour; authority 0 is the calibrated default."""

    name: str
    volume: float = 1.0
    health_share: float = 0.168
    marf_shift: float = 0.0
    conv_shift: float = 0.0
    repeat_shift: float = 0.0
    la_rate: float = LA_STARTS_PER_MONTH
    calibrated: bool = True


@dataclass
class _State:
    """Children seen in the last two years (arrays indexed alike)."""

    key: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int64))
    family: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int64))
    dob: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int64))
    gender: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int8))
    last_nm: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int64))
    last_nm_marf: np.ndarray = field(default_factory=lambda: np.zeros(0, bool))
    last_nm_chan: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int64))
    last_ref: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int64))
    last_contact: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int64))
    looked_after: np.ndarray = field(default_factory=lambda: np.zeros(0, bool))

    FIELDS = ("key", "family", "dob", "gender", "last_nm", "last_nm_marf", "last_nm_chan", "last_ref",
              "last_contact", "looked_after")

    def append(self, **arrays: np.ndarray) -> None:
        for f in self.FIELDS:
            setattr(self, f, np.concatenate([getattr(self, f), arrays[f].astype(getattr(self, f).dtype)]))

    def keep(self, mask: np.ndarray) -> None:
        for f in self.FIELDS:
            setattr(self, f, getattr(self, f)[mask])


@dataclass
class Chunk:
    """One month of one authority: the raw rows as text, ready to append to the CSV files."""

    authority: str
    month: str
    contacts: pd.DataFrame
    looked_after: pd.DataFrame


def _month_targets(months: list[tuple[int, int]], rng: np.random.Generator, p: _Params, scale: float):
    """Contacts, school contacts and health contacts per month (exact counts)."""
    n = len(months)
    moy = np.array([m for _, m in months]) - 1
    season = np.array(SCHOOL_SEASON)[moy]
    school = SCHOOL_TERM_MONTH * season * np.exp(rng.normal(0.0, 0.05, n))
    other = (MONTHLY_CONTACTS - SCHOOL_TERM_MONTH * float(np.mean(SCHOOL_SEASON))) * np.exp(rng.normal(0.0, 0.035, n))
    total = school + other
    labels = [_ym(y, m) for y, m in months]
    window = np.array([VOLUME_WINDOW[0] <= lab <= VOLUME_WINDOW[1] for lab in labels])
    ref = float(total[window].mean()) if window.any() else float(total.mean())
    factor = MONTHLY_CONTACTS / ref * scale * p.volume
    school_n = np.round(school * factor).astype(np.int64)
    total_n = np.maximum(np.round(total * factor).astype(np.int64), school_n + 2)
    share = np.clip(p.health_share + rng.normal(0.0, 0.005, n), p.health_share - 0.008, p.health_share + 0.008)
    for i, lab in enumerate(labels):
        if p.calibrated and lab == CALIBRATION["month"]:
            share[i] = CALIBRATION["health_share"]
    health_n = np.round(share * total_n).astype(np.int64)
    health_n = np.minimum(health_n, total_n - school_n - 1)
    return total_n, school_n, health_n


def _conversion_target(ym: str, p: _Params) -> float:
    """Expected conversion of the month (before agency/MARF/history effects)."""
    y, m = int(ym[:4]), int(ym[5:])
    k = (y - 2014) * 12 + (m - 12)  # months since December 2014
    if k < -1:
        base = 0.29
    elif k == -1:
        base = 0.30
    else:
        lo, hi = _logit(0.31), _logit(0.58)
        base = float(_sigmoid(lo + (hi - lo) * min(k, 11) / 11.0))
    return float(_sigmoid(_logit(base) + p.conv_shift))


def _marf_shift(ym: str, p: _Params) -> float:
    y, m = int(ym[:4]), int(ym[5:])
    k = (y - 2015) * 12 + (m - 3)  # months since March 2015
    base = -0.9 if k <= 0 else -0.9 * (1 - min(k, 8) / 8.0)
    return base + p.marf_shift


def _repeat_target(ym: str, p: _Params) -> float:
    y, m = int(ym[:4]), int(ym[5:])
    k = (y - 2014) * 12 + (m - 12)
    base = 0.56 if k <= 0 else 0.56 - 0.04 * min(k, 10) / 10.0
    return base + p.repeat_shift


def _iha_on_time_share(ym: str) -> float:
    y, m = int(ym[:4]), int(ym[5:])
    k = (y - 2015) * 12 + (m - 1)  # months since January 2015
    if k < 0:
        j = (y - 2013) * 12 + (m - 4)  # months since April 2013 (0..20 to Dec 2014)
        return float(np.clip(0.35 - 0.25 * j / 20.0, 0.10, 0.35))
    return float(min(0.07 + (0.90 - 0.07) * k / 9.0, 0.90))


def _consent_fraction(ym: str) -> float:
    y, m = int(ym[:4]), int(ym[5:])
    k = (y - 2015) * 12 + (m - 1)
    return float(np.clip(0.60 - 0.35 * k / 9.0, 0.25, 0.60))


def _solve_intercept(x: np.ndarray, target: float) -> float:
    """L such that mean(sigmoid(L + x)) == target (bisection; deterministic)."""
    if len(x) == 0:
        return float(_logit(target))
    lo, hi = -12.0, 12.0
    for _ in range(50):
        mid = 0.5 * (lo + hi)
        if float(np.mean(_sigmoid(mid + x))) < target:
            lo = mid
        else:
            hi = mid
    return 0.5 * (lo + hi)


class _Authority:
    """Simulates one authority month by month."""

    def __init__(self, index: int, seed: int, months, scale: float, n_authorities: int, end_day: int):
        if index == 0:
            self.rng = np.random.Generator(np.random.PCG64(seed))
        else:
            self.rng = np.random.Generator(np.random.PCG64(np.random.SeedSequence([seed, index])))
        rng = self.rng
        self.index = index
        self.prefix = f"LA{index + 1:03d}-" if n_authorities > 1 else ""
        self.name = f"LA{index + 1:03d}" if n_authorities > 1 else ""
        if index == 0:
            self.p = _Params(self.name)
        else:
            vol = float(np.exp(rng.normal(0.0, 0.35)))
            self.p = _Params(
                self.name, volume=vol, health_share=float(rng.uniform(0.13, 0.21)),
                marf_shift=float(rng.normal(0.0, 0.5)), conv_shift=float(rng.normal(0.0, 0.3)),
                repeat_shift=float(rng.normal(0.0, 0.04)),
                la_rate=LA_STARTS_PER_MONTH * vol * float(rng.uniform(0.6, 1.4)), calibrated=False,
            )
        self.months = months
        self.scale = scale
        self.end_day = end_day
        self.total_n, self.school_n, self.health_n = _month_targets(months, rng, self.p, scale)
        self.state = _State()
        self.next_child = 0
        self.next_family = 0
        self.next_contact = 0
        labels = [_ym(y, m) for y, m in months]
        # mess: months before November 2014 (never within a year of the calibration month)
        early = [i for i, lab in enumerate(labels) if lab < "2014-11"] or list(range(max(1, len(labels) - 1)))
        self.mess_month = {}
        for kind, count in (("dup", 24), ("noid", 18), ("baddate", 10), ("unparseable", 5), ("future", 6), ("outcome", 15), ("conflict", 8)):
            picks = np.sort(rng.choice(np.array(early), size=count, replace=True))
            for i in picks:
                self.mess_month.setdefault(int(i), []).append(kind)
        la_ok = [i for i, lab in enumerate(labels) if lab not in ("2015-01", "2015-10", labels[-1])] or [0]
        self.la_mess = {}
        self._la_bad = 0
        for kind, count in (("dup", 3), ("noid", 2), ("baddate", 2)):
            picks = np.sort(rng.choice(np.array(la_ok), size=count, replace=True))
            for i in picks:
                self.la_mess.setdefault(int(i), []).append(kind)

    # --- identifiers ---------------------------------------------------------------------------
    def child_text(self, keys: np.ndarray) -> np.ndarray:
        """Raw child ids: an affine permutation of the child's number, so ids look arbitrary."""
        ids = (np.asarray(keys, dtype=np.int64) * 48271 + 3141593 + 7919 * self.index) % 100_000_000
        return _id_text(f"{self.prefix}P", ids)

    def contact_text(self, n: int) -> np.ndarray:
        start = self.next_contact
        self.next_contact += n
        return _id_text(f"{self.prefix}CT", np.arange(10_000_001 + start, 10_000_001 + start + n))

    # --- one month ---------------------------------------------------------------------------
    def month(self, mi: int, dates: _Dates) -> Chunk:
        rng, p, st = self.rng, self.p, self.state
        y, m = self.months[mi]
        ym = _ym(y, m)
        s = _day(y, m)
        ndays = int(pd.Period(ym, freq="M").days_in_month)
        e = s + ndays - 1
        is_last = mi == len(self.months) - 1
        calib = p.calibrated and ym == CALIBRATION["month"] and mi >= 12
        N, S, H = int(self.total_n[mi]), int(self.school_n[mi]), int(self.health_n[mi])
        n_other = N - S - H

        # 1. agency slots (health, school, other blocks with exact block totals)
        hidx, sidx, oidx = _BLOCK_IDX["health"], _BLOCK_IDX["school"], _BLOCK_IDX["other"]
        hp = np.array([CHANNELS[i].share for i in hidx])
        hp = np.where(_CH_SCHOOLTERMS[hidx], hp * SCHOOL_SEASON[m - 1], hp)
        hcount = _largest_remainder(H, hp) if calib else rng.multinomial(H, hp / hp.sum())
        op = np.array([CHANNELS[i].share for i in oidx])
        ocount = rng.multinomial(n_other, op / op.sum())
        chan = np.concatenate([np.repeat(hidx, hcount), np.repeat(sidx, [S]), np.repeat(oidx, ocount)])
        health = _CH_HEALTH[chan]

        # 2. days within the month (weekends quiet, schools closed at weekends)
        dow = (np.arange(s, e + 1) + 3) % 7  # 0 = Monday (1970-01-01 was a Thursday)
        weekend = dow >= SATURDAY
        w_other = np.where(weekend, 0.45, 1.0)
        w_school = np.where(weekend, 0.03, 1.0)
        schoolish = _CH_SCHOOLTERMS[chan]
        day = np.empty(N, dtype=np.int64)
        day[~schoolish] = rng.choice(ndays, size=int((~schoolish).sum()), p=w_other / w_other.sum())
        day[schoolish] = rng.choice(ndays, size=int(schoolish.sum()), p=w_school / w_school.sum())
        day += s
        if is_last and N and not (day == e).any():
            day[np.flatnonzero(~schoolish)[:1] if (~schoolish).any() else 0] = e

        # 3. which slots are repeats / known children / new children
        adult = st.dob <= e - 18 * 365  # adults no longer come to children's services
        rep_pool = np.flatnonzero((st.last_nm >= e - REPEAT_WINDOW) & (st.last_nm <= s - 1) & ~adult)
        known_pool = np.flatnonzero((st.last_nm < s - REPEAT_WINDOW) & ~adult)
        if calib:
            r_h = round(CALIBRATION["repeat_health"] * H)
            r_all = round(CALIBRATION["repeat_all"] * N)
            r_all = min(r_all, len(rep_pool))
            r_h = min(r_h, r_all)
            hs, os_ = np.flatnonzero(health), np.flatnonzero(~health)
            rep_slots = np.sort(np.concatenate([hs[_weighted_pick(rng, np.ones(len(hs)), r_h)],
                                                os_[_weighted_pick(rng, _CH_REPEAT[chan[os_]], r_all - r_h)]]))
        else:
            target = float(np.clip(_repeat_target(ym, p) + rng.normal(0.0, 0.01), 0.0, 0.9))
            r_all = min(round(target * N), int(0.20 * len(rep_pool)))
            rep_slots = _weighted_pick(rng, _CH_REPEAT[chan], r_all)
        kind = np.zeros(N, dtype=np.int8)  # 0 new, 1 repeat, 2 known
        kind[rep_slots] = 1
        free = np.flatnonzero(kind == 0)
        q = min(round(0.10 * N), len(known_pool) // 3, len(free))
        kind[free[_weighted_pick(rng, np.ones(len(free)), q)]] = 2

        # 4. children for the slots
        child = np.full(N, -1, dtype=np.int64)  # index into state (existing children)
        if len(rep_slots):
            age = (s - st.last_nm[rep_pool]).astype(float)
            w = np.where(st.last_nm_marf[rep_pool], 1.0, 2.0) * _CH_RET[st.last_nm_chan[rep_pool]] * np.exp(-age / 150.0)
            chosen = rep_pool[_weighted_pick(rng, w, len(rep_slots))]
            child[rep_slots] = chosen[rng.permutation(len(chosen))]
        known_slots = np.flatnonzero(kind == 2)
        if len(known_slots):
            recent_ref = st.last_ref[known_pool] >= s - REPEAT_WINDOW
            w = np.where(recent_ref, 4.0, 1.0) * np.exp(-(s - st.last_contact[known_pool]) / 365.0)
            chosen = known_pool[_weighted_pick(rng, w, len(known_slots))]
            child[known_slots] = chosen[rng.permutation(len(chosen))]

        # variants and free-text picks per slot
        vu = rng.random(N)
        variant = np.zeros(N, dtype=np.int64)
        for ci in range(_N_CHAN):
            sel = chan == ci
            if sel.any():
                w = np.array([v.weight for v in CHANNELS[ci].variants])
                cum = np.cumsum(w / w.sum())
                variant[sel] = np.minimum(np.searchsorted(cum, vu[sel], side="right"), len(w) - 1)
        tu = rng.random((N, 3))

        # new children, with siblings sharing a contact
        new_slots = np.flatnonzero(kind == 0)
        z = len(new_slots)
        follower = rng.random(z) < 0.12
        pos = np.arange(z)
        leader_pos = np.maximum.accumulate(np.where(~follower, pos, -1))
        has_leader = follower & (leader_pos >= 0)
        leader_pos = np.where(has_leader, leader_pos, pos)
        same_chan = chan[new_slots[leader_pos]] == chan[new_slots]
        has_leader &= same_chan
        leader_pos = np.where(has_leader, leader_pos, pos)
        leader_slot = new_slots[leader_pos]
        fslots = new_slots[has_leader]
        fleaders = leader_slot[has_leader]
        day[fslots] = day[fleaders]
        variant[fslots] = variant[fleaders]
        tu[fslots] = tu[fleaders]

        band = rng.choice(4, size=z, p=[0.30, 0.27, 0.33, 0.10])
        lo = np.array([0, 5, 10, 16])[band] * 365
        hi = np.array([5, 10, 16, 18])[band] * 365 - 1
        age_days = lo + (rng.random(z) * (hi - lo)).astype(np.int64)
        new_dob = day[new_slots] - age_days
        sib_gap = (rng.integers(1, 7, size=z) * 365 + rng.integers(-120, 121, size=z)) * np.where(rng.random(z) < 0.5, 1, -1)
        lead_dob = new_dob[leader_pos]
        sib_dob = np.clip(lead_dob + sib_gap, day[new_slots] - 17 * 365, day[new_slots] - 30)
        new_dob = np.where(has_leader, sib_dob, new_dob)
        new_gender = rng.choice(3, size=z, p=[0.49, 0.49, 0.02]).astype(np.int8)
        fam = self.next_family + np.cumsum(~has_leader) - 1
        new_family = np.where(has_leader, fam[leader_pos], fam)
        self.next_family += int((~has_leader).sum())
        new_keys = self.next_child + np.arange(z, dtype=np.int64)
        self.next_child += z

        # 5. MARF
        x = _logit(np.clip(_CH_MARF[chan], 0.005, 0.995)) + _marf_shift(ym, p) + rng.normal(0.0, 0.15, _N_CHAN)[chan]
        pm = _sigmoid(x)
        if calib:
            marf = np.zeros(N, dtype=bool)
            hs, os_ = np.flatnonzero(health), np.flatnonzero(~health)
            m_h = round(CALIBRATION["marf_health"] * H)
            m_all = round(CALIBRATION["marf_all"] * N)
            marf[hs[_weighted_pick(rng, pm[hs], m_h)]] = True
            marf[os_[_weighted_pick(rng, pm[os_], m_all - m_h)]] = True
        else:
            marf = rng.random(N) < pm
            marf[fslots] = marf[fleaders]

        # 6. outcomes
        ex = np.flatnonzero(child >= 0)
        ref_recent = np.zeros(N, dtype=bool)
        ref_recent[ex] = day[ex] - st.last_ref[child[ex]] <= REPEAT_WINDOW
        pending = np.zeros(N, dtype=bool)
        if is_last:
            pending = (day > e - 8) & (rng.random(N) < 0.55)
        xo = _CH_CONV[chan] + MARF_LOGIT * marf + REREFERRAL_LOGIT * ref_recent + rng.normal(0.0, 0.15, _N_CHAN)[chan]
        decided = np.flatnonzero(~pending)
        L = _solve_intercept(xo[decided], _conversion_target(ym, p))
        pr = _sigmoid(L + xo)
        if calib:
            referral = np.zeros(N, dtype=bool)
            k = round(CALIBRATION["conversion"] * len(decided))
            referral[decided[_weighted_pick(rng, pr[decided], k)]] = True
        else:
            referral = (rng.random(N) < pr) & ~pending
            copy = rng.random(len(fslots)) < 0.8
            referral[fslots[copy]] = referral[fleaders[copy]] & ~pending[fslots[copy]]
        split = _CH_SPLIT[chan]
        su = rng.random(N)
        nonref = np.where(su < split[:, 0], 1, np.where(su < split[:, 0] + split[:, 1], 2, 3))
        outcome = np.where(pending, 4, np.where(referral, 0, nonref)).astype(np.int64)
        if not calib:
            copy = rng.random(len(fslots)) < 0.8
            outcome[fslots[copy]] = np.where(pending[fslots[copy]], 4, outcome[fleaders[copy]])
        gap = np.minimum(rng.geometric(0.55, N) - 1, 10)
        decision_day = np.where(pending, -1, np.minimum(day + gap, self.end_day))

        # 7. update the state
        not_met = (outcome >= 1) & (outcome <= 3)
        is_ref = outcome == 0
        if len(ex):
            ci = child[ex]
            st.last_contact[ci] = day[ex]
            nm = not_met[ex]
            st.last_nm[ci[nm]] = day[ex][nm]
            st.last_nm_marf[ci[nm]] = marf[ex][nm]
            st.last_nm_chan[ci[nm]] = chan[ex][nm]
            rf = is_ref[ex]
            st.last_ref[ci[rf]] = day[ex][rf]
        base = len(st.key)
        ns = new_slots
        st.append(
            key=new_keys, family=new_family, dob=new_dob, gender=new_gender,
            last_nm=np.where(not_met[ns], day[ns], _NO_DAY), last_nm_marf=marf[ns], last_nm_chan=chan[ns],
            last_ref=np.where(is_ref[ns], day[ns], _NO_DAY), last_contact=day[ns],
            looked_after=np.zeros(z, dtype=bool),
        )
        child[ns] = base + np.arange(z)

        # 8. periods of care starting this month
        la = self._looked_after(mi, ym, s, e, ndays)

        # 9. text rows
        contacts = self._contact_rows(mi, ym, chan, variant, tu, child, day, marf, outcome, decision_day, dates)
        # forget children not seen for two years (bounded memory)
        if len(st.key):
            st.keep(st.last_contact >= e - 730)
        return Chunk(self.name, ym, contacts, self._la_rows(mi, la, dates))

    def _looked_after(self, mi: int, ym: str, s: int, e: int, ndays: int) -> dict[str, np.ndarray]:
        rng, st = self.rng, self.state
        cohort = {c[0]: c[1:] for c in IHA_COHORTS} if self.p.calibrated else {}
        if ym in cohort:
            n_c, k_c = cohort[ym]
            n = max(1, round(n_c * self.scale))
            k = round(n * k_c / n_c)
        else:
            n = int(rng.poisson(self.p.la_rate * self.scale))
            k = -1
        pool = np.flatnonzero((st.last_ref >= s - 180) & (st.last_ref <= s - 1) & ~st.looked_after)
        n = min(n, len(pool))
        idx = pool[_weighted_pick(rng, np.ones(len(pool)), n)]
        idx = idx[rng.permutation(n)]
        st.looked_after[idx] = True
        start = s + rng.integers(0, ndays, size=n)
        share = _iha_on_time_share(ym)
        if k >= 0:
            on_time = np.zeros(n, dtype=bool)
            on_time[rng.permutation(n)[: min(k, n)]] = True
            never = np.zeros(n, dtype=bool)
        else:
            on_time = rng.random(n) < share
            never = ~on_time & (rng.random(n) < 0.04)
        total = np.where(on_time, rng.integers(12, 29, size=n), 29 + np.minimum(rng.exponential(30.0, n), 150).astype(np.int64))
        a = _consent_fraction(ym) * rng.uniform(0.8, 1.15, n)
        consent = start + np.floor(total * a).astype(np.int64)
        notified = np.minimum(consent + np.maximum(1, np.floor(total * 0.12 * rng.uniform(0.7, 1.3, n)).astype(np.int64)),
                              start + total - 1)
        iha = start + total
        iha = np.where(never, -1, iha)
        out = {"child": idx, "start": start, "consent": consent, "notified": notified, "iha": iha}
        for col in ("consent", "notified", "iha"):
            out[col] = np.where(out[col] > self.end_day, -1, out[col])
        return out

    # --- text ---------------------------------------------------------------------------------
    def _date_formats(self, ym: str, n: int, allow_excel: bool) -> np.ndarray:
        uk_share = 0.80 if ym < "2014-07" else 0.15
        fmt = (self.rng.random(n) < uk_share).astype(np.int64)
        if allow_excel and ym < "2014-11":
            fmt = np.where(self.rng.random(n) < 0.005, 2, fmt)
        return fmt

    def _contact_rows(self, mi, ym, chan, variant, tu, child, day, marf, outcome, decision_day, dates: _Dates) -> pd.DataFrame:
        rng, st = self.rng, self.state
        n = len(chan)
        code = np.empty(n, dtype=object)
        detail = np.empty(n, dtype=object)
        role = np.empty(n, dtype=object)
        org = np.empty(n, dtype=object)
        for ci in range(_N_CHAN):
            for vi, var in enumerate(CHANNELS[ci].variants):
                sel = np.flatnonzero((chan == ci) & (variant == vi))
                if not len(sel):
                    continue
                code[sel] = var.code
                for arr, opts, col in ((detail, var.details, 0), (role, var.roles, 1), (org, var.orgs, 2)):
                    o = np.array(opts, dtype=object)
                    arr[sel] = o[np.minimum((tu[sel, col] * len(o)).astype(np.int64), len(o) - 1)]
        # recorded code noise: lower case, padding, Annex A labels
        cu = rng.random(n)
        nonblank = code != ""
        code_text = code.copy()
        lower = nonblank & (cu < 0.06)
        code_text[lower] = np.strings.lower(code[lower].astype("U")).astype(object)
        pad = nonblank & (cu >= 0.06) & (cu < 0.10)
        code_text[pad] = np.strings.add(np.strings.add(" ", code[pad].astype("U")), " ").astype(object)
        lab = nonblank & (cu >= 0.10) & (cu < 0.18)
        code_text[lab] = pd.Series(code[lab], dtype=object).map(_ANNEX).to_numpy(dtype=object)
        # free text noise: lower case, a trailing space
        fu = rng.random(n)
        low = fu < 0.04
        detail[low] = np.strings.lower(detail[low].astype("U")).astype(object)
        sp = (fu >= 0.04) & (fu < 0.07) & (role != "")
        role[sp] = np.strings.add(role[sp].astype("U"), " ").astype(object)

        fmt = self._date_formats(ym, n, allow_excel=True)
        date_text = dates.text(day, fmt)
        dfmt = np.where(fmt == 2, 0, fmt)
        dec_text = np.where(decision_day < 0, "", dates.text(np.maximum(decision_day, dates.first), dfmt)).astype(object)
        dob_fmt = rng.choice(5, size=n, p=[0.55, 0.33, 0.0, 0.07, 0.05])
        dob_text = dates.text(st.dob[child], dob_fmt)
        gender = st.gender[child]
        gender_text = np.empty(n, dtype=object)
        for g in range(3):
            sel = gender == g
            gender_text[sel] = _choose_text(rng, _GENDER_TEXT[g], int(sel.sum()))
        marf_text = np.empty(n, dtype=object)
        for val in (True, False):
            sel = marf == val
            marf_text[sel] = _choose_text(rng, _MARF_TEXT[val], int(sel.sum()))
        out_text = np.empty(n, dtype=object)
        for oi, name in enumerate(_OUTCOMES):
            sel = outcome == oi
            out_text[sel] = _choose_text(rng, _OUTCOME_TEXT[name], int(sel.sum()))

        order = np.lexsort((np.arange(n), day))
        frame = pd.DataFrame({
            "contact_id": np.empty(n, dtype=object),
            "child_id": self.child_text(st.key[child]),
            "contact_date": date_text, "source_code": code_text, "source_detail": detail,
            "referrer_role": role, "referrer_org": org, "marf": marf_text, "outcome": out_text,
            "decision_date": dec_text, "child_dob": dob_text, "gender": gender_text,
        }).iloc[order].reset_index(drop=True)
        frame["contact_id"] = self.contact_text(n)
        frame = self._contact_mess(mi, frame)
        if self.name:
            frame["authority"] = self.name
        return frame

    def _contact_mess(self, mi: int, frame: pd.DataFrame) -> pd.DataFrame:
        kinds = self.mess_month.get(mi, [])
        if not kinds or frame.empty:
            return frame
        rng = self.rng
        extra = []
        after = []
        for kind in kinds:
            src = int(rng.integers(0, len(frame)))
            row = frame.iloc[[src]].copy()
            if kind == "dup":
                extra.append(row)
                after.append(src)
                continue
            if kind == "conflict":
                row["contact_id"] = self.contact_text(1)
                row["child_id"] = self.child_text(np.array([90_000_000 + self.next_child]))
                self.next_child += 1
                twin = row.copy()
                twin["outcome"] = "NFA" if str(row["outcome"].iloc[0]).strip().lower() != "nfa" else "Referral"
                extra += [row, twin]
                after += [src, src]
                continue
            row["contact_id"] = self.contact_text(1)
            if kind == "noid":
                row["child_id"] = ""
            elif kind == "baddate":
                row["contact_date"] = _BAD_DATES[int(rng.integers(0, len(_BAD_DATES)))]
                row["decision_date"] = ""
            elif kind == "unparseable":
                row["contact_date"] = _UNPARSEABLE_DATES[int(rng.integers(0, len(_UNPARSEABLE_DATES)))]
                row["decision_date"] = ""
            elif kind == "future":
                row["contact_date"] = _FUTURE_DATES[int(rng.integers(0, len(_FUTURE_DATES)))]
                row["decision_date"] = ""
            elif kind == "outcome":
                row["outcome"] = _UNKNOWN_OUTCOMES[int(rng.integers(0, len(_UNKNOWN_OUTCOMES)))]
            extra.append(row)
            after.append(src)
        pos = np.concatenate([np.arange(len(frame), dtype=float), np.array(after, dtype=float) + 0.5])
        allrows = pd.concat([frame, *extra], ignore_index=True)
        return allrows.iloc[np.argsort(pos, kind="stable")].reset_index(drop=True)

    def _la_rows(self, mi: int, la: dict[str, np.ndarray], dates: _Dates) -> pd.DataFrame:
        n = len(la["child"])
        fmt = (self.rng.random(n) < 0.3).astype(np.int64)
        frame = pd.DataFrame({
            "child_id": self.child_text(self.state.key[la["child"]]) if n else np.zeros(0, dtype=object),
            "period_start": dates.text(la["start"], fmt),
            "consent_date": np.where(la["consent"] < 0, "", dates.text(la["consent"], fmt)),
            "health_notified_date": np.where(la["notified"] < 0, "", dates.text(la["notified"], fmt)),
            "iha_date": np.where(la["iha"] < 0, "", dates.text(la["iha"], fmt)),
        })
        for col in _LA_HEADER:
            frame[col] = frame[col].astype(object)
        kinds = self.la_mess.get(mi, [])
        if kinds and n:
            rows = []
            for kind in kinds:
                row = frame.iloc[[int(self.rng.integers(0, n))]].copy()
                if kind == "noid":
                    row["child_id"] = ""
                elif kind == "baddate":
                    row["child_id"] = self.child_text(np.array([95_000_000 + mi]))
                    row["period_start"] = "31/09/2014" if self._la_bad == 0 else "2099-01-05"
                    self._la_bad += 1
                rows.append(row)
            frame = pd.concat([frame, *rows], ignore_index=True)
        if self.name:
            frame["authority"] = self.name
        return frame


# ------------------------------------------------------------------------------------------------
# Public API


def iter_chunks(
    *, seed: int = DEFAULT_SEED, start: str = "2013-04", end: str = "2015-11", scale: float = 1.0,
    authorities: int = 1,
) -> Iterator[Chunk]:
    """Yield the extract one (authority, month) chunk at a time, in file order: all months of
    authority 1, then authority 2, ... Memory holds one chunk and one authority's recent children."""
    if authorities < 1:
        raise HwbKpisError(f"synth: authorities must be at least 1 (got {authorities})")
    if not scale > 0:
        raise HwbKpisError(f"synth: scale must be positive (got {scale})")
    months = _months(start, end)
    y, m = months[-1]
    end_day = _day(y, m) + int(pd.Period(_ym(y, m), freq="M").days_in_month) - 1
    dates = _Dates(_day(*months[0]) - 19 * 366, end_day + 400)
    for a in range(authorities):
        auth = _Authority(a, seed, months, scale, authorities, end_day)
        for mi in range(len(months)):
            yield auth.month(mi, dates)


def write_extract(
    out_dir: Path | str,
    *,
    seed: int = DEFAULT_SEED,
    start: str = "2013-04",
    end: str = "2015-11",
    scale: float = 1.0,
    authorities: int = 1,
    echo: Callable[[str], Any] = print,
) -> list[Path]:
    """Write the synthetic raw extract (``contacts.csv``, ``looked_after.csv``, ``SYNTHETIC``) into
    ``out_dir``, streaming month by month. Returns the paths written."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    contacts_path, la_path, marker = out / "contacts.csv", out / "looked_after.csv", out / MARKER
    extra = ["authority"] if authorities > 1 else []
    n_contacts = n_la = 0
    echo(f"writing a SYNTHETIC extract (seed {seed}, {start} to {end}, scale {scale:g}, "
         f"{authorities} authorit{'y' if authorities == 1 else 'ies'}) to {out}")
    tmp_c, tmp_l = contacts_path.with_suffix(".csv.part"), la_path.with_suffix(".csv.part")
    with open(tmp_c, "w", encoding="utf-8", newline="") as fc, open(tmp_l, "w", encoding="utf-8", newline="") as fl:
        fc.write(",".join(_CONTACT_HEADER + extra) + "\n")
        fl.write(",".join(_LA_HEADER + extra) + "\n")
        for chunk in iter_chunks(seed=seed, start=start, end=end, scale=scale, authorities=authorities):
            chunk.contacts.to_csv(fc, header=False, index=False, lineterminator="\n")
            chunk.looked_after.to_csv(fl, header=False, index=False, lineterminator="\n")
            n_contacts += len(chunk.contacts)
            n_la += len(chunk.looked_after)
    tmp_c.replace(contacts_path)
    tmp_l.replace(la_path)
    marker.write_text(f"synthetic extract generated by hwb-kpis synth, seed {seed}\n", encoding="utf-8")
    echo(f"synthetic extract: {n_contacts:,} contact rows, {n_la:,} looked-after rows (not real children)")
    return [contacts_path, la_path, marker]
