"""The board pack in a real browser (issue 8, item 4; issue 19): headless Chromium opens
``index.html`` and every page of a freshly built pack and checks what a reader would meet: no
console error and no failed load, every image loaded, embedded (the pack opens from an e-mail
attachment) and described by alt text, every link leading somewhere that exists inside the pack,
headings in order, and the contrast of the text as the browser actually draws it (WCAG AA). A
screenshot of every page is saved in the pack's ``screenshots/`` folder for review.

Issue 19 adds axe-core (WCAG 2.2 AA and best practice, through axe-playwright-python driving the
same Chromium): zero violations on every page, wide and at 400 px, where no page may scroll
sideways; every chart's alt text states its finding and points to its collapsed data table; and
the pack's PDF (``pack.pdf``): every sheet A4, every page of the pack in it, numbered.

Chromium is driven over the DevTools protocol with the standard library only (a websocket on
loopback, ``--remote-debugging-port=0``). The tests skip, saying why, when no Chromium is
installed (``.ci/run`` installs Debian's ``chromium``; set ``HWB_KPIS_CHROMIUM`` to use another).

The same checks on any built pack, with screenshots in ``<pack>/screenshots/``::

    .venv/bin/python tests/report/test_browser.py reports/2015-11 [--readme-shot docs/pack-screenshot.png]
"""

from __future__ import annotations

import base64
import json
import os
import re
import shutil
import signal
import socket
import struct
import subprocess
import sys
import tempfile
import time
import types
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest

ROOT = Path(__file__).resolve().parents[2]  # runs as a script too: no tests.support
MONTH = "2015-11"
WINDOW = (1280, 2000)
#: the flags issue 8 asks for; the last four keep Chromium off this machine's closed network
FLAGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic",
    "--hide-scrollbars", "--mute-audio", "--no-default-browser-check",
]
#: WCAG 2 AA: 4.5:1 for body text, 3:1 for large text (24 px, or 18.66 px bold)
AA_NORMAL, AA_LARGE = 4.5, 3.0

pytestmark = [pytest.mark.slow, pytest.mark.browser, pytest.mark.xdist_group("pack")]


def find_chromium() -> str | None:
    """The Chromium (or Chrome) binary: ``$HWB_KPIS_CHROMIUM``, else the first on ``PATH``."""
    names = [os.environ.get("HWB_KPIS_CHROMIUM", ""), "chromium", "chromium-browser", "google-chrome",
             "google-chrome-stable"]
    for name in filter(None, names):
        found = shutil.which(name)
        if found:
            return found
    return None


# --- a minimal DevTools protocol client (websocket, RFC 6455, text frames) ------------------------


class _WebSocket:
    def __init__(self, url: str, timeout: float = 60) -> None:
        parts = urlsplit(url)
        self.sock = socket.create_connection((parts.hostname, parts.port), timeout=timeout)
        key = base64.b64encode(os.urandom(16)).decode()
        request = (f"GET {parts.path} HTTP/1.1\r\nHost: {parts.hostname}:{parts.port}\r\n"
                   f"Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: {key}\r\n"
                   "Sec-WebSocket-Version: 13\r\n\r\n")
        self.sock.sendall(request.encode())
        self.file = self.sock.makefile("rb")
        status = self.file.readline()
        if b" 101 " not in status:
            raise ConnectionError(f"DevTools refused the websocket: {status!r}")
        while self.file.readline() not in (b"\r\n", b""):
            pass

    def _read(self, n: int) -> bytes:
        data = self.file.read(n)
        if len(data) != n:
            raise ConnectionError("DevTools closed the connection")
        return data

    def _send_frame(self, opcode: int, payload: bytes) -> None:
        header = bytes([0x80 | opcode])
        n = len(payload)
        if n < 126:
            header += bytes([0x80 | n])
        elif n < 1 << 16:
            header += bytes([0x80 | 126]) + struct.pack(">H", n)
        else:
            header += bytes([0x80 | 127]) + struct.pack(">Q", n)
        mask = os.urandom(4)
        self.sock.sendall(header + mask + bytes(b ^ mask[i % 4] for i, b in enumerate(payload)))

    def send(self, text: str) -> None:
        self._send_frame(0x1, text.encode())

    def recv(self) -> str:
        message = b""
        while True:
            first, second = self._read(2)
            opcode, n = first & 0x0F, second & 0x7F
            if n == 126:
                n = struct.unpack(">H", self._read(2))[0]
            elif n == 127:
                n = struct.unpack(">Q", self._read(8))[0]
            mask = self._read(4) if second & 0x80 else None
            payload = self._read(n)
            if mask:
                payload = bytes(b ^ mask[i % 4] for i, b in enumerate(payload))
            if opcode == 0x8:
                raise ConnectionError("DevTools closed the websocket")
            if opcode == 0x9:
                self._send_frame(0xA, payload)
                continue
            if opcode in (0x0, 0x1, 0x2):
                message += payload
                if first & 0x80:
                    return message.decode()

    def close(self) -> None:
        try:
            self.sock.close()
        except OSError:
            pass


#: run in each page once it has loaded; everything the checks need, as JSON
_INSPECT = r"""JSON.stringify((() => {
  const rgba = (s) => { const m = s.match(/[\d.]+/g) || [0, 0, 0, 0];
    return [+m[0], +m[1], +m[2], m.length > 3 ? +m[3] : 1]; };
  const visible = (el) => { const r = el.getClientRects();
    const st = getComputedStyle(el);
    return r.length > 0 && st.visibility !== 'hidden' && st.display !== 'none' && +st.opacity !== 0; };
  const background = (el) => {
    for (let e = el; e; e = e.parentElement) {
      const c = rgba(getComputedStyle(e).backgroundColor);
      if (c[3] >= 0.5) return c;
    }
    return [255, 255, 255, 1];
  };
  const texts = [];
  for (const el of document.body.querySelectorAll('*')) {
    if (['SCRIPT', 'STYLE', 'svg', 'IMG'].includes(el.tagName)) continue;
    const own = [...el.childNodes].filter(n => n.nodeType === 3).map(n => n.textContent).join('').trim();
    if (!own || !visible(el)) continue;
    const st = getComputedStyle(el);
    texts.push({tag: el.tagName.toLowerCase(), cls: el.className && String(el.className).slice(0, 60),
                text: own.slice(0, 60), color: rgba(st.color), background: background(el),
                size: parseFloat(st.fontSize), weight: parseInt(st.fontWeight) || 400});
  }
  return {
    title: document.title,
    lang: document.documentElement.lang,
    images: [...document.images].map(i => ({src: i.getAttribute('src') || '', alt: i.getAttribute('alt'),
      complete: i.complete, width: i.naturalWidth})),
    links: [...document.querySelectorAll('a[href]')].map(a => a.getAttribute('href')),
    ids: [...document.querySelectorAll('[id]')].map(e => e.id),
    headings: [...document.querySelectorAll('h1,h2,h3,h4,h5,h6')].map(h => {
      const copy = h.cloneNode(true);
      copy.querySelectorAll('.anchor-link').forEach(a => a.remove());
      return {level: +h.tagName[1], text: copy.textContent.replace(/\s+/g, ' ').trim().slice(0, 80)};
    }),
    texts: texts,
    height: document.documentElement.scrollHeight,
  };
})())"""


@dataclass
class PageReport:
    """What the browser saw on one page."""

    path: Path
    errors: list[str] = field(default_factory=list)  # console errors, exceptions, failed loads
    info: dict = field(default_factory=dict)  # the result of _INSPECT
    screenshot: Path | None = None


class Chromium:
    """Headless Chromium driven over the DevTools protocol (one browser, one tab per page)."""

    def __init__(self, binary: str, workdir: Path, window: tuple[int, int] = WINDOW) -> None:
        self.window = window
        self.profile = Path(tempfile.mkdtemp(prefix="chromium-profile-", dir=workdir))
        self.log_path = workdir / "chromium.log"
        self._log = open(self.log_path, "wb")  # noqa: SIM115 - closed in close()
        self.proc = subprocess.Popen(
            [binary, *FLAGS, f"--user-data-dir={self.profile}", "--remote-debugging-port=0",
             f"--window-size={window[0]},{window[1]}", "about:blank"],
            stdin=subprocess.DEVNULL, stdout=self._log, stderr=self._log, start_new_session=True,
        )
        port_file = self.profile / "DevToolsActivePort"
        deadline = time.monotonic() + 60
        while not (port_file.is_file() and len(port_file.read_text().split()) >= 2):
            if self.proc.poll() is not None or time.monotonic() > deadline:
                self.close()
                raise RuntimeError(f"Chromium did not start its DevTools endpoint:\n{self.log_tail()}")
            time.sleep(0.05)
        port, path = port_file.read_text().split()[:2]
        self.ws = _WebSocket(f"ws://127.0.0.1:{port}{path}")
        self._next_id = 0
        self.events: list[dict] = []

    def log_tail(self, lines: int = 20) -> str:
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return ""

    def send(self, method: str, params: dict | None = None, session: str | None = None) -> dict:
        self._next_id += 1
        message = {"id": self._next_id, "method": method, "params": params or {}}
        if session:
            message["sessionId"] = session
        self.ws.send(json.dumps(message))
        while True:
            reply = json.loads(self.ws.recv())
            if reply.get("id") == self._next_id:
                if "error" in reply:
                    raise RuntimeError(f"{method}: {reply['error']}")
                return reply.get("result", {})
            self.events.append(reply)

    def wait_for(self, method: str, session: str, timeout: float = 60) -> dict:
        deadline = time.monotonic() + timeout
        while True:
            for event in self.events:
                if event.get("method") == method and event.get("sessionId") == session:
                    return event
            if time.monotonic() > deadline:
                raise TimeoutError(f"no {method} within {timeout} s")
            self.events.append(json.loads(self.ws.recv()))

    def visit(self, path: Path, screenshot: Path | None = None) -> PageReport:
        report = PageReport(path)
        target = self.send("Target.createTarget", {"url": "about:blank"})["targetId"]
        session = self.send("Target.attachToTarget", {"targetId": target, "flatten": True})["sessionId"]
        try:
            for domain in ("Page", "Runtime", "Log", "Network"):
                self.send(f"{domain}.enable", session=session)
            width, height = self.window
            self.send("Emulation.setDeviceMetricsOverride",
                      {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": False}, session)
            self.events.clear()
            self.send("Page.navigate", {"url": path.resolve().as_uri()}, session)
            self.wait_for("Page.loadEventFired", session)
            value = self.send("Runtime.evaluate", {"expression": _INSPECT, "returnByValue": True}, session)
            report.info = json.loads(value["result"]["value"])
            if screenshot is not None:
                shot = self.send("Page.captureScreenshot", {"format": "png"}, session)
                screenshot.parent.mkdir(parents=True, exist_ok=True)
                screenshot.write_bytes(base64.b64decode(shot["data"]))
                report.screenshot = screenshot
            report.errors = _errors(e for e in self.events if e.get("sessionId") == session)
        finally:
            self.send("Target.closeTarget", {"targetId": target})
        return report

    def close(self) -> None:
        ws = getattr(self, "ws", None)
        if ws is not None:
            try:
                ws.send(json.dumps({"id": 0, "method": "Browser.close"}))
            except OSError:
                pass
            ws.close()
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            try:  # the browser and the helper processes it started (its own process group)
                os.killpg(self.proc.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            self.proc.wait(timeout=10)
        self._log.close()
        shutil.rmtree(self.profile, ignore_errors=True)


def _errors(events) -> list[str]:
    """Console errors, uncaught exceptions and failed loads among a page's DevTools events."""
    found = []
    for event in events:
        method, params = event.get("method"), event.get("params", {})
        if method == "Runtime.consoleAPICalled" and params.get("type") in ("error", "assert"):
            text = " ".join(str(a.get("value", a.get("description", ""))) for a in params.get("args", []))
            found.append(f"console.{params['type']}: {text}")
        elif method == "Runtime.exceptionThrown":
            details = params.get("exceptionDetails", {})
            found.append(f"exception: {details.get('exception', {}).get('description') or details.get('text')}")
        elif method == "Log.entryAdded" and params.get("entry", {}).get("level") == "error":
            entry = params["entry"]
            found.append(f"{entry.get('source')}: {entry.get('text')} {entry.get('url', '')}".strip())
        elif method == "Network.loadingFailed" and not params.get("canceled"):
            found.append(f"failed to load: {params.get('errorText')} ({params.get('type')})")
    return found


# --- the checks (plain functions: the tests and the command line share them) --------------------


def contrast(fg: list[float], bg: list[float]) -> float:
    """WCAG contrast ratio of two [r, g, b, a] colours (a translucent foreground is blended)."""
    alpha = fg[3] if len(fg) > 3 else 1
    fg = [alpha * f + (1 - alpha) * b for f, b in zip(fg[:3], bg[:3], strict=True)]

    def luminance(rgb) -> float:
        lin = [c / 255 / 12.92 if c / 255 <= 0.03928 else ((c / 255 + 0.055) / 1.055) ** 2.4 for c in rgb[:3]]
        return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]

    hi, lo = sorted((luminance(fg), luminance(bg)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


def image_problems(page: PageReport) -> list[str]:
    problems = []
    for i, img in enumerate(page.info["images"]):
        label = f"image {i + 1} ({img['src'][:30]}…)"
        if not img["complete"] or img["width"] <= 0:
            problems.append(f"{label} did not load")
        if not (img["alt"] or "").strip():
            problems.append(f"{label} has no alt text")
        if not img["src"].startswith("data:image/"):
            problems.append(f"{label} is not embedded in the page (the pack must open from an e-mail)")
    return problems


def _ids_in(html_file: Path) -> set[str]:
    import html

    text = html_file.read_text(encoding="utf-8", errors="replace")
    return {html.unescape(m) for m in re.findall(r'\sid="([^"]*)"', text)}


def link_problems(page: PageReport, pack: Path) -> list[str]:
    """Every link must lead to an anchor that exists, or to a file inside the pack (and to an
    anchor in it, when it names one). Web links (https) are allowed: the reader may be online."""
    problems, ids = [], set(page.info["ids"])
    for href in page.info["links"]:
        parts = urlsplit(href)
        # a browser matches the fragment as written, then percent-decoded (nbconvert's heading ids
        # keep %22 for a quote mark)
        fragments = {parts.fragment, unquote(parts.fragment)} - {""}
        if parts.scheme in ("http", "https", "mailto"):
            if parts.scheme == "http":
                problems.append(f"{href}: use https")
            continue
        if parts.scheme or parts.netloc or href.startswith("/"):
            problems.append(f"{href}: not a relative link (breaks once the pack is moved or e-mailed)")
            continue
        if not parts.path:
            if not fragments & ids:
                problems.append(f"{href}: no element with that id on the page")
            continue
        target = (page.path.parent / unquote(parts.path)).resolve()
        if not target.is_relative_to(pack.resolve()):
            problems.append(f"{href}: leads outside the pack")
        elif not target.is_file():
            problems.append(f"{href}: no such file in the pack")
        elif fragments and not fragments & _ids_in(target):
            problems.append(f"{href}: {target.name} has no element with that id")
    return problems


def heading_problems(page: PageReport) -> list[str]:
    levels = [h["level"] for h in page.info["headings"]]
    problems = []
    if levels.count(1) != 1:
        problems.append(f"{levels.count(1)} h1 headings (a page has exactly one)")
    if levels and levels[0] != 1:
        problems.append(f"the first heading is h{levels[0]}, not h1")
    for previous, heading in zip(page.info["headings"], page.info["headings"][1:], strict=False):
        if heading["level"] > previous["level"] + 1:
            problems.append(f"h{previous['level']} '{previous['text']}' is followed by "
                            f"h{heading['level']} '{heading['text']}' (a level skipped)")
    return problems


def contrast_problems(page: PageReport) -> list[str]:
    problems = []
    for t in page.info["texts"]:
        large = t["size"] >= 24 or (t["size"] >= 18.66 and t["weight"] >= 700)
        need = AA_LARGE if large else AA_NORMAL
        ratio = contrast(t["color"], t["background"])
        if ratio < need:
            problems.append(f"<{t['tag']} class='{t['cls']}'> '{t['text']}': contrast {ratio:.2f}:1 < {need}:1")
    return problems


def inspect_pack(pack: Path, binary: str, workdir: Path, shots: Path | None) -> dict[str, PageReport]:
    """Open index.html and every page of ``pack``; screenshots into ``shots`` when given."""
    pages = [pack / "index.html", *sorted(p for p in pack.glob("*.html") if p.name != "index.html")]
    browser = Chromium(binary, workdir)
    try:
        return {p.name: browser.visit(p, shots / f"{p.stem}.png" if shots else None) for p in pages}
    finally:
        browser.close()


def all_problems(reports: dict[str, PageReport], pack: Path) -> dict[str, list[str]]:
    return {
        name: [*page.errors, *image_problems(page), *link_problems(page, pack), *heading_problems(page),
               *contrast_problems(page)]
        for name, page in reports.items()
    }


# --- the tests ----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def chromium() -> str:
    binary = find_chromium()
    if binary is None:
        pytest.skip("no Chromium found (install Debian's `chromium`, or set HWB_KPIS_CHROMIUM): "
                    "the pack was not checked in a real browser")
    return binary


@pytest.fixture(scope="module")
def pack(chromium, tmp_path_factory) -> types.SimpleNamespace:
    """A real pack of every notebook on the synthetic default extract, built into a temporary
    folder. The repository's processed synthetic data is copied when it is current (no clean)."""
    from hwb_kpis import pipeline
    from hwb_kpis.report.build import build_report

    base = tmp_path_factory.mktemp("browser")
    raw, processed = base / "raw", base / "processed"
    repo_raw, repo_processed = ROOT / "data" / "raw", ROOT / "data" / "processed"
    if pipeline.is_synthetic(repo_raw) and pipeline.is_current(repo_processed, repo_raw):
        ignore = shutil.ignore_patterns(".*", "README.md")
        shutil.copytree(repo_raw, raw, ignore=ignore)
        shutil.copytree(repo_processed, processed, ignore=ignore)
    lines: list[str] = []
    result = build_report(MONTH, raw, processed, base / "reports", jobs=2, echo=lines.append)
    assert not result.failed, "\n".join(lines)
    return types.SimpleNamespace(dir=result.index_path.parent, result=result, base=base)


@pytest.fixture(scope="module")
def seen(pack, chromium) -> dict[str, PageReport]:
    return inspect_pack(pack.dir, chromium, pack.base, pack.dir / "screenshots")


def _report(problems: dict[str, list[str]]) -> str:
    return "\n".join(f"{name}: {p}" for name, found in problems.items() for p in found)


def test_every_page_was_opened(seen, pack) -> None:
    names = {p.name for p in pack.dir.glob("*.html")}
    assert set(seen) == names and {"index.html", "glossary.html"} <= names and len(names) == len(pack.result.pages) + 2
    for page in seen.values():
        assert page.info["lang"] == "en" and page.info["title"], page.path.name


def test_no_console_error_or_failed_load(seen) -> None:
    problems = {name: page.errors for name, page in seen.items()}
    assert not any(problems.values()), _report(problems)


def test_images_load_embedded_with_alt_text(seen) -> None:
    assert sum(len(p.info["images"]) for p in seen.values()) >= 5  # the pack has charts
    problems = {name: image_problems(page) for name, page in seen.items()}
    assert not any(problems.values()), _report(problems)


def test_links_resolve_inside_the_pack(seen, pack) -> None:
    index_links = set(seen["index.html"].info["links"])
    assert {f"{p.name}.html" for p in pack.result.pages} <= index_links  # the index links every page
    for name, page in seen.items():
        if name != "index.html":
            assert "index.html" in page.info["links"], f"{name} has no link back to the index"
    problems = {name: link_problems(page, pack.dir) for name, page in seen.items()}
    assert not any(problems.values()), _report(problems)


def test_headings_in_order(seen) -> None:
    problems = {name: heading_problems(page) for name, page in seen.items()}
    assert not any(problems.values()), _report(problems)


def test_text_contrast_as_drawn(seen) -> None:
    assert all(page.info["texts"] for page in seen.values())
    problems = {name: contrast_problems(page) for name, page in seen.items()}
    assert not any(problems.values()), _report(problems)


def test_screenshots_saved_for_review(seen, pack) -> None:
    for name, page in seen.items():
        shot = pack.dir / "screenshots" / f"{Path(name).stem}.png"
        assert page.screenshot == shot and shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
        width, height = struct.unpack(">II", shot.read_bytes()[16:24])
        assert (width, height) == WINDOW


def test_contrast_formula() -> None:
    assert contrast([0, 0, 0, 1], [255, 255, 255, 1]) == pytest.approx(21)
    assert contrast([255, 255, 255, 1], [255, 255, 255, 1]) == pytest.approx(1)
    assert contrast([0, 0, 0, 0.5], [255, 255, 255, 1]) < 21  # translucent text is blended


# --- issue 19: axe-core, 400 px, the charts' words and tables, the PDF ------------------------------

#: the axe-core rule sets run on every page: WCAG 2.0-2.2 A and AA, and axe's best practice
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]
NARROW = 400


def axe_and_reflow(pack: Path, binary: str, widths=(WINDOW[0], NARROW)) -> dict[str, list[str]]:
    """axe-core's violations on every page at each width, and at the narrow width any page that
    scrolls sideways or the board summary's table not fitting: ``{"page @ width": [problems]}``."""
    from axe_playwright_python.sync_playwright import Axe
    from playwright.sync_api import sync_playwright

    pages = [pack / "index.html", *sorted(p for p in pack.glob("*.html") if p.name != "index.html")]
    found: dict[str, list[str]] = {}
    axe = Axe()
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=binary, args=[f for f in FLAGS if f != "--headless"])
        try:
            for width in widths:
                tab = browser.new_page(viewport={"width": width, "height": 900})
                for path in pages:
                    tab.goto(path.resolve().as_uri())
                    result = axe.run(tab, options={"runOnly": {"type": "tag", "values": AXE_TAGS}})
                    problems = [f"axe {v['id']} ({v['impact']}): {v['help']} — {v['nodes'][0]['html'][:120]}"
                                for v in result.response["violations"]]
                    if width == NARROW:
                        scroll = tab.evaluate("document.documentElement.scrollWidth")
                        if scroll > width:
                            problems.append(f"the page scrolls sideways at {width} px ({scroll} px wide)")
                        if path.name.startswith("00_"):
                            # the table of this month's figures (the Making Data Count matrix above it is a
                            # wide data table that scrolls in its own box, as WCAG's reflow rule allows)
                            first = tab.evaluate("(() => { const t = Array.from(document.querySelectorAll('main table'))"
                                                 ".find(t => t.innerText.includes('same month last year'));"
                                                 " return t ? [t.scrollWidth, t.parentElement.clientWidth] : null })()")
                            if first and first[0] > first[1]:
                                problems.append(f"the summary table is {first[0]} px wide in {first[1]} px")
                    found[f"{path.name} @ {width} px"] = problems
                tab.close()
        finally:
            browser.close()
    return found


def chart_problems(pack: Path) -> list[str]:
    """Charts whose alt text does not state a finding and point to its data table, or that have
    no collapsed table of their figures under them."""
    problems = []
    for path in sorted(pack.glob("0*.html")):
        text = path.read_text(encoding="utf-8")
        for match in re.finditer(r'<img src="data:image/png;base64,[^"]*"\s*alt="([^"]*)"', text):
            alt = match.group(1)
            if alt.startswith("Chart: ") or len(alt) < 60 or "Figures behind this chart" not in alt:
                problems.append(f"{path.name}: alt text {alt[:80]!r} states no finding or no data table")
            after = text[match.end():match.end() + 600]
            if '<details class="hwb-chart-data">' not in after:
                problems.append(f"{path.name}: the chart {alt[:50]!r} has no data table under it")
    return problems


def pdf_problems(pack: Path, html_pages: int) -> list[str]:
    """The pack's PDF: every sheet A4, at least a sheet per page of the pack plus the contents, the
    glossary and the appendix, every sheet numbered "Page N of M"."""
    from pypdf import PdfReader

    path = pack / "pack.pdf"
    if not path.is_file():
        return ["no pack.pdf in the pack"]
    reader = PdfReader(path)
    problems = []
    sizes = {(round(float(p.mediabox.width)), round(float(p.mediabox.height))) for p in reader.pages}
    if sizes != {(595, 842)}:
        problems.append(f"sheets are not all A4 (595 x 842 pt): {sorted(sizes)}")
    if len(reader.pages) < html_pages + 2:
        problems.append(f"{len(reader.pages)} sheets for {html_pages} pages")
    for i, sheet in enumerate(reader.pages, start=1):
        if f"Page {i} of {len(reader.pages)}" not in (sheet.extract_text() or ""):
            problems.append(f"sheet {i} is not numbered")
    return problems


def test_axe_core_finds_nothing_and_pages_reflow_at_400_px(pack, chromium) -> None:
    pytest.importorskip("axe_playwright_python", reason="axe-playwright-python is a dev dependency")
    found = axe_and_reflow(pack.dir, chromium)
    assert len(found) == 2 * len(list(pack.dir.glob("*.html")))  # every page, at both widths
    assert not any(found.values()), _report(found)


def test_every_chart_states_its_finding_and_has_its_figures(pack) -> None:
    assert sum(p.read_text(encoding="utf-8").count("<img ") for p in pack.dir.glob("0*.html")) >= 10
    problems = chart_problems(pack.dir)
    assert not problems, "\n".join(problems)


#: what a board page must not say: rule ids and other snake_case names, source codes such as 3C,
#: method names, instructions to analysts (they stay in the internal copy and the docs)
JARGON = re.compile(r"\b[a-z]+_[a-z0-9_]+\b|\b[1-9][A-F]\b|Laney|p′|p-chart|\bXmR\b|logistic regression|"
                    r"Kaplan|\bGLM\b|binomial|interrupted time series|over-dispersion|\bp [<=] 0|parameter|"
                    r"hwb_kpis|\.ya?ml\b|\.csv\b|explore-education-statistics")


def jargon(pack: Path) -> list[str]:
    """Jargon on the board's pages (visible text and alt text), with where it stands."""
    import html

    found = []
    for path in sorted(pack.glob("*.html")):
        text = re.sub(r"<(style|script)\b.*?</\1>", "", path.read_text(encoding="utf-8"), flags=re.S)
        visible = html.unescape(re.sub(r"<[^>]+>", " ", text)) + " " + " ".join(
            html.unescape(a) for a in re.findall(r'\salt="([^"]*)"', text))
        for match in JARGON.finditer(visible):
            found.append(f"{path.name}: {match.group(0)!r} in …{visible[max(0, match.start() - 40):match.end() + 20]}…")
    return found


def test_board_pages_speak_plain_words(pack) -> None:
    problems = jargon(pack.dir)
    assert not problems, "\n".join(problems[:20])


def test_the_pack_is_one_a4_pdf(pack) -> None:
    if pack.result.pdf_problem:
        pytest.skip(f"no PDF on this machine: {pack.result.pdf_problem}")
    problems = pdf_problems(pack.dir, len(list(pack.dir.glob("*.html"))))
    assert not problems, "\n".join(problems)
    from pypdf import PdfReader

    text = " ".join(sheet.extract_text() or "" for sheet in PdfReader(pack.dir / "pack.pdf").pages)
    for page in pack.result.pages:  # every page of the pack is in it
        assert page.title.split(":")[0] in text, page.title


def main(argv: list[str] | None = None) -> int:
    import argparse

    parser = argparse.ArgumentParser(description="Check a built board pack in headless Chromium.")
    parser.add_argument("pack", type=Path, help="a pack folder, e.g. reports/2015-11")
    parser.add_argument("--readme-shot", type=Path, help="also save the board summary's top here")
    args = parser.parse_args(argv)
    binary = find_chromium()
    if binary is None:
        print("no Chromium found: install Debian's `chromium` or set HWB_KPIS_CHROMIUM", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory() as tmp:
        reports = inspect_pack(args.pack, binary, Path(tmp), args.pack / "screenshots")
        if args.readme_shot:
            summary = sorted(args.pack.glob("00_*.html")) or [args.pack / "index.html"]
            browser = Chromium(binary, Path(tmp), window=(1100, 1400))
            try:
                browser.visit(summary[0], args.readme_shot)
            finally:
                browser.close()
            print(f"README screenshot: {args.readme_shot} ({args.readme_shot.stat().st_size / 1024:.0f} KB)")
    problems = all_problems(reports, args.pack)
    for name, page in reports.items():
        print(f"{name}: {len(problems[name])} problem(s); screenshot {page.screenshot}")
        for p in problems[name]:
            print(f"    {p}")
    more = {**axe_and_reflow(args.pack, binary), "charts": chart_problems(args.pack),
            "pack.pdf": pdf_problems(args.pack, len(list(args.pack.glob("*.html"))))}
    for name, found in more.items():
        print(f"{name}: {len(found)} problem(s)")
        for p in found:
            print(f"    {p}")
    return 1 if any(problems.values()) or any(more.values()) else 0


if __name__ == "__main__":
    sys.exit(main())
