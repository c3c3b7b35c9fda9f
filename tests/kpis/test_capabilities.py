"""What an extract can answer (hwb_kpis/kpis/capabilities.py): each KPI available exactly when the
extract holds what its registry entry needs, else unavailable with the reason in words — the
format's own, then the contract's; never computed from a stand-in."""

from __future__ import annotations

import pandas as pd

from hwb_kpis import kpis
from hwb_kpis.ingest.formats.annex_a import ANNEX_A_FORMAT
from hwb_kpis.kpis.capabilities import Capabilities, assess, column_provided, of_tables, reasons
from hwb_kpis.kpis.registry import registry
from tests.kpis.fixtures import make_contacts, make_looked_after

CONTRACT_CONTACTS = ("contact_id", "child_id", "contact_date", "source_code", "marf", "outcome", "decision_date")


def test_a_full_contract_extract_gives_every_kpi_but_referral_nfa():
    caps = assess({"contacts": CONTRACT_CONTACTS, "referrals": ("referral_id", "child_id", "referral_date", "source_code"),
                   "looked_after": ("child_id", "period_start", "iha_date")})
    assert caps.available == tuple(k for k in registry() if k != "referral_nfa")
    assert caps.unavailable == {"referral_nfa": "the list of referrals does not say which referrals were closed with no "
                                                "further action"}


def test_annex_a_in_its_own_words():
    provided = {"contacts": ("contact_id", "child_id", "contact_date", "source_code", "outcome", "child_dob", "gender"),
                "referrals": ("referral_id", "child_id", "referral_date", "source_code", "nfa"),
                "looked_after": ("child_id", "period_start")}
    caps = assess(provided, reasons(ANNEX_A_FORMAT.absent))
    assert set(caps.unavailable) == {"marf", "iha_within_28_days"}
    assert caps.reason("iha_within_28_days").startswith("Annex A List 8 holds the date of the last health assessment")
    # List 1 alone: no outcome, so no conversion, pending, repeats or referrals: never made up
    caps = assess({"contacts": provided["contacts"][:4]}, reasons(ANNEX_A_FORMAT.absent))
    assert caps.available == ("contacts", "health_share")
    assert caps.reason("conversion").startswith("Annex A List 1 has no decision on each contact")
    assert caps.reason("referrals") == "the Annex A workbook has no List 3 (referrals)"


def test_referrals_alone_give_the_referral_measures_only():
    caps = assess({"referrals": ("referral_id", "child_id", "referral_date", "source_code", "nfa")})
    assert caps.available == ("rereferral_12m", "referrals", "referral_health_share", "referral_nfa")
    assert caps.reason("conversion") == caps.reason("repeat_contacts") == "the extract has no list of contacts"
    assert caps.reason("iha_within_28_days") == "the extract has no list of children looked after"


def test_referrals_made_from_contacts_lack_the_nfa_flag_with_their_own_reason():
    why = reasons(made_from={"referrals": "contacts"})
    assert why("referrals", "nfa").startswith("the referrals are the contacts that became a referral")
    assert why("referrals", None) == "the extract has no list of referrals"


def test_a_source_code_read_from_free_text_counts():
    assert column_provided("contacts", "source_code", ["source_detail"])
    assert not column_provided("contacts", "source_code", ["child_id", "contact_date"])
    caps = assess({"contacts": ("contact_id", "child_id", "contact_date", "outcome")})
    assert caps.reason("health_share") == "the contacts list says nothing about who made each contact"


def test_the_processed_folder_says_and_tables_alone_are_judged_by_their_columns():
    recorded = Capabilities(("contacts",), {"marf": "no MARF column"})
    assert of_tables({"summary": {"kpis": recorded.as_dict()}}) == recorded
    tables = {"contacts": make_contacts([("a", "2015-11-01", "nfa")]),
              "looked_after": make_looked_after([("a", "2015-11-01", None)])}
    assert set(of_tables(tables).unavailable) == {"referral_nfa"}
    assert set(of_tables({"looked_after": tables["looked_after"]}).available) == {"iha_within_28_days"}


def test_kpi_table_never_computes_an_unavailable_kpi():
    tables = {"contacts": make_contacts([("a", "2015-11-01", "nfa"), ("a", "2015-11-20", "referral")]),
              "summary": {"kpis": {"available": ["contacts"], "unavailable": {"conversion": "no outcome"}}}}
    t = kpis.kpi_table(tables)
    assert set(t["kpi"]) == {"contacts"}
    assert isinstance(t, pd.DataFrame)
