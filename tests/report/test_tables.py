"""Tables in the pack's HTML (``hwb_kpis.report.tables``): figures right-aligned, words left."""

from __future__ import annotations

from hwb_kpis.report.tables import align_tables


def test_align_tables_right_aligns_only_columns_of_figures() -> None:
    html = (
        '<table class="dataframe"><thead><tr style="text-align: right;"><th>area</th><th>year</th>'
        "<th>referrals</th><th>rate</th></tr></thead><tbody>"
        '<tr><td>England</td><td>2014-15</td><td>1,380</td><td class="x">17%</td></tr>'
        "<tr><td>Region</td><td>2015-16</td><td>&lt;5</td><td>*</td></tr></tbody></table>"
    )
    out = align_tables(html)
    assert out.count('class="hwb-num"') == 5 and 'class="hwb-num x"' in out  # two columns, header included
    assert "<td>England</td>" in out and "<td>2014-15</td>" in out and "<th>area</th>" in out
    merged = html.replace("<th>area</th>", '<th colspan="2">area</th>')
    assert align_tables(merged) == merged  # merged cells: left alone


def test_text_outside_tables_and_tables_of_words_are_untouched() -> None:
    words = "<p>1,380</p><table><tbody><tr><th>Row</th><td>high</td></tr></tbody></table>"
    assert align_tables(words) == words
