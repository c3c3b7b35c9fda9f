"""An agency's feedback page (hwb_kpis.report.pages.feedback) on the default data."""

from __future__ import annotations

import pytest

from hwb_kpis.report import feedback_agencies, training
from hwb_kpis.report.pages import feedback


@pytest.fixture(scope="module")
def police():
    return feedback.load(agency="police")


def test_the_police_page_builds_with_every_section(police):
    assert police.full and police.title == "Feedback to police: November 2015"
    table = police.headline_table
    assert list(table["measure"]) == ["Contacts sent", "Sent on a MARF", "Progressed to referral", "Repeat contacts"]
    assert [v.label for v in police.verdicts][0] == "Contacts sent by police"
    assert len(police.figures()) == 4
    outcomes = police.outcomes
    assert int(outcomes.sum()) == len(police.own_year)
    assert police.outcomes_table["what happened"].iloc[-1] == "all its contacts"
    assert police.decision_sentence.startswith("Over the 12 months to November 2015, half of its contacts were decided")
    assert set(police.quality_table["contacts with"]) >= {"no source code recorded", "MARF not recorded"}
    flows = police.own_flows
    assert int(flows["earlier"].sum()) == int(police.repeat_year["is_repeat"].astype(bool)[
        police.agency.members(police.repeat_year, "recoded")].sum())
    assert police.flows_sentence.startswith("Of police's repeat contacts")
    assert police.recontact_sentence.startswith("After police's contacts that did not meet the threshold")


def test_the_agency_page_counts_the_flows_of_page_04(police):
    """The same months (page 04's: to the latest month no longer maturing) and the same table, so
    police's page and page 04 print the same police→police count."""
    from hwb_kpis.report.pages import repeats

    page04 = repeats.load()
    assert police.flow_month == page04.judged_month
    assert police.flows.equals(page04.flows)
    own = police.own_flows.set_index("agency")
    assert int(own.loc["police", "earlier"]) == int(page04.flows.loc["police", "police"])
    assert int(own["later"].sum()) == int(page04.flows.loc["police"].sum())


def test_a_page_reads_what_the_build_computed_once_and_gives_the_same_figures(police, tmp_path, monkeypatch):
    """The build's shared file (flows, their plan, the training models, the KPI table) is read,
    not computed again; a page given none, or one made for other parameters, computes its own."""
    from hwb_kpis.report import feedback_shared

    path = feedback_shared.write(police.shared, tmp_path / feedback_shared.FILE)
    computed = feedback_shared.compute

    def not_again(*args, **kwargs):
        raise AssertionError("computed again")

    monkeypatch.setattr(feedback_shared, "compute", not_again)
    page = feedback.load(agency="police", shared_file=str(path))
    assert page.flows.equals(police.flows) and page.flow_month == police.flow_month
    assert page.training_results.equals(police.training_results)
    assert page.headline_table.equals(police.headline_table) and page.flows_table.equals(police.flows_table)
    with pytest.raises(AssertionError, match="computed again"):
        feedback.load(agency="police", shared_file=str(path), lookback_days=180)
    monkeypatch.setattr(feedback_shared, "compute", computed)
    monkeypatch.setattr(feedback_shared, "WAIT_SECONDS", 0.2)  # the build never wrote it
    assert feedback.load(agency="police", shared_file=str(tmp_path / "absent.pkl")).flows.equals(police.flows)
    feedback_shared.write(None, path)  # the build could not compute it: the page does, without waiting
    assert feedback_shared.read(path, police.shared.made_for, wait=60) is None


def test_a_12_month_count_does_not_give_away_a_month_the_kpi_file_hides():
    """The board pack's KPI file shows each month's count of every group; a 12-month sum on an
    agency page with exactly one of its months hidden there would give that month away (housing on
    the default data: its contacts of one month are hidden in kpis.csv)."""
    from hwb_kpis.privacy.disclosure import SHOWN
    from hwb_kpis.report import feedback_plan, published
    from hwb_kpis.report.words import shift_month

    page = feedback.load(agency="housing")
    pack = published.pack_plan(page.data.tables, page.month, view=page.view, as_of=page.data.as_of,
                               processed_dir=page.data.processed_dir, lookback_days=page.lookback_days)
    months = [shift_month(page.month, -k) for k in range(12)]
    checked = 0
    for kpi, (num, _) in feedback_plan.PACK_COUNTS.items():
        mine = feedback_plan.key(kpi, "housing", "12 months", "num")
        keys = [published.count_key(num, page.view, "housing", m) for m in months]
        hidden = [k for k in keys if k in pack and pack.status(k) != SHOWN]
        if mine in page.decisions and page.decisions.status(mine) == SHOWN:
            assert len(hidden) != 1, (kpi, hidden)
        checked += bool(hidden)
    assert checked >= 1  # the default data has such a month


def test_the_planted_police_training_is_named_on_the_agency_page(police):
    sentences = police.training_sentences
    assert sentences[0] == training.DEMO_NOTE
    conversion = next(s for s in sentences if "progressed to referral" in s)
    assert "rose by about" in conversion and "from March 2015" in conversion


def test_without_a_training_file_the_page_says_how_to_add_one(tmp_path):
    (tmp_path / "training.csv").write_text("agency,date,what\n", encoding="utf-8")
    page = feedback.load(agency="schools", settings_dir=str(tmp_path))
    assert page.training_sentences == [training.HOW_TO_ADD]
    (tmp_path / "training.csv").write_text("agency,date,what\npolice,2015-03-01,x\n", encoding="utf-8")
    page = feedback.load(agency="schools", settings_dir=str(tmp_path))
    assert page.training_sentences[0].startswith("training.csv lists no threshold training for schools")


def test_an_agency_with_few_contacts_gets_a_short_page(monkeypatch):
    monkeypatch.setitem(feedback_agencies.settings(), "full_page_min_contacts", 10**9)
    page = feedback.load(agency="3C")
    assert not page.full
    assert page.verdicts == [] and page.figures() == []
    assert not any(c.startswith("this month") for c in page.headline_table.columns)
    assert "too few for monthly charts" in page.size_note


def test_a_health_service_page_counts_by_code():
    page = feedback.load(agency="3E")
    assert page.agency.label == "A&E / NHS 111" and page.agency.slug == "code-3e"
    contacts = page.kpi_df[(page.kpi_df["kpi"] == "conversion") & (page.kpi_df["group"] == "code:3E")]
    assert len(contacts) > 12
    assert len(page.own_year) == int((page.year["source_code"] == "3E").sum())
