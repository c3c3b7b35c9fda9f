"""The agency-to-agency flow of repeat contacts (hwb_kpis.report.repeat_flows)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from hwb_kpis import kpis
from hwb_kpis.report import repeat_flows
from tests.kpis.fixtures import make_contacts


def _flagged():
    rows = []
    # 30 children: a school contact (NFA) followed by a health repeat; 12: police then police;
    # 2: police then schools (a small cell)
    for i in range(30):
        rows += [(f"s{i}", "2015-01-05", "nfa", "2A"), (f"s{i}", "2015-03-05", "referral", "3A")]
    for i in range(12):
        rows += [(f"p{i}", "2015-02-05", "advice", "6"), (f"p{i}", "2015-04-05", "nfa", "6")]
    for i in range(2):
        rows += [(f"q{i}", "2015-02-05", "nfa", "6"), (f"q{i}", "2015-05-05", "nfa", "2A")]
    return kpis.flag_repeats(make_contacts(rows))


def test_flows_count_repeats_by_earlier_and_repeat_agency():
    flows = repeat_flows.repeat_flows(_flagged(), "source_group")
    assert flows.loc["schools", "health"] == 30
    assert flows.loc["police", "police"] == 12 and flows.loc["police", "schools"] == 2
    assert int(flows.to_numpy().sum()) == 44
    full = repeat_flows.with_totals(flows)
    assert full.loc["police", repeat_flows.TOTAL] == 14 and full.loc[repeat_flows.TOTAL, repeat_flows.TOTAL] == 44


def test_the_published_flow_table_hides_a_small_cell_and_what_would_give_it_away():
    flows = repeat_flows.repeat_flows(_flagged(), "source_group")
    plan = repeat_flows.flows_plan(flows, "2015-05")
    shown, hidden = repeat_flows.published_flows(flows, "2015-05", plan)
    assert shown.loc["police", "schools"] == "<5"
    # the police row's other cells and total would give the 2 away: something else in the row and
    # in the column is hidden too
    row = [c for c in shown.columns if c != "schools"]
    assert hidden.loc["police", row].any()
    assert hidden.loc[[e for e in shown.index if e != "police"], "schools"].any()
    shares = repeat_flows.row_shares(flows, hidden)
    assert np.isnan(shares.loc["police", "schools"])
    assert shares.loc["schools", "health"] == 1.0
    internal = repeat_flows.flows_plan(flows, "2015-05", internal=True)
    assert repeat_flows.published_flows(flows, "2015-05", internal)[0].loc["police", "schools"] == "2"


def test_flow_heat_map_and_sentence():
    flows = repeat_flows.repeat_flows(_flagged(), "source_group")
    plan = repeat_flows.flows_plan(flows, "2015-05")
    _, hidden = repeat_flows.published_flows(flows, "2015-05", plan)
    fig = repeat_flows.flow_heatmap(repeat_flows.row_shares(flows, hidden), title="t")
    assert fig.axes and "blank cell" in " ".join(t.get_text() for t in fig.texts)
    sentence = repeat_flows.flows_sentence(flows, hidden, "2015-05")
    assert sentence.startswith("Of the repeat contacts in the 12 months to May 2015")
    assert "from schools to health" in sentence
    empty = repeat_flows.repeat_flows(kpis.flag_repeats(make_contacts([("a", "2015-01-01", "nfa")])), "source_group")
    assert empty.empty and repeat_flows.flows_sentence(empty, pd.DataFrame(), "2015-05").startswith("There were no")
