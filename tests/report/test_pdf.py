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
<h1 id="A-page">A page</h1><p>Contacts: no signal. Better. See <a href="01_b.html#Part">part</a>
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
    return [pdf.PrintPage("index.html", "Board pack"), pdf.PrintPage("00_a.html", "A page", 1),
            pdf.PrintPage("01_b.html", "Another page", 2), pdf.PrintPage("glossary.html", "Glossary")]


DOCUMENT = {"month_label": "November 2015", "title": "Board pack", "organisation": "Health & Wellbeing Board",
            "banners": [{"kind": "synthetic", "text": "Synthetic data — not real children"}],
            "footer": "Counts from 1 to 4 are shown as <5."}


def test_a_page_for_print(tmp_path):
    tiny_pack(tmp_path)
    body, appendix = pdf.page_parts((tmp_path / "00_a.html").read_text(encoding="utf-8"),
                                    pdf.PrintPage("00_a.html", "A page", 3))
    # ids are the page's own; a link to another page keeps its words, not the link (another part)
    assert 'id="00_a-A-page"' in body and "01_b.html" not in body and "part</" not in body and "part" in body
    # the chart's table moved to the page's part of the appendix, numbered by the page; the chart says where
    assert "<details" not in body and "table A3.1 of the appendix" in body
    assert [caption for caption, _ in appendix] == ["A3.1. Figures behind this chart: A finding"]
    assert "<caption>" not in appendix[0][1] and "Month 2" in appendix[0][1]
    # no navigation, no footer; the image kept
    assert "<nav" not in body and "<footer" not in body and f"base64,{PNG}" in body


def test_the_contents_and_the_stamp(tmp_path):
    tiny_pack(tmp_path)
    document = pdf.Document.of(**DOCUMENT)
    contents = pdf.contents_html(INDEX, [("A page", 2), ("Glossary", 4)], document)
    assert '<li data-page="2"><a href="#hwb-part-2">A page</a></li>' in contents and "hwb-pages" not in contents
    assert "Synthetic data — not real children" in contents and contents.count('class="pdf-rule"') == 1
    stamp = pdf.stamp_html(["Contents", "A page"], document)
    assert stamp.count('class="pdf-stamp"') == 2 and 'counter(page) " of " counter(pages)' in stamp
    assert "Health &amp; Wellbeing Board" not in stamp and "Health & Wellbeing Board · Board pack, November 2015" in stamp


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

    path = pdf.write_pack_pdf(tmp_path, tiny_pack(tmp_path, rows=120), **DOCUMENT)
    reader = PdfReader(path)
    sizes = {(round(float(p.mediabox.width)), round(float(p.mediabox.height))) for p in reader.pages}
    assert sizes == {(595, 842)}  # A4 in points
    texts = [p.extract_text() for p in reader.pages]
    assert len(texts) >= 6  # contents, 2 pages, glossary, an appendix over more than one sheet
    assert all(f"Page {i} of {len(texts)}" in t for i, t in enumerate(texts, start=1))
    assert all("November 2015" in t and "Synthetic data" in t for t in texts)  # the running header
    appendix = [t for t in texts if "Month 1" in t or "Month 119" in t]
    assert len(appendix) >= 2 and all("Month" in t and "Value" in t for t in appendix)  # header row repeated
    assert re.search(r"A page\s*\.+\s*2", texts[0]) and re.search(r"Glossary\s*\.+\s*4", texts[0])
    assert [o.title for o in reader.outline][:3] == ["Board pack", "A page", "Another page"]  # bookmarks
    links = [a.get_object() for a in reader.pages[0].get("/Annots", [])]
    assert len(links) >= 3  # the contents link to the parts
    assert not list(tmp_path.glob(".print-*"))  # the working folder is gone


def test_a_print_job_prints_pages_as_they_come(tmp_path, weasyprint_or_skip):
    from pypdf import PdfReader

    pages = tiny_pack(tmp_path)
    with pdf.PrintJob(tmp_path) as job:
        assert job.problem() is None
        job.add(pages[2])  # pages come in any order
        job.add(pages[1])
        path = job.finish(pages[0], pages[1:], pdf.Document.of(**DOCUMENT))
    assert len(PdfReader(path).pages) >= 4
    assert not list(tmp_path.glob(".print-*"))


def test_an_appendix_table_keeps_its_classes_and_a_wide_one_stays_marked_wide():
    """The appendix adds its class beside the table's own: a second ``class`` attribute would be
    dropped by the HTML parser, and with it ``pdf-wide`` (a wide table printed in the small type)."""
    from bs4 import BeautifulSoup

    head = "".join(f"<th>c{i}</th>" for i in range(10))
    page = PAGE.format(png=PNG, rows="<tr>" + "<td>1</td>" * 10 + "</tr>").replace(
        '<thead><tr><th scope="col">Month</th><th scope="col">Value</th></tr>', f"<thead><tr>{head}</tr>").replace(
        "<table>", '<table class="dataframe">')
    _, tables = pdf.page_parts(page, pdf.PrintPage("00_a.html", "A page", 1))
    html = pdf.appendix_html(pdf.PrintPage("00_a.html", "A page", 1), tables)
    table = BeautifulSoup(html, "html.parser").find("table")
    assert set(table["class"]) == {"dataframe", "pdf-wide", "pdf-appendix-table"}
    assert html.count("class=", html.index("<table"), html.index(">", html.index("<table"))) == 1
    bare = pdf.appendix_html(pdf.PrintPage("x.html", "X", 2), [("A2.1. Figures", "<table><tr><td>1</td></tr></table>")])
    assert '<table class="pdf-appendix-table">' in bare


def test_a_pages_charts_reach_weasyprint_as_files(tmp_path):
    body = f'<p>x</p><img src="data:image/png;base64,{PNG}" alt="A finding."><img src="data:image/svg+xml;base64,PHN2Zy8+" alt="i">'
    out = pdf._images_as_files(body, tmp_path, "00_a")
    assert "base64" not in out and 'src="00_a-image-0.png"' in out and 'src="00_a-image-1.svg"' in out
    import base64

    assert (tmp_path / "00_a-image-0.png").read_bytes() == base64.b64decode(PNG)
    assert (tmp_path / "00_a-image-1.svg").read_bytes() == b"<svg/>"


def test_the_printing_process_loads_neither_pandas_nor_nbformat():
    """The PDF's own process imports this module: its start-up is for WeasyPrint (pandas and
    nbformat, with jsonschema's format checkers, took over a second there)."""
    import subprocess
    import sys

    code = "import sys, hwb_kpis.report.pdf; print(sorted({'pandas', 'nbformat', 'jsonschema'} & set(sys.modules)))"
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "[]"
