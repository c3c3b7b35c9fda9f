"""Paths, canonical names and defaults shared by every module.

Everything an analyst may want to change lives in data files (``reference/``, a mapping YAML);
this module holds only the names the code and the data contract agree on.
"""

from __future__ import annotations

import os
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
REFERENCE_DIR = PACKAGE_DIR / "reference"
MAPPINGS_DIR = PACKAGE_DIR / "mappings"


def project_root() -> Path:
    """The project folder: ``$HWB_KPIS_HOME`` if set, else the nearest parent with ``pyproject.toml``,
    else the current directory."""
    env = os.environ.get("HWB_KPIS_HOME")
    if env:
        return Path(env).resolve()
    for parent in [Path.cwd(), *Path.cwd().parents]:
        if (parent / "pyproject.toml").exists() and (parent / "hwb_kpis").is_dir():
            return parent
    return Path.cwd()


def default_raw_dir() -> Path:
    return project_root() / "data" / "raw"


def default_processed_dir() -> Path:
    return project_root() / "data" / "processed"


def default_reports_dir() -> Path:
    return project_root() / "reports"


# --- the data contract (../shared/spec/data-contract.md) -------------------------------------
TABLES = ("contacts", "looked_after")

CONTACT_COLUMNS = (
    "contact_id", "child_id", "contact_date", "source_code", "source_detail", "referrer_role",
    "referrer_org", "marf", "outcome", "decision_date", "child_dob", "gender",
)
CONTACT_REQUIRED = ("contact_id", "child_id", "contact_date", "outcome")
CONTACT_DATES = ("contact_date", "decision_date")

LOOKED_AFTER_COLUMNS = ("child_id", "period_start", "consent_date", "health_notified_date", "iha_date")
LOOKED_AFTER_REQUIRED = ("child_id", "period_start")
LOOKED_AFTER_DATES = ("period_start", "consent_date", "health_notified_date", "iha_date")

#: optional pass-through column used by multi-authority synthetic extracts
OPTIONAL_COLUMNS = ("authority",)

OUTCOMES = ("referral", "nfa", "advice", "early_help", "pending")
#: outcomes that record a decision that the social care threshold was NOT met
THRESHOLD_NOT_MET = ("nfa", "advice", "early_help")

HEALTH_CODES = ("3A", "3B", "3C", "3D", "3E", "3F")
UNKNOWN_CODE = "10"

VIEWS = ("recoded", "recorded")
DEFAULT_VIEW = "recoded"
DEFAULT_LOOKBACK_DAYS = 365
IHA_LIMITS = ("28d", "20wd")
DEFAULT_IHA_LIMIT = "28d"

#: the month the seed report describes; notebooks default to it on the synthetic data
DEFAULT_MONTH = "2015-11"

#: the file `hwb-kpis synth` leaves in a raw folder it wrote
SYNTHETIC_MARKER = "SYNTHETIC"

PSEUDONYM_KEY_ENV = "HWB_KPIS_PSEUDONYM_KEY"
PSEUDONYM_KEY_FILE_ENV = "HWB_KPIS_PSEUDONYM_KEY_FILE"
