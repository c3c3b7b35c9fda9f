"""The raw data contract (contract/tables.yml read by contract/tables.py): the table specs ingest
uses, the outcome list, and the names config still re-exports."""

from __future__ import annotations

import pytest
import yaml

from hwb_kpis import config
from hwb_kpis.contract import tables
from hwb_kpis.contract.tables import (
    CONTACTS,
    LOOKED_AFTER,
    OUTCOMES,
    REFERRALS,
    SPECS,
    THRESHOLD_NOT_MET,
)


def test_contacts_spec():
    assert CONTACTS.columns == ("contact_id", "child_id", "contact_date", "source_code", "source_detail",
                                "referrer_role", "referrer_org", "marf", "outcome", "decision_date", "child_dob",
                                "gender")
    assert CONTACTS.required == ("contact_id", "child_id", "contact_date", "outcome")
    assert CONTACTS.dates == ("contact_date", "decision_date", "child_dob")
    assert CONTACTS.key == ("contact_id",)
    assert CONTACTS.masked == ("contact_id", "child_id", "source_detail", "referrer_role", "referrer_org", "child_dob")
    assert not CONTACTS.may_be_empty and CONTACTS.optional == ("authority",)
    assert CONTACTS.column("contact_id").per_row and CONTACTS.column("contact_id").prefix == "c"
    assert not CONTACTS.column("child_id").per_row and CONTACTS.column("child_id").prefix == ""
    assert CONTACTS.of_kind("free_text") == ("source_detail", "referrer_role", "referrer_org")
    assert [d.name for d in CONTACTS.derived] == ["month", "dob_month", "age_years", "age_band"]
    # a file must hold the child and the date; the contact id and the outcome can be derived
    assert CONTACTS.must_have == ("child_id", "contact_date")
    assert CONTACTS.column("contact_id").when_absent["how"] == "keyed_rank"
    assert CONTACTS.column("outcome").when_absent["how"] == "linked_referral"
    assert CONTACTS.column("source_code").provided_by == ("source_code", "source_detail", "referrer_role", "referrer_org")


def test_referrals_spec():
    assert REFERRALS.columns == ("referral_id", "child_id", "referral_date", "source_code", "nfa")
    assert REFERRALS.required == ("referral_id", "child_id", "referral_date")
    assert REFERRALS.must_have == ("child_id", "referral_date")
    assert REFERRALS.key == ("referral_id",) and REFERRALS.may_be_empty
    assert REFERRALS.column("referral_id").per_row and REFERRALS.column("referral_id").prefix == "r"
    assert REFERRALS.when_absent["from"] == "contacts" and "nfa" in REFERRALS.when_absent["lacks"]
    assert [d.name for d in REFERRALS.derived] == ["month"]


def test_every_table_and_column_says_why_a_kpi_cannot_do_without_it():
    for spec in SPECS.values():
        assert spec.absent
        for column in spec.columns:
            assert spec.absent_reason(column)


def test_looked_after_spec():
    assert LOOKED_AFTER.columns == ("child_id", "period_start", "consent_date", "health_notified_date", "iha_date")
    assert LOOKED_AFTER.required == ("child_id", "period_start")
    assert LOOKED_AFTER.dates == LOOKED_AFTER.columns[1:]
    assert LOOKED_AFTER.key == ("child_id", "period_start") and LOOKED_AFTER.masked == ("child_id",)
    assert LOOKED_AFTER.may_be_empty
    assert list(SPECS) == ["contacts", "referrals", "looked_after"]
    assert tables.TABLES == ("contacts", "referrals", "looked_after")


def test_outcomes_and_threshold_not_met():
    assert OUTCOMES == ("referral", "nfa", "advice", "early_help", "pending", "not_referred")
    # a derived "no referral followed" counts as threshold not met (for repeat contacts)
    assert THRESHOLD_NOT_MET == ("nfa", "advice", "early_help", "not_referred")


def test_value_maps_name_exactly_the_contract_outcomes_and_yes_no():
    maps = yaml.safe_load((config.REFERENCE_DIR / "value_maps.yml").read_text(encoding="utf-8"))
    assert tuple(maps["outcome"]) == OUTCOMES
    assert set(maps["marf"]) == {"yes", "no"} and set(maps["yes_no"]) == {"yes", "no", "unknown"}


def test_config_re_exports_the_contract_names():
    assert config.CONTACT_COLUMNS is CONTACTS.columns
    assert config.CONTACT_REQUIRED == CONTACTS.required and config.CONTACT_DATES == ("contact_date", "decision_date")
    assert config.LOOKED_AFTER_COLUMNS == LOOKED_AFTER.columns and config.LOOKED_AFTER_DATES == LOOKED_AFTER.dates
    assert config.LOOKED_AFTER_REQUIRED == LOOKED_AFTER.required
    assert config.OUTCOMES is OUTCOMES and config.THRESHOLD_NOT_MET is THRESHOLD_NOT_MET
    assert config.TABLES == tuple(SPECS) and config.OPTIONAL_COLUMNS == ("authority",)


def test_a_column_of_unknown_kind_is_refused():
    entry = {"key": ["x"], "columns": {"x": {"kind": "idd"}}}
    with pytest.raises(ValueError, match="unknown kind"):
        tables._table("t", entry, (), tables.KINDS)


def test_reading_the_specs_does_not_import_pandera():
    import subprocess
    import sys

    code = "import sys, hwb_kpis.config, hwb_kpis.contract.tables; print('pandera' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "False"
