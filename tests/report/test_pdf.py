"""The pack as one A4 PDF (hwb_kpis.report.pdf): the print document, and the PDF WeasyPrint makes
of it (skipped, saying why, where WeasyPrint cannot load)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from hwb_kpis.report import pdf

INDEX = """<html><body><header><nav><a href="glossary.html">Glossary</a></nav></header><main>
<h1>Board pack, November 2015</h1><h2>Pages</h2><ul class="hwb-pages"><li><a href="00_a.html">A</a></li></ul>
</main><footer>rule</footer></body></html>"""
PAGE = """<html><body><header><nav><a href="index.html">Contents</a></nav></header><main>
<h1 id="A-page">A page</h1><p>⚪ Contacts: no signal. 🔵 Better. See <a href="01_b.html#Part">part</a>
and <a href="glossary.html#term-marf">MARF</a>.</p>
<div class="jp-RenderedImage"><img src="data:image/png;base64,{png}" alt="A finding."></div>
<details class="hwb-chart-data"><summary>Figures behind this chart</summary><table>
<caption>Figures behind this chart: A finding</caption><thead><tr><th scope="col">Month</th><th scope="col">Value</th></tr>
</thead><tbody>{rows}</tbody></table></details>
<footer>rule</footer></main></body></html>"""
OTHER = """<html><body><main><h1>Another page</h1><h2 id="Part">Part</h2><p>Text.</p></main></body></html>"""
GLOSSARY = """<html><body><main><h1>Glossary</h1><dl><dt id="term-marf">MARF</dt><dd>A form.</dd></dl></main></body></html>"""
PNG = ("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==")


def tiny_pack(folder: Path, rows: int = 3) -> list[pdf.PrintPage]:
    body = "".join(f"<tr><td>Month {i}</td><td>{i}</td></tr>" for i in range(rows))
    (folder / "index.html").write_text(INDEX, encoding="utf-8")
    (folder / "00_a.html").write_text(PAGE.format(png=PNG, rows=body), encoding="utf-8")
    (folder / "01_b.html").write_text(OTHER, encoding="utf-8")
    (folder / "glossary.html").write_text(GLOSSARY, encoding="utf-8")
    return [pdf.PrintPage("index.html", "Board pack"), pdf.PrintPage("00_a.html", "A page"),
            pdf.PrintPage("01_b.html", "Another page"), pdf.PrintPage("glossary.html", "Glossary")]


DOCUMENT = {"month_label": "November 2015", "title": "Board pack", "organisation": "Health & Wellbeing Board",
            "banners": [{"kind": "synthetic", "text": "Synthetic data — not real children"}],
            "footer": "Counts from 1 to 4 are shown as <5."}


def test_the_print_document(tmp_path):
    html = pdf.print_document(tmp_path, tiny_pack(tmp_path), **DOCUMENT)
    # contents first: a numbered table of contents instead of the index's list, the appendix listed
    assert html.index('<ol class="pdf-toc">') < html.index('id="page-00_a"') < html.index('id="page-01_b"')
    assert '<a href="#page-01_b">Another page</a>' in html and '<a href="#page-appendix">' in html
    assert html.count('class="pdf-page"') == 4  # each page on a new sheet: 00, 01, glossary, appendix
    # links between pages become links inside the document; ids are unique to their page
    assert 'href="#01_b-Part"' in html and 'id="01_b-Part"' in html and 'href="#glossary-term-marf"' in html
    # the chart's table moved to the appendix, the chart says where
    assert "<details" not in html and "table A1 of the appendix" in html
    assert html.index("A1. Figures behind this chart: A finding") > html.index('id="page-glossary"')
    # verdict icons as the charts' shapes, navigation and page footers gone, banner and rule once
    assert "⚪" not in html and "🔵" not in html and 'pdf-icon-improvement">◆' in html
    assert "<nav" not in html and "<footer" not in html
    assert "Synthetic data — not real children" in html and html.count('class="pdf-rule"') == 1
    assert "@page" in html and "size: A4" in html


def test_no_renderer_is_said_in_words(monkeypatch):
    import builtins

    real_import = builtins.__import__

    def no_weasyprint(name, *args, **kwargs):
        if name == "weasyprint":
            raise OSError("cannot load library 'libpango-1.0-0'")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_weasyprint)
    assert pdf.renderer_problem() == "WeasyPrint cannot load its system libraries (cannot load library 'libpango-1.0-0')"


@pytest.fixture(scope="module")
def weasyprint_or_skip():
    problem = pdf.renderer_problem()
    if problem:
        pytest.skip(f"no PDF here: {problem}")


def test_the_pdf_is_a4_with_a_long_table_split_across_sheets(tmp_path, weasyprint_or_skip):
    from pypdf import PdfReader

    pdf.SEPARATE_PROCESS, before = False, pdf.SEPARATE_PROCESS
    try:
        with pdf.PrintWorker() as printer:
            assert printer.problem() is None
            path = printer.start(tmp_path, tiny_pack(tmp_path, rows=120), **DOCUMENT).result()
    finally:
        pdf.SEPARATE_PROCESS = before
    reader = PdfReader(path)
    sizes = {(round(float(p.mediabox.width)), round(float(p.mediabox.height))) for p in reader.pages}
    assert sizes == {(595, 842)}  # A4 in points
    texts = [p.extract_text() for p in reader.pages]
    assert len(texts) >= 6  # contents, 2 pages, glossary, an appendix over more than one sheet
    assert all(f"Page {i} of {len(texts)}" in t for i, t in enumerate(texts, start=1))
    assert all("November 2015" in t and "Synthetic data" in t for t in texts)  # the running header
    appendix = [t for t in texts if "Month 1" in t or "Month 119" in t]
    assert len(appendix) >= 2 and all("Month" in t and "Value" in t for t in appendix)  # header row repeated
    assert re.search(r"A page\s*\.+\s*2", texts[0])  # the contents give page numbers
