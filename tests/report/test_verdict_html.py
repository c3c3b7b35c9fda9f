"""The verdicts as HTML (hwb_kpis.report.verdict_html): the summary matrix and the verdict list,
through disclosure control, surviving the pack's table alignment."""

from __future__ import annotations

import html
import json
import re

from hwb_kpis.report import verdict_html
from hwb_kpis.report.declared import Target, VerdictRules
from hwb_kpis.report.kpi_verdicts import kpi_verdict
from hwb_kpis.report.tables import align_tables
from tests.report.frames import monthly


def verdicts():
    rules = VerdictRules(targets=(Target("iha_within_28_days", 0.9),))
    return [kpi_verdict(monthly("contacts", "all", [1400, 1450, 1380, 1500] * 6), "contacts"),
            kpi_verdict(monthly("repeat_contacts", "health", [96] * 23 + [110], den=235), "repeat_contacts", "health"),
            kpi_verdict(monthly("iha_within_28_days", "all", [5] * 23 + [3], den=14), "iha_within_28_days",
                        rules=rules)]


def test_matrix_table_has_the_making_data_count_columns():
    table = verdict_html.matrix_table(verdicts())
    assert list(table.columns) == list(verdict_html.COLUMNS)
    first, health, iha = (table.iloc[i] for i in range(3))
    assert (first["measure"], first["month"], first["latest"], first["target"]) == (
        "Contacts received", "December 2015", "1,500", "")
    assert health["measure"] == "Repeat contacts (health)" and health["latest"] == "47%"
    assert iha["latest"] == "*" and iha["target"] == "90%"  # 3 of 14: a rate resting on a small count
    assert verdict_html.matrix_table(verdicts(), internal=True).iloc[2]["latest"] == "21%"
    assert iha["assurance"] == "The target will consistently be missed" and first["assurance"] == "No target is set"


def test_matrix_html_declares_its_counts_draws_inline_and_survives_alignment():
    markup = align_tables(verdict_html.matrix_html(verdicts()))
    declared = re.search(r'data-hwb-counts="([^"]*)"', markup).group(1)
    assert json.loads(html.unescape(declared)) == ["latest"]
    assert markup.count('class="hwb-sparkline"') == 3 and markup.count('class="hwb-icon"') == 6
    assert "HWBSVG" not in markup and 'class="dataframe hwb-matrix"' in markup
    body = markup.split("<tbody>")[1]
    first_row = body.split("</tr>")[0]
    cells = re.findall(r"<td([^>]*)>", first_row)
    assert ["hwb-num" in c for c in cells] == [False, False, True, True, True, True, True, False, False, False]


def test_verdict_list_marks_each_verdict_and_escapes_its_words():
    v = kpi_verdict(monthly("contacts", "all", [1400] * 24), "contacts", label="Contacts <received> & more")
    markup = verdict_html.verdict_list_html([v])
    assert '<li class="hwb-verdict" data-kpi="contacts" data-group="all">' in markup
    assert "<strong>Contacts &lt;received&gt; &amp; more</strong>: common cause" in markup
    assert markup.count("<svg") == 1 and verdict_html.verdict_list_html([]) == ""
