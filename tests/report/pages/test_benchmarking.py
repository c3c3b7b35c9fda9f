"""Page 06, benchmarking against DfE's published statistics (hwb_kpis.report.pages.benchmarking)."""

from __future__ import annotations

from hwb_kpis.report.escape import markdown_text
from hwb_kpis.report.pages import benchmarking


def test_without_the_dfe_file_the_page_says_where_to_get_it(tmp_path):
    page = benchmarking.load(dfe_dir=str(tmp_path))
    assert not page.have_dfe
    folder = markdown_text(tmp_path.name)  # its name only, escaped (never a machine's full path)
    assert page.missing_note.startswith(f"**The DfE statistics file was not found in the folder *{folder}*")
    assert "`dfe_dir` parameter" in page.missing_note and page.banner == ""
    assert "INTERNAL" in benchmarking.load(dfe_dir=str(tmp_path), internal=True).banner


def test_relative_paths_are_read_against_the_notebooks_folder():
    assert benchmarking.resolve("../data/raw").parts[-2:] == ("data", "raw")
    assert benchmarking.resolve("/tmp/x") == benchmarking.resolve("/tmp/x").resolve()


def test_with_the_dfe_file(dfe_dir):
    page = benchmarking.load(dfe_dir=str(dfe_dir))
    assert page.have_dfe and page.missing_note == ""
    assert page.year == 2015 and "**2014/15**" in page.authority_note
    assert page.sentences[0].startswith("In 2014/15, ")
    assert list(page.published_table.columns) == ["Year", "Area", "Referrals", "Per 10,000 children",
                                                  "Re-referral %", "NFA %"]
    assert page.own_error == "" and page.own_table is not None and "2014/15" in set(page.own_table["Year"])
    assert len(page.lookalikes_table) == 5 and page.lookalikes_note.startswith("*Data-driven look-alikes")
    assert page.starts_table.columns[0] == "Area"
