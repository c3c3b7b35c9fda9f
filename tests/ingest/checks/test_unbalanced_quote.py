"""Rule unbalanced_quote: a quoted field spanning more than a few lines, or never closed (applied
by the CSV reader; the whole stretch is one quarantined row)."""

from hwb_kpis.ingest import CONTACTS, Mapping, clean_table, read_table
from hwb_kpis.ingest.checks import RULES
from tests.ingest.checks.support import KEY, TODAY


def test_a_stray_quote_sets_its_line_apart_and_reading_goes_on(tmp_path):
    path = tmp_path / "contacts.csv"
    path.write_text("contact_id,child_id,contact_date,outcome,referrer_org\n"
                    'C1,K1,2015-11-03,nfa,"Oak\n' + "".join(f"C{i},K{i},2015-11-03,nfa,x\n" for i in range(2, 9))
                    + 'C9,K9,2015-11-03,nfa,end"\n')
    ct = clean_table(read_table(path, CONTACTS, Mapping()), Mapping(), KEY, today=TODAY)
    q = ct.quarantine
    assert q[["row", "column", "reason", "value"]].values.tolist() == [[2, "(whole row)", "unbalanced quote", "[masked]"]]
    assert ct.clean["source_row"].tolist() == list(range(3, 11))
    assert ct.summary["raw_lines"] == 9 and ct.summary["reconciled"]


def test_reason_and_place():
    rule = RULES["unbalanced_quote"]
    assert (rule.reason, rule.order, rule.tables, rule.find) == ("unbalanced quote", 5, None, None)
