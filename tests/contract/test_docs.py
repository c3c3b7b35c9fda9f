"""docs/interfaces.md is generated from the contract (hwb_kpis/contract/docs.py) and must equal
what the generator writes today, so that it cannot drift from the code again."""

from __future__ import annotations

from hwb_kpis.contract import docs


def test_committed_interfaces_md_is_the_generated_text():
    assert docs.DOC_PATH.read_text(encoding="utf-8") == docs.render(), (
        "docs/interfaces.md is out of date: run `.venv/bin/python -m hwb_kpis.contract.docs`")


def test_the_generated_text_names_every_contract_column_and_rule():
    from hwb_kpis.contract import SPECS, schemas
    from hwb_kpis.ingest.checks import RULES

    text = docs.render()
    for spec in SPECS.values():
        assert all(f"| `{c}` |" in text for c in spec.columns)
    assert all(f"| `{c}` |" in text for c in schemas.PROCESSED_CONTACTS.columns)
    assert all(f"`{code}`" in text and rule.reason in text for code, rule in RULES.items())
    assert "`coding.unknown_source`" in text  # the key that had drifted (`unknown`)


def test_check_mode_reports_an_out_of_date_file(tmp_path, capsys):
    stale = tmp_path / "interfaces.md"
    stale.write_text("old\n", encoding="utf-8")
    assert docs.main(["--check", "--out", str(stale)]) == 1
    assert "out of date" in capsys.readouterr().err
    assert docs.main(["--out", str(stale)]) == 0 and docs.main(["--check", "--out", str(stale)]) == 0
