"""Paths and defaults shared by every module.

Everything an analyst may want to change lives in data files (``contract/tables.yml``,
``reference/``, a mapping YAML); this module holds only paths, defaults and environment names.
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


def project_roots() -> list[Path]:
    """The project folders nothing secret may live in: :func:`project_root` and, when the package
    is installed from a checkout (an editable install), the checkout that holds it, whatever the
    current folder."""
    roots = [project_root().resolve()]
    checkout = PACKAGE_DIR.parent
    if (checkout / "pyproject.toml").is_file() and checkout.resolve() not in roots:
        roots.append(checkout.resolve())
    return roots


def default_raw_dir() -> Path:
    return project_root() / "data" / "raw"


def default_processed_dir() -> Path:
    return project_root() / "data" / "processed"


def default_reports_dir() -> Path:
    return project_root() / "reports"


def default_notebooks_dir() -> Path:
    """The pack's notebooks: ``notebooks/`` of the project folder (:func:`project_root`), else of
    the checkout this package was installed from (so ``hwb-kpis report`` runs from any folder),
    else the project folder's ``notebooks/`` (which the build then says is missing)."""
    candidates = [project_root() / "notebooks", PACKAGE_DIR.parent / "notebooks"]
    return next((c for c in candidates if c.is_dir()), candidates[0])


def default_settings_dir() -> Path:
    """The analyst's own editable files for the pack (``changes.yml``, ``targets.yml``):
    ``<project>/settings`` (see docs/verdicts.md)."""
    return project_root() / "settings"


# --- the data contract lives in hwb_kpis/contract/tables.yml (hwb_kpis.contract.tables); these
# names are re-exported here only because stages and notebooks have long imported them from config.
from hwb_kpis.contract.tables import (  # noqa: E402,F401
    CONTACT_COLUMNS,
    CONTACT_DATES,
    CONTACT_REQUIRED,
    LOOKED_AFTER_COLUMNS,
    LOOKED_AFTER_DATES,
    LOOKED_AFTER_REQUIRED,
    OPTIONAL_COLUMNS,
    OUTCOMES,
    TABLES,
    THRESHOLD_NOT_MET,
)

# --- source codes: the home of the code list is reference/referral_sources.csv (hwb_kpis.coding)
HEALTH_CODES = ("3A", "3B", "3C", "3D", "3E", "3F")
UNKNOWN_CODE = "10"

VIEWS = ("recoded", "recorded")
DEFAULT_VIEW = "recoded"
DEFAULT_LOOKBACK_DAYS = 365
IHA_LIMITS = ("28d", "20wd")
DEFAULT_IHA_LIMIT = "28d"
#: days after a contact within which a referral of the child makes its derived outcome a referral
#: (only for extracts without outcomes, such as Ofsted Annex A: hwb_kpis.ingest.fill)
DEFAULT_LINK_DAYS = 7
#: the source formats ``--format`` accepts (hwb_kpis.ingest.formats); ``auto`` detects
SOURCE_FORMATS = ("auto", "cin-census", "ssda903", "ssd", "annex-a", "contract")
DEFAULT_SOURCE_FORMAT = "auto"

#: a month whose share of contacts still awaiting a decision (or of children not yet due an IHA)
#: is above this is "still maturing": shown, marked, and never judged (docs/verdicts.md)
DEFAULT_MATURING_SHARE = 0.05

#: the month the seed report describes; notebooks default to it on the synthetic data
DEFAULT_MONTH = "2015-11"

#: the file `hwb-kpis synth` leaves in a raw folder it wrote
SYNTHETIC_MARKER = "SYNTHETIC"

PSEUDONYM_KEY_ENV = "HWB_KPIS_PSEUDONYM_KEY"
PSEUDONYM_KEY_FILE_ENV = "HWB_KPIS_PSEUDONYM_KEY_FILE"
