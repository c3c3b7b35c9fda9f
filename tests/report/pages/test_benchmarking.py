"""Page 06, benchmarking against DfE's published statistics (hwb_kpis.report.pages.benchmarking)."""

from __future__ import annotations

from hwb_kpis.report.pages import benchmarking


def test_without_the_dfe_file_the_board_reads_plain_words_and_the_analyst_where_it_looked(tmp_path):
    page = benchmarking.load(dfe_dir=str(tmp_path))
    assert not page.have_dfe
    # the board: what is missing and why, no server path, no download steps, no parameter names
    assert "no comparison" in page.missing_note and str(tmp_path) not in page.missing_note
    assert "dfe_dir" not in page.missing_note and "explore-education" not in page.missing_note
    # the analyst (the build's terminal): where the page looked and how to load the tables
    assert str(tmp_path) in page.missing_detail and "hwb-kpis dfe update --from" in page.missing_detail
    assert page.banner == "" and "INTERNAL" in benchmarking.load(dfe_dir=str(tmp_path), internal=True).banner


def test_an_empty_dfe_dir_is_the_shipped_tables():
    """A fresh clone has no ../shared: page 06 reads the DfE tables shipped with the package."""
    from hwb_kpis.dfe import shipped

    page = benchmarking.load(dfe_dir="")
    assert page.dfe_dir == shipped.shipped_dir() and page.have_dfe and page.cla_file and page.cin_file
    assert page.missing_note == "" and page.year == 2015
    assert "Open Government Licence v3.0" in page.attribution and "reporting year 2023" in page.attribution
    assert list(page.cin_table.columns) == ["Area", "2012/13", "2013/14", "2014/15"]  # up to the compared year
    assert "E10000002" not in page.authority_note  # no codes on the board's page


def test_relative_paths_are_read_against_the_notebooks_folder():
    assert benchmarking.resolve("../data/raw").parts[-2:] == ("data", "raw")
    assert benchmarking.resolve("/tmp/x") == benchmarking.resolve("/tmp/x").resolve()


def test_with_the_dfe_file(dfe_dir):
    page = benchmarking.load(dfe_dir=str(dfe_dir))
    assert page.have_dfe and page.missing_note == ""
    assert page.year == 2015 and "**2014/15**" in page.authority_note and "Buckinghamshire" in page.authority_note
    assert page.sentences[0].startswith("In 2014/15, ")
    assert list(page.published_table.columns) == ["Year", "Area", "Referrals", "Per 10,000 children",
                                                  "Re-referral %", "No further action %"]
    assert page.own_error == "" and page.own_table is not None and "2014/15" in set(page.own_table["Year"])
    assert len(page.lookalikes_table) == 5 and "not an official grouping" in page.lookalikes_note
    assert page.starts_table.columns[0] == "Area"
