"""Page 00, the board summary (hwb_kpis.report.pages.summary): the Making Data Count matrix, the
verdicts the detail pages give too, and what changed — only what a rule or a test supports."""

from __future__ import annotations

import pandas as pd
import pytest

from hwb_kpis.report import comparisons
from hwb_kpis.report.kpi_verdicts import kpi_verdict
from hwb_kpis.report.pages import contacts, conversion, iha, repeats, summary
from tests.report.frames import monthly

STEADY = [500 + (i % 2) * 10 for i in range(23)]


def verdicts(**frames) -> dict:
    return {(kpi, "all"): kpi_verdict(frame, kpi) for kpi, frame in frames.items()}


def test_what_changed_names_new_signals_and_tested_moves_only():
    found = summary.what_changed(verdicts(marf=monthly("marf", "all", [*STEADY, 800]),
                                          contacts=monthly("contacts", "all", [1400] * 24)))
    assert found[0].startswith("Contacts submitted on a MARF: a new signal in December 2015 — special cause variation, "
                               "improving: December 2015 (80%) is above the upper process limit. **Contacts submitted on "
                               "a MARF**, December 2015: 80%, up 30 points from 50% in November 2015 — more than this "
                               "measure's usual month-to-month variation (p < 0.001)")
    assert len(found) == 2 and found[1].startswith("Month-on-month moves: The 2 measures were tested together")


def test_a_continuing_signal_and_an_untested_move_are_not_changes():
    # repeat contacts (health) up 6 points on 235 contacts (p about 0.2), MARF above its limit for months
    health = monthly("repeat_contacts", "all", [96] * 22 + [97, 110], den=235)
    lasting = monthly("marf", "all", [*STEADY[:20], 800, 810, 820, 815])
    found = summary.what_changed(verdicts(repeat_contacts=health, marf=lasting))
    assert found[0].startswith("Nothing changed this month in a way the SPC rules or a month-on-month test support")
    assert found[1] == ("Signals that began earlier and continue (not changes this month): Contacts submitted on a MARF "
                        "(special cause variation, improving, since September 2015).")
    assert found[2].startswith("Month-on-month moves: The 2 measures were tested together")
    assert not any("47%, up 6 points" in line or "up 5 points" in line for line in found)


@pytest.fixture(scope="module")
def page():
    return summary.load()


def test_the_summary_builds_on_the_default_data(page):
    assert list(page.verdicts) == list(summary.ITEMS)
    table = page.measures_table
    assert len(table) == len(summary.ITEMS)
    assert table["measure"].iloc[-1] == "Initial health assessments on time (October 2015)"
    shown = " ".join(table.astype(str).to_numpy().ravel())
    for figure in ["34%", "74%", "58%", "51%", "47%", "90%"]:  # the seed report's figures
        assert figure in shown
    assert table.loc[4, "this month"] == f"58%{comparisons.MATURING_MARK}" and table.loc[2, "this month"] == "34%"
    assert page.maturing_note.startswith(f"{comparisons.MATURING_MARK} still maturing (November 2015)")
    assert page.month_heading == "## November 2015"
    assert "`<5`" in page.table_note and "within 28 days" in page.iha_note
    assert page.matrix.count('class="hwb-sparkline"') == len(summary.ITEMS)
    assert "synthetic demonstration" in page.targets_note and "IHA process redesigned" in page.changes_note
    assert page.proposals == [] and page.proposals_heading == ""  # proposals are for the internal copy
    assert page.commissioning_answer.startswith("In November 2015, health services sent 17% of all contacts.")
    assert "conversion" in page.threshold_answer and page.feedback_answer.startswith("In November 2015, ")
    assert "12 months to October 2015" in page.threshold_answer


def test_the_internal_summary_proposes_sustained_shifts():
    internal = summary.load(internal=True)
    assert internal.proposals_heading.startswith("## Proposed change points")
    assert any(p.startswith("Contacts progressed to referral: the ") for p in internal.proposals)


def test_the_summary_and_every_detail_page_give_one_verdict(page):
    """The same verdict object for each measure wherever it is shown: mean, limits, icons, words."""
    details = {}
    for module in (contacts, conversion, repeats, iha):
        loaded = module.load()
        for name in ("contacts_verdicts", "health_share_verdicts", "marf_verdicts", "verdicts"):
            for v in getattr(loaded, name, []):
                details[(v.kpi, v.group)] = v
    assert set(details) == set(summary.ITEMS)
    for item, mine in page.verdicts.items():
        theirs = details[item]
        assert mine.record() == theirs.record(), item
        assert mine.sentence == theirs.sentence, item
        pd.testing.assert_frame_equal(mine.frame, theirs.frame)


def test_month_on_month_tests_are_controlled_as_one_family():
    # issue 18, defect 6: nine measures tested each month; a lone p = 0.03 is not a change
    from types import SimpleNamespace

    from hwb_kpis.report.kpi_verdicts import supported_changes

    ps = [0.03, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 0.95, 0.99]
    vs = {(f"kpi{i}", "all"): SimpleNamespace(month_change={"p_value": p, "supported": p < 0.05})
          for i, p in enumerate(ps)}
    vs[("short", "all")] = SimpleNamespace(month_change=None)
    assert not any(supported_changes(vs).values())
    vs[("kpi1", "all")] = SimpleNamespace(month_change={"p_value": 1e-5, "supported": True})
    found = supported_changes(vs)
    assert found[("kpi1", "all")] and not found[("kpi0", "all")] and not found[("short", "all")]


def test_what_changed_on_a_month_of_3_contacts_gives_no_count_away():
    """"Contacts received: 3, down 1,377": neither the count nor the change from last month."""
    from hwb_kpis.privacy.disclosure import decisions_for
    from hwb_kpis.report.kpi_verdicts import kpi_verdict
    from tests.report.frames import monthly

    frame = monthly("contacts", "all", [1380, 1400, 1350, 1420, 1390, 1370, 1410, 1380, 1400, 1390, 1380, 3],
                    start="2015-01")
    v = kpi_verdict(frame, "contacts", "all", "2015-12").published(decisions_for(False))
    assert v.hidden is not None and v.hidden[-1] and not v.hidden[:-1].any()
    moved = summary.what_changed({("contacts", "all"): v})
    text = " ".join(moved)
    assert "December 2015" in text  # the month is named as changed ...
    assert "1,377" not in text and ": 3," not in text and "1,380" not in text  # ... its figures are not


def test_the_commissioning_answer_gives_no_share_of_a_small_count():
    """10 contacts, 4 from health all on a MARF: not "health services sent 40% of all contacts",
    nor "100% of health contacts came on a MARF"."""
    import pandas as pd

    from hwb_kpis.report.pages.base import PageData
    from tests.kpis.fixtures import make_contacts, make_looked_after

    rows = [(f"h{i}", "2015-12-0" + str(1 + i), "referral", "3A", "3A", True) for i in range(4)]
    rows += [(f"p{i}", "2015-12-0" + str(1 + i % 9), "nfa", "6", "6", False) for i in range(6)]
    rows += [(f"q{i}", "2015-11-1" + str(i), "nfa", "6", "6", False) for i in range(9)]
    tables = {"contacts": make_contacts(rows), "looked_after": make_looked_after([("x", "2015-06-01", "2015-06-20")]),
              "summary": {"extract_date": "2015-12-09"}}
    page = summary.SummaryPage(PageData("2015-12", tables, pd.Timestamp("2015-12-09")), view="recoded",
                               lookback_days=365, iha_limit="28d")
    answer = page.commissioning_answer
    assert "40%" not in answer and "100%" not in answer and "not shown" in answer
    table = page.measures_table.set_index("measure")
    assert table.loc["Share of contacts from health", "this month"] == "*"
    assert table.loc["Share of contacts from health", "count"] == "<5"
