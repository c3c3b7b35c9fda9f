"""Rule malformed_row: a row with the wrong number of fields (applied by the CSV reader)."""

from hwb_kpis.ingest import CONTACTS, Mapping, clean_table, read_table
from hwb_kpis.ingest.checks import RULES
from tests.ingest.checks.support import KEY, TODAY


def test_rows_with_too_many_or_too_few_fields_are_quarantined_whole(tmp_path):
    path = tmp_path / "contacts.csv"
    path.write_text("contact_id,child_id,contact_date,outcome\n"
                    "C1,K1,2015-11-03,nfa\nC2,K2,2015-11-03\nC3,K3,2015-11-03,nfa\n"
                    "C4,K4,2015-11-03,nfa,extra\nC5,K5,2015-11-03,nfa\nC6,K6,2015-11-03,nfa\n")
    ct = clean_table(read_table(path, CONTACTS, Mapping()), Mapping(), KEY, today=TODAY)
    q = ct.quarantine
    assert q["row"].tolist() == [3, 5] and (q["column"] == "(whole row)").all() and (q["value"] == "[masked]").all()
    assert q["reason"].tolist() == ["malformed row (wrong number of fields): 3 fields, expected 4",
                                    "malformed row (wrong number of fields): 5 fields, expected 4"]
    assert ct.clean["source_row"].tolist() == [2, 4, 6, 7]


def test_reason_and_place():
    rule = RULES["malformed_row"]
    assert (rule.reason, rule.order, rule.tables, rule.find) == ("malformed row (wrong number of fields)", 10, None, None)
