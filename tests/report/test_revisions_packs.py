"""What changed since last month's pack, end to end (issue 19): the October pack is built, a few
contacts of September and October are then recorded late, and the November pack, built on the
extract that now has them, shows which earlier figures moved: the contents page lists them, the
board summary marks them and says how many, the Excel copy has them all."""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pytest
from openpyxl import load_workbook

from hwb_kpis.demo import write_extract
from hwb_kpis.report.build import build_report
from hwb_kpis.report.revisions import REVISED_MARK

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("pack")]

KEY = "revisions-test-key-7d2a"
LATE = 12  # contacts recorded after the October pack was built


def _late_contacts(raw: Path) -> None:
    contacts = pd.read_csv(raw / "contacts.csv", dtype=str, keep_default_na=False)
    autumn = contacts[contacts["contact_date"].str.contains(r"^\d\d/(?:09|10)/2015$", regex=True)]
    late = autumn.sample(LATE, random_state=1).assign(contact_id=lambda d: "LATE" + d["contact_id"])
    pd.concat([contacts, late]).to_csv(raw / "contacts.csv", index=False)


@pytest.fixture(scope="module")
def packs(tmp_path_factory):
    root = tmp_path_factory.mktemp("revisions")
    raw, processed, out = root / "raw", root / "processed", root / "reports"
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("HWB_KPIS_PSEUDONYM_KEY", KEY)
        mp.delenv("HWB_KPIS_PSEUDONYM_KEY_FILE", raising=False)
        write_extract(raw, scale=0.5, echo=lambda m: None)
        (raw / "SYNTHETIC").unlink()  # an analyst's own extract (the late rows are not the demo's)
        october = build_report("2015-10", raw, processed, out, only=["00_board_summary"], echo=lambda m: None)
        _late_contacts(raw)
        lines: list[str] = []
        november = build_report("2015-11", raw, processed, out, only=["00_board_summary"], echo=lines.append)
    return {"october": october, "november": november, "lines": lines, "out": out}


def test_each_pack_keeps_its_kpi_table_and_extract_date(packs):
    for month in ("2015-10", "2015-11"):
        folder = packs["out"] / month
        assert (folder / "kpis.csv").is_file() and '"extract_date"' in (folder / "pack.json").read_text()
    assert packs["october"].revised is None  # there was no September pack to compare with
    october = (packs["out"] / "2015-10" / "00_board_summary.html").read_text(encoding="utf-8")
    assert "There is no pack for September 2015 to compare with" in october


def test_the_november_pack_shows_what_moved(packs):
    november = packs["november"]
    assert november.failed == [] and november.revised and november.revised > 0
    assert any(line.startswith(f"revisions: {november.revised} figures for earlier months") for line in packs["lines"])
    index = november.index_path.read_text(encoding="utf-8")
    assert "What changed since last month&#39;s pack" in index or "What changed since last month's pack" in index
    assert f"{november.revised} figures for earlier months have been revised since last month" in index
    assert "<caption>Figures for earlier months revised since last month&#39;s pack</caption>" in index \
        or "<caption>Figures for earlier months revised since last month's pack</caption>" in index
    row = re.search(r"<th scope=\"row\">Contacts received</th><td>all agencies</td><td>October 2015</td>"
                    r"<td>([\d,]+)</td><td>([\d,]+)</td>", index)
    assert row and int(row.group(2)) > int(row.group(1))  # the late contacts raised October's count


def test_the_board_summary_marks_the_moved_figures_and_says_how_many(packs):
    page = (packs["out"] / "2015-11" / "00_board_summary.html").read_text(encoding="utf-8")
    assert f"{packs['november'].revised} figures for earlier months have been revised since last month" in page
    # October is "last month" for November: the contacts row shows its figure with the mark
    table = page[page.index("same month last year"):]  # the table of figures, after the verdicts' matrix
    row = re.search(r"<t[dh][^>]*>Contacts received</t[dh]>\s*<td[^>]*>[^<]*</td>\s*<td[^>]*>([^<]*)</td>", table)
    assert row and row.group(1).endswith(REVISED_MARK), row and row.group(1)


def test_the_excel_copy_lists_every_revision(packs):
    book = load_workbook(packs["out"] / "2015-11" / "kpis.xlsx")
    assert "Revisions" in book.sheetnames
    rows = [r for r in book["Revisions"].iter_rows(values_only=True) if r and r[0]]
    header = rows.index(("Measure", "Agency", "Month", "In last month's pack", "In this pack"))
    assert len(rows) - header - 1 == packs["november"].revised
