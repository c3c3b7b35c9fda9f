"""The pack's glossary (hwb_kpis.report.glossary): the words board members meet, and how to read
the charts written from the chart code, so that it always says what the charts draw."""

from __future__ import annotations

from hwb_kpis.report import glossary, palette, render, verdict


def test_the_words_the_issue_names_are_explained():
    terms = {t.term: t for t in glossary.all_terms()}
    for word in ("MARF", "MASH", "IHA", "DSL", "SPC", "Contact", "Referral", "Re-referral", "Threshold"):
        assert word in terms and len(terms[word].means) > 40, word
    assert terms["MARF"].short == "Multi-Agency Referral Form" and terms["DSL"].short == "Designated Safeguarding Lead"
    assert len({t.anchor for t in terms.values()}) == len(terms)  # every entry can be linked to


def test_the_verdict_entries_come_from_the_verdict_module():
    names = [t.term for t in glossary.verdict_terms()]
    assert names == [verdict.VARIATION_LABELS["common_cause"].split(":")[0],
                     verdict.VARIATION_LABELS["improvement"].split(":")[0]]


def test_the_chart_key_is_the_chart_code():
    dots = glossary.dot_key()
    assert [d["shape"].lower() for d in dots] == list(palette.SPC_MARKER_WORDS.values())
    assert len({d["shape"] for d in dots}) == len(dots)  # a status is a shape as well as a colour
    icons = [row["icon"] for row in glossary.icon_key()]
    assert set(palette.VARIATION_ICON_LETTERS.values()) <= set(icons)  # H, L, ~ explained
    assert set(verdict.ASSURANCE_LETTERS.values()) <= set(icons)


def test_the_glossary_page():
    html = render.render_glossary_page(month="2015-11", synthetic=True, internal=False)
    assert "<h1>Glossary" in html and render.SYNTHETIC_BANNER in html
    assert 'id="term-marf"' in html and "Multi-Agency Referral Form" in html
    assert "<caption>What the chart icons mean</caption>" in html and 'scope="col"' in html
    assert 'href="index.html"' in html


def test_chart_points_keep_3_to_1_against_the_white_plot():
    for status in palette.SPC_MARKERS:
        assert palette.contrast_ratio(palette.SPC_COLOURS[status], "#ffffff") >= palette.NON_TEXT_CONTRAST, status
