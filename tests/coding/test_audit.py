"""The audit of recoding (hwb_kpis.coding.audit): redacted evidence, the summary by rule and
month, the contacts left unknown."""

from __future__ import annotations

from hwb_kpis.coding import code_contacts, recoding_summary, unknown_sources
from tests.coding.fixtures import code_one, contacts


def test_audit_evidence_is_redacted_and_short():
    detail = ("Mrs Jane Smith (07700 900123, jane.smith@school.sch.uk) referring on behalf of "
              "school nurse Amy Jones about bruising seen during PE lesson on Tuesday morning")
    _, rule, audit = code_one("2A", detail, "DSL", None)
    assert rule == "dsl_on_behalf_of_school_nurse"
    evidence = audit["evidence"].iloc[0]
    assert len(evidence) <= 80
    for secret in ("Jane", "Smith", "07700", "900123", "@", "Amy", "Jones"):
        assert secret not in evidence
    assert evidence.startswith("source_detail: [redacted] referring on behalf of school nurse [redacted]")


def test_recoding_summary_by_rule_and_month():
    df = contacts(("6", "NHS 111", None, None), ("6", "NHS 111", None, None),
                  (None, None, None, None), ("2A", "School", None, None))
    df["month"] = ["2015-10", "2015-11", "2015-11", "2015-11"]
    _, audit = code_contacts(df)
    summary = recoding_summary(audit)
    assert list(summary.columns) == ["rule", "month", "source_code_recorded", "source_code", "contacts"]
    got = {(r.rule, r.month): r.contacts for r in summary.itertuples()}
    assert got == {("nhs_111", "2015-10"): 1, ("nhs_111", "2015-11"): 1,
                   ("unknown_source", "2015-11"): 1}
    assert summary["contacts"].sum() == len(audit)
    assert recoding_summary(audit.iloc[:0]).empty


def test_unknown_sources_lists_contacts_left_at_10():
    df = contacts((None, "Call from Mrs Jane Smith", None, None), ("6", "Police", None, None),
                  ("10", None, None, None))
    coded, _ = code_contacts(df)
    unknown = unknown_sources(coded)
    assert unknown["contact_id"].tolist() == [df["contact_id"].iloc[0], df["contact_id"].iloc[2]]
    assert unknown["source_detail"].iloc[0] == "Call from [redacted]"
    assert unknown_sources(coded, redact_text=False)["source_detail"].iloc[0] == "Call from Mrs Jane Smith"
