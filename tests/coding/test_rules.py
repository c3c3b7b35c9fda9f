"""The recoding rules (hwb_kpis.coding.rules): the coded frame, each rule and its negative case,
the safety net, configuration errors, the fixture of mixed labels and a property test."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hwb_kpis import coding
from hwb_kpis.coding import AUDIT_COLUMNS, code_contacts, load_reference, load_rules
from hwb_kpis.errors import HwbKpisError
from tests.coding.fixtures import FIXTURE, code_one, contacts


def test_coded_frame_structure_and_passthrough():
    df = contacts(("2A", "School", "DSL", "Oak Green School"), (None, None, None, None),
                  ("3e", "A&E", None, None), extra={"outcome": ["nfa", "referral", "advice"]})
    df.index = [30, 10, 20]
    coded, audit = code_contacts(df)
    assert list(coded.index) == [30, 10, 20]
    assert list(coded.columns) == [
        "contact_id", "month", "source_code_recorded", "source_group_recorded", "source_code",
        "source_group", "recode_rule", "source_detail", "referrer_role", "referrer_org", "outcome",
    ]
    assert coded["outcome"].tolist() == ["nfa", "referral", "advice"]
    assert coded["contact_id"].tolist() == df["contact_id"].tolist()
    assert coded["source_code"].notna().all()
    assert coded["source_code"].tolist() == ["2A", "10", "3E"]
    assert coded["source_code_recorded"].isna().tolist() == [False, True, False]
    assert coded["source_group_recorded"].tolist() == ["schools", "unknown", "health"]
    assert coded["source_group"].tolist() == ["schools", "unknown", "health"]
    assert coded["recode_rule"].isna().tolist() == [True, False, True]
    for col in ("source_code_recorded", "source_code", "source_group", "recode_rule"):
        assert pd.api.types.is_string_dtype(coded[col])
    assert tuple(audit.columns) == AUDIT_COLUMNS
    assert audit["contact_id"].tolist() == [df["contact_id"].iloc[1]]
    # the input frame is not modified
    assert "source_code" in df.columns and df["source_code"].iloc[2] == "3e"


def test_empty_frame_and_missing_text_columns():
    coded, audit = code_contacts(contacts())
    assert coded.empty and audit.empty and tuple(audit.columns) == AUDIT_COLUMNS
    only_codes = pd.DataFrame({"contact_id": ["a", "b"], "month": ["2015-11"] * 2,
                               "source_code": ["6", None]}, dtype="str")
    coded, audit = code_contacts(only_codes)
    assert coded["source_code"].tolist() == ["6", "10"]
    assert audit["rule"].tolist() == ["unknown_source"]


@pytest.mark.parametrize(
    ("role", "org"),
    [("School Nurse", "Oxford Health NHS FT"), ("DSL", "School Nursing Service"),
     (None, "0-19 Service"), ("School health nurse", None)],
)
def test_schools_from_school_nursing_service_becomes_3c(role, org):
    code, rule, audit = code_one("2A", "School", role, org)
    assert (code, rule) == ("3C", "school_nursing_referrer")
    assert audit["rule"].tolist() == ["school_nursing_referrer"]


def test_school_alone_stays_schools():
    assert code_one("2A", "School", "DSL", "Oak Green School")[:2] == ("2A", None)
    assert code_one("2A", "School", None, None)[:2] == ("2A", None)
    coded, audit = code_contacts(contacts(("2A", "School", "Teacher", "Oak Green School")))
    assert audit.empty and coded["recode_rule"].isna().all()


@pytest.mark.parametrize(
    "detail",
    ["on behalf of school nurse", "Concern raised by school nurse", "School nurse asked DSL to refer",
     "DSL passing on school nurse's concerns", "Referral from the school nurse"],
)
def test_dsl_passing_on_school_nurse_concern_becomes_3c(detail):
    code, rule, _ = code_one("2A", detail, "Designated Safeguarding Lead", "Wycombe High School")
    assert (code, rule) == ("3C", "dsl_on_behalf_of_school_nurse")


def test_dsl_rule_negative_school_nurse_merely_mentioned():
    assert code_one("2A", "School nurse not involved", "DSL", "Oak Green School")[:2] == ("2A", None)


@pytest.mark.parametrize("role", ["DSL", "Head Teacher", "Headteacher", "Class teacher", "SENCO",
                                  "Head of Year 9", "Designated Safeguarding Lead"])
def test_school_staff_recorded_as_school_nurse_becomes_2a(role):
    code, rule, _ = code_one("3C", "School", role, "Oak Green School")
    assert (code, rule) == ("2A", "school_staff_recorded_as_school_nurse")


@pytest.mark.parametrize(
    ("detail", "role", "org"),
    [("School nurse", "School Nurse", "Oxford Health"),  # a real school nurse
     ("DSL on behalf of school nurse", "DSL", "Wycombe High School"),  # health involvement
     ("School", "DSL", "Buckinghamshire Healthcare NHS Trust"),  # an NHS safeguarding lead
     (None, "Safeguarding Lead", None)],  # not plainly school staff
)
def test_school_nurse_kept_when_health_involved_or_not_plainly_school(detail, role, org):
    assert code_one("3C", detail, role, org)[:2] == ("3C", None)


def test_safeguarding_lead_at_a_school_recorded_as_school_nurse_becomes_2a():
    code, rule, audit = code_one("3C", None, "Safeguarding Lead", "Chiltern Academy")
    assert (code, rule) == ("2A", "school_safeguarding_lead_recorded_as_school_nurse")
    assert audit["evidence"].iloc[0] == "referrer_role: Safeguarding Lead; referrer_org: [redacted] Academy"


def test_school_nurse_text_in_police_contact_does_not_recode():
    code, rule, audit = code_one("6", "Police", "PCSO", "Schools liaison - school nurse present")
    assert (code, rule) == ("6", None) and audit.empty
    assert code_one("6", "on behalf of school nurse", "PC", "Thames Valley Police")[:2] == ("6", None)


def test_a_rule_may_explicitly_recode_police(tmp_path):
    rules = yaml.safe_load(coding.RULES_FILE.read_text())
    rules["rules"].insert(0, {
        "name": "police_passing_on_school_nurse", "description": "test",
        "recorded_in": ["6"], "target": "3C",
        "match": [{"fields": ["source_detail"], "pattern": r"on behalf of school nurse"}],
    })
    path = tmp_path / "rules.yml"
    path.write_text(yaml.safe_dump(rules))
    code, rule, _ = code_one("6", "on behalf of school nurse", "PC", None, rules_path=path)
    assert (code, rule) == ("3C", "police_passing_on_school_nurse")


@pytest.mark.parametrize("recorded", ["6", "3D", "2A", "1A", "3F"])
def test_nhs_111_anywhere_becomes_3e(recorded):
    assert code_one(recorded, "NHS 111", None, None)[:2] == ("3E", "nhs_111")


@pytest.mark.parametrize("detail", ["Call from 01296 111234", "Tel 0800 111 222", "Room 111",
                                    "01865 111111"])
def test_111_inside_numbers_is_not_nhs_111(detail):
    assert code_one("6", detail, None, None)[:2] == ("6", None)
    assert code_one(None, detail, None, None)[0] == "10"


def test_nhs_111_recorded_3e_is_unchanged():
    assert code_one("3E", "NHS 111", None, None)[:2] == ("3E", None)


@pytest.mark.parametrize(("detail", "org"), [("SCAS", None), ("Paramedic", "South Central Ambulance Service"),
                                             ("Ambulance crew", None)])
def test_ambulance_anywhere_becomes_3d(detail, org):
    assert code_one("6", detail, None, org)[:2] == ("3D", "ambulance_service")
    assert code_one("3D", detail, None, org)[:2] == ("3D", None)


def test_ambulance_not_when_a_and_e_named_and_111_wins_over_scas():
    assert code_one("3E", "A&E - brought in by ambulance", None, None)[:2] == ("3E", None)
    assert code_one("3D", "NHS 111 call handler", None, "SCAS")[:2] == ("3E", "nhs_111")


def test_blank_invalid_and_unknown_filled_from_text():
    assert code_one(None, "GP", None, "Riverside Surgery")[:2] == ("3A", "filled_from_text")
    assert code_one("3G", "Health Visitor", None, None)[:2] == ("3B", "filled_from_text")
    assert code_one("Police", None, None, None)[:2] == ("6", "filled_from_text")
    assert code_one("10", "GP surgery", None, None)[:2] == ("3A", "filled_from_text")
    assert code_one("10", None, None, None)[:2] == ("10", None)


def test_nothing_matched_becomes_10_and_is_listed():
    code, rule, audit = code_one(None, "Some agency", None, None)
    assert (code, rule) == ("10", "unknown_source")
    assert audit["source_code_recorded"].isna().all() and audit["source_code"].tolist() == ["10"]
    assert audit["evidence"].tolist() == ["source_detail: [redacted] agency"]
    assert code_one(None, None, None, None)[2]["evidence"].tolist() == ["(no source text)"]


@pytest.mark.parametrize(
    ("rule", "message"),
    [({"name": "x", "target": "3Z"}, "not a source code"),
     ({"name": "x", "target": "3C", "recorded_in": ["2Z"]}, "unknown code"),
     ({"name": "x", "target": "3C", "match": [{"fields": ["notes"], "pattern": "a"}]}, "unknown field"),
     ({"name": "x", "target": "3C", "match": [{"fields": ["source_detail"], "pattern": "("}]},
      "invalid regular expression"),
     ({"target": "3C"}, "needs a `name`"),
     ({"name": "x", "target": "3C", "colour": "red"}, "unknown key")],
)
def test_bad_rules_file_is_reported(tmp_path: Path, rule, message):
    path = tmp_path / "rules.yml"
    path.write_text(yaml.safe_dump({"rules": [rule]}))
    with pytest.raises(HwbKpisError, match=message) as err:
        load_rules(path)
    assert str(path) in str(err.value)


def test_shipped_rules_have_the_issue_rules():
    names = [r.name for r in load_rules()[0]]
    assert names == [
        "school_nursing_referrer", "dsl_on_behalf_of_school_nurse",
        "school_staff_recorded_as_school_nurse", "school_safeguarding_lead_recorded_as_school_nurse",
        "nhs_111", "ambulance_service", "filled_from_text", "unknown_source",
    ]


def test_mixed_labels_fixture_gets_the_analysts_codes_and_every_change_is_audited():
    df = pd.read_csv(FIXTURE, dtype="str")
    assert len(df) >= 40
    coded, audit = code_contacts(df.drop(columns=["expected_code", "expected_rule"]))
    wrong = df.loc[coded["source_code"] != df["expected_code"], ["contact_id", "expected_code"]]
    assert wrong.empty, wrong.assign(got=coded["source_code"]).to_string()
    assert coded["recode_rule"].fillna("").tolist() == df["expected_rule"].fillna("").tolist()
    changed = df[df["expected_rule"].notna()]
    assert audit["contact_id"].tolist() == changed["contact_id"].tolist()
    assert audit["rule"].tolist() == changed["expected_rule"].tolist()
    assert audit["source_code"].tolist() == changed["expected_code"].tolist()
    assert audit["month"].tolist() == changed["month"].tolist()
    assert audit["evidence"].notna().all() and audit["evidence"].str.len().le(80).all()
    assert set(audit["source_code_recorded"].dropna()) <= set(load_reference()["code"])


TEXTS = st.sampled_from([
    None, "", "School", "School Nurse", "on behalf of school nurse", "DSL", "Head Teacher", "NHS 111",
    "SCAS", "A&E", "ED", "EDUCATION", "GP", "HV", "Police", "01296 111234", "Mrs Jane Smith",
    "Oxford Health", "Oak Green School", "k) 3E: Health services", "  3e ", "\u2013", "caf\u00e9",
])


CODES = st.sampled_from([None, "", "2A", "3C", "3e", "6", "10", "3G", "e) 2A: Schools", "junk", "06"])


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(CODES, TEXTS, TEXTS, TEXTS), max_size=25), st.randoms())
def test_recoding_never_changes_number_or_order_of_contacts(rows, rnd):
    df = contacts(*rows)
    index = list(range(len(df)))
    rnd.shuffle(index)
    df.index = index
    coded, audit = code_contacts(df)
    assert len(coded) == len(df)
    assert coded.index.tolist() == df.index.tolist()
    assert coded["contact_id"].tolist() == df["contact_id"].tolist()
    assert coded["source_code"].notna().all()
    assert set(coded["source_code"]) <= set(load_reference()["code"])
    changed = coded["recode_rule"].notna()
    assert audit["contact_id"].tolist() == coded.loc[changed, "contact_id"].tolist()
    differs = coded["source_code_recorded"].fillna("") != coded["source_code"]
    assert np.array_equal(differs.to_numpy(), changed.to_numpy())
    # coding twice gives the same answer (distinct-row evaluation is order independent)
    again, _ = code_contacts(df.iloc[::-1])
    assert again["source_code"].iloc[::-1].tolist() == coded["source_code"].tolist()
