"""The board pack end to end (issues 7, 8 and 15): built by ``build_report`` on an extract whose
identifiers, referrer names and dates of birth are distinctive strings, treated as real data
(own key, no synthetic marker). Checks that none of them, nor the key, reaches the pack; that
every published count follows the small-number rule; that the board summary shows the seed
report's figures; that an internal run goes to its own folder and says INTERNAL on every page;
and that the audit (tests/privacy/audit.py), attacking the built pages as a reader would, finds
no hidden count it can narrow — on the default November 2015 pack and on a pack of a month of 3
contacts."""

from __future__ import annotations

import html
import json
import re
from html.parser import HTMLParser
from pathlib import Path

import pandas as pd
import pytest

from hwb_kpis.demo import write_extract
from hwb_kpis.report.build import build_report
from hwb_kpis.report.feedback_agencies import feedback_agencies
from hwb_kpis.report.feedback_build import build_feedback
from hwb_kpis.report.options import ReportOptions
from tests.privacy.audit import attack_pack, read_pack
from tests.privacy.extracts import KEY as SMALL_KEY
from tests.privacy.extracts import SMALL_MONTH, three_contact_extract
from tests.support import DFE_DIR

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("pack")]

KEY = "ZQKEY-disclosure-test-5c1f"
NAME = "Zyxwa Quorble"
PHONE = "07700 900123"
MONTH = "2015-11"


def _distinctive_extract(raw: Path) -> list[str]:
    """The synthetic extract with ids, names and phone numbers made distinctive; returns every
    string that must never appear in the pack."""
    write_extract(raw, echo=lambda m: None)
    (raw / "SYNTHETIC").unlink()  # treated as real data: needs a key, gets no demo banner
    contacts = pd.read_csv(raw / "contacts.csv", dtype=str, keep_default_na=False)
    contacts["child_id"] = contacts["child_id"].map(lambda v: f"ZQCHILD{v}" if v else v)
    contacts["contact_id"] = "ZQCONTACT" + contacts["contact_id"]
    has_detail = contacts["source_detail"] != ""
    contacts.loc[has_detail, "source_detail"] = contacts.loc[has_detail, "source_detail"] + f" (caller {NAME}, {PHONE})"
    contacts.to_csv(raw / "contacts.csv", index=False)
    looked_after = pd.read_csv(raw / "looked_after.csv", dtype=str, keep_default_na=False)
    looked_after["child_id"] = looked_after["child_id"].map(lambda v: f"ZQCHILD{v}" if v else v)
    looked_after.to_csv(raw / "looked_after.csv", index=False)

    other_dates = set(contacts["contact_date"]) | set(contacts["decision_date"])
    for col in ["period_start", "consent_date", "health_notified_date", "iha_date"]:
        other_dates |= set(looked_after[col])
    dobs = {d for d in contacts["child_dob"] if re.fullmatch(r"\d{4}-\d{2}-\d{2}|\d{2}/\d{2}/\d{4}", d)}
    return ["ZQCHILD", "ZQCONTACT", NAME, "Zyxwa", "Quorble", PHONE, KEY, *sorted(dobs - other_dates)]


class _Tables(HTMLParser):
    """Collects every <table>: its declared count columns, header and rows of cell text."""

    def __init__(self) -> None:
        super().__init__()
        self.tables: list[dict] = []
        self._cell: str | None = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "table":
            declared = attrs.get("data-hwb-counts")
            self.tables.append({"counts": None if declared is None else json.loads(html.unescape(declared)), "rows": []})
        elif tag == "tr" and self.tables:
            self.tables[-1]["rows"].append([])
        elif tag in ("td", "th") and self.tables:
            self._cell = ""

    def handle_endtag(self, tag):
        if tag in ("td", "th") and self._cell is not None:
            self.tables[-1]["rows"][-1].append(self._cell.strip())
            self._cell = None

    def handle_data(self, data):
        if self._cell is not None:
            self._cell += data


def tables_of(page: Path) -> list[dict]:
    parser = _Tables()
    parser.feed(page.read_text(encoding="utf-8"))
    return parser.tables


def small_counts(table: dict) -> list[str]:
    """Cells of declared count columns that show a bare count from 1 to 4."""
    header, *rows = table["rows"]
    positions = [i for i, name in enumerate(header) if name in table["counts"]]
    return [row[i] for row in rows for i in positions if i < len(row) and re.fullmatch(r"[1-4]", row[i])]


@pytest.fixture(scope="module")
def pack(tmp_path_factory):
    root = tmp_path_factory.mktemp("pack")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("HWB_KPIS_PSEUDONYM_KEY", KEY)
        mp.delenv("HWB_KPIS_PSEUDONYM_KEY_FILE", raising=False)
        forbidden = _distinctive_extract(root / "raw")
        parameters = {"dfe_dir": str(DFE_DIR)} if DFE_DIR.exists() else None
        result = build_report(MONTH, root / "raw", root / "processed", root / "reports", jobs=2,
                              echo=lambda m: None, parameters=parameters)
        internal = build_report(MONTH, root / "raw", root / "processed", root / "internal", jobs=2,
                                echo=lambda m: None, internal=True, only=["00_board_summary", "05_iha_timeliness"])
        feedback = build_feedback(ReportOptions(MONTH, root / "raw", root / "processed", root / "reports", jobs=2),
                                  echo=lambda m: None, with_pdf=False)  # agencies.pdf: checked on the small pack
    return {"result": result, "internal": internal, "forbidden": forbidden, "dir": root / "reports" / MONTH,
            "internal_dir": root / "internal" / f"{MONTH}-internal", "feedback": feedback,
            "processed": root / "processed"}


@pytest.fixture(scope="module")
def small_pack(tmp_path_factory):
    """The pack of December 2015, a month of 3 contacts after the default extract's history."""
    root = tmp_path_factory.mktemp("small")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("HWB_KPIS_PSEUDONYM_KEY", SMALL_KEY)
        mp.delenv("HWB_KPIS_PSEUDONYM_KEY_FILE", raising=False)
        raw = three_contact_extract(root / "raw")
        parameters = {"dfe_dir": str(DFE_DIR)} if DFE_DIR.exists() else None
        result = build_report(SMALL_MONTH, raw, root / "processed", root / "reports", jobs=2, echo=lambda m: None,
                              parameters=parameters)
        feedback = build_feedback(ReportOptions(SMALL_MONTH, raw, root / "processed", root / "reports", jobs=2),
                                  ["police", "3C", "housing"], echo=lambda m: None)
    return {"result": result, "dir": root / "reports" / SMALL_MONTH, "feedback": feedback}


def test_every_page_built(pack):
    result = pack["result"]
    assert result.failed == [], result.failed
    pages = sorted(p.name for p in pack["dir"].glob("*.html"))
    assert pages == ["00_board_summary.html", "01_data_quality_and_coding.html", "02_contacts_and_sources.html",
                     "03_conversion_fluctuation.html", "04_repeat_contacts.html", "05_iha_timeliness.html",
                     "06_benchmarking.html", "glossary.html", "index.html"]
    index = (pack["dir"] / "index.html").read_text(encoding="utf-8")
    for page in pages[:-1]:
        assert f'href="{page}"' in index, page


def test_nothing_identifying_reaches_the_pack(pack):
    files = [p for p in pack["dir"].rglob("*") if p.is_file() and p.suffix in (".html", ".ipynb", ".json", ".csv", ".txt")]
    assert any(p.suffix == ".ipynb" for p in files), "executed notebooks are part of the scan"
    needles = re.compile("|".join(re.escape(n) for n in pack["forbidden"]))  # one pass a file, not one a needle
    for path in files:
        found = needles.search(path.read_text(encoding="utf-8", errors="replace"))
        assert found is None, f"{found.group(0)!r} found in {path.name}"


def test_every_published_count_follows_the_small_number_rule(pack):
    pages = sorted(pack["dir"].glob("*.html"))
    checked = 0
    for page in pages:
        for table in tables_of(page):
            assert table["counts"] is not None, f"{page.name}: a table does not declare its count columns"
            assert small_counts(table) == [], f"{page.name}: unsuppressed small counts {small_counts(table)}"
            checked += 1
    assert checked >= 10
    # the rule did bite: suppressed cells are shown as <5
    assert any("&lt;5" in p.read_text(encoding="utf-8") for p in pages)


def test_board_summary_shows_the_seed_figures(pack):
    page = (pack["dir"] / "00_board_summary.html").read_text(encoding="utf-8")
    for figure in ["34%", "74%", "58%", "51%", "47%", "90%"]:
        assert figure in page, figure


def test_pages_have_no_code_and_the_pack_is_small(pack):
    for page in pack["dir"].glob("*.html"):
        text = page.read_text(encoding="utf-8")
        assert not re.search(r'class="[^"]*jp-(InputArea|InputPrompt|CodeCell-input)', text), page.name
        assert "from hwb_kpis" not in text and "import pandas" not in text and "Traceback" not in text, page.name
        assert "<script" not in text.lower(), page.name
    agencies = pack["dir"] / "agencies"
    size = sum(p.stat().st_size for p in pack["dir"].rglob("*") if p.is_file() and agencies not in p.parents)
    assert size < 10 * 1024 * 1024
    for page in agencies.glob("*.html"):  # each agency's page is sent on its own
        assert page.stat().st_size < 2 * 1024 * 1024, page.name
        text = page.read_text(encoding="utf-8")
        assert "from hwb_kpis" not in text and "Traceback" not in text and "<script" not in text.lower(), page.name
    assert not (agencies / "notebooks").exists()


def test_real_data_pack_has_no_synthetic_banner_and_internal_pack_says_internal(pack):
    assert "Synthetic data" not in (pack["dir"] / "index.html").read_text(encoding="utf-8")
    assert "INTERNAL – not for circulation" not in (pack["dir"] / "00_board_summary.html").read_text(encoding="utf-8")
    assert pack["internal"].failed == [] and pack["internal"].index_path.parent == pack["internal_dir"]
    pages = sorted(pack["internal_dir"].glob("*.html"))
    assert len(pages) == 4  # two pages, the index and the glossary
    for page in pages:
        assert "INTERNAL – not for circulation" in page.read_text(encoding="utf-8"), page.name
    # internal copies show the small numbers: January 2015's IHA cohort is 1 of 14 (7%)
    assert "7%" in (pack["internal_dir"] / "05_iha_timeliness.html").read_text(encoding="utf-8")


def test_the_default_pack_withstands_the_audit(pack):
    """Every hidden count of the November 2015 pack still ranges over its band, given every figure
    and relation on its pages; and the plan did withhold counts to get there."""
    pages = read_pack(pack["dir"])
    assert len(pages) == 10  # seven pages, the index, the glossary and kpis.csv
    assert attack_pack(pages, MONTH) == []
    assert any(">c<" in html for html in pages.values())  # complementary suppression was needed
    assert ",c," in pages["kpis.csv"]  # and the KPI file withholds what protects its small counts


def test_a_pack_of_a_month_of_3_contacts_withstands_the_audit(small_pack):
    assert small_pack["result"].failed == [], small_pack["result"].failed
    pages = read_pack(small_pack["dir"])
    assert attack_pack(pages, SMALL_MONTH) == []
    # the sentences the old pack printed on this month
    assert "down 1,377" not in pages["00_board_summary.html"]
    assert "lowest 3 in" not in pages["02_contacts_and_sources.html"]
    assert "&lt;5" in pages["00_board_summary.html"]
def test_real_data_gets_no_change_or_target_the_package_made_up(pack):
    """On real data (no synthetic marker) the demo's example changes and target are not used: the
    IHA chart is not rebased, no target is set, and the internal copy proposes change points."""
    page = (pack["dir"] / "00_board_summary.html").read_text(encoding="utf-8")
    assert "No targets are set" in page and "No change in any process is declared" in page
    assert "synthetic demonstration" not in page and "since the declared change" not in page
    assert "Proposed change points" not in page  # proposals are for the internal copy
    internal = (pack["internal_dir"] / "00_board_summary.html").read_text(encoding="utf-8")
    assert "Proposed change points (internal copy only)" in internal and "declare it in changes.yml" in internal


# --- the agency feedback pages (issue 20) ------------------------------------------------------------


def test_one_feedback_page_per_agency_and_an_index(pack):
    feedback = pack["feedback"]
    assert feedback.failed == [], [(p.name, p.error) for p in feedback.pages if not p.ok]
    folder = pack["dir"] / "agencies"
    names = sorted(p.stem for p in folder.glob("*.html"))
    assert names == sorted([a.slug for a in feedback_agencies()] + ["index"])
    index = (folder / "index.html").read_text(encoding="utf-8")
    for a in feedback_agencies():
        assert f'href="{a.slug}.html"' in index
    assert "individual" not in names and "anonymous" not in names
    assert (pack["dir"] / "00_board_summary.html").exists()  # beside the board pack, which it leaves alone
    assert not list(folder.glob(".*")), "the build's shared file and work folders are not published"


def _headline(page: Path) -> dict[str, list[str]]:
    table = next(t for t in tables_of(page) if t["rows"][0][:2] == ["measure", "this month: count"])
    return {row[0]: row for row in table["rows"][1:]}


@pytest.mark.parametrize("slug,group", [("police", "police"), ("schools", "schools"), ("code-3e", "code:3E")])
def test_each_feedback_page_gives_the_kpis_of_its_group(pack, slug, group):
    """The page's counts this month and over 12 months are `hwb-kpis kpis` for that group."""
    from hwb_kpis import kpis
    from hwb_kpis.kpis.agency_kpis import code_kpi_rows

    tables = kpis.load_processed(pack["processed"])
    table = kpis.kpi_table(tables)
    table = table[table["period"] == "month"]
    if group.startswith("code:"):
        table = pd.concat([table, code_kpi_rows(tables["contacts"])], ignore_index=True)
    rows = _headline(pack["dir"] / "agencies" / f"{slug}.html")
    year = [str(p) for p in pd.period_range("2014-12", MONTH, freq="M")]
    checked = 0
    for label, kpi in (("Contacts sent", "contacts"), ("Sent on a MARF", "marf"), ("Progressed to referral", "conversion"),
                       ("Repeat contacts", "repeat_contacts")):
        cells = table[(table["kpi"] == kpi) & (table["group"] == group)]
        month = int(cells.loc[cells["month"] == MONTH, "numerator"].sum())
        twelve = int(cells.loc[cells["month"].isin(year), "numerator"].sum())
        for shown, expected in ((rows[label][1], month), (rows[label][4], twelve)):
            if shown not in ("<5", "c"):
                assert int(shown.replace(",", "")) == expected, (slug, label, shown, expected)
                checked += 1
    assert checked >= 6


def test_the_board_pack_and_the_agency_pages_withstand_the_audit_together(pack):
    """Every hidden count stays within its band given the board pack and all agency pages: the
    same count on an agency page and in the board pack is printed the same way, and an agency's
    repeat flows (a row and a column of page 04's table) give nothing away."""
    pages = read_pack(pack["dir"], agencies=True)
    assert sum(name.startswith("agencies/") for name in pages) == len(feedback_agencies()) + 1
    assert attack_pack(pages, MONTH) == []


def test_the_agency_pages_are_printed_into_one_pdf_linked_from_their_index(small_pack):
    feedback = small_pack["feedback"]
    if feedback.pdf_problem:
        pytest.skip(f"no PDF on this machine: {feedback.pdf_problem}")
    from pypdf import PdfReader

    folder = small_pack["dir"] / "agencies"
    assert feedback.pdf_path == folder / "agencies.pdf"
    assert 'href="agencies.pdf"' in (folder / "index.html").read_text(encoding="utf-8")
    reader = PdfReader(feedback.pdf_path)
    text = " ".join(sheet.extract_text() or "" for sheet in reader.pages)
    titles = [p.title for p in feedback.pages if p.ok]
    assert len(titles) == 3 and len(reader.pages) > len(titles)  # a contents page, then each page
    for title in titles:  # in the contents and on the page itself
        assert text.count(title) >= 2, title


def test_agency_pages_of_a_month_of_3_contacts(small_pack):
    """A month of 3 contacts: each agency's page builds (a short page of 12-month totals where the
    agency sent few contacts) and the audit finds nothing."""
    assert small_pack["feedback"].failed == [], [(p.name, p.error) for p in small_pack["feedback"].pages if not p.ok]
    pages = read_pack(small_pack["dir"], agencies=True)
    assert {"agencies/police.html", "agencies/code-3c.html", "agencies/housing.html"} <= set(pages)
    assert attack_pack(pages, SMALL_MONTH) == []
