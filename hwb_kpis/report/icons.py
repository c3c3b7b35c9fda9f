"""The pack's SVG drawings for HTML pages: the Making Data Count variation and assurance icons
(after NHS England's icon set, told apart by outline shape and letter as well as colour, so they
read in greyscale and without an emoji font) with their key, and the small SPC sparkline of the
summary matrix. Pure text in, SVG text out (no matplotlib): each drawing carries a ``<title>`` and
an ``aria-label`` with its words from :mod:`hwb_kpis.report.verdict`."""

from __future__ import annotations

import html
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from hwb_kpis.report import verdict as words

if TYPE_CHECKING:
    from hwb_kpis.report.kpi_verdicts import Verdict

#: icon colours, each at least 3:1 against white (WCAG 1.4.11; tests/report/test_icons.py)
COLOURS = {
    "common_cause": "#6b6b6b",
    "improvement": "#0072b2",
    "concern": "#d55e00",
    "neither": "#490092",
    "too_few": "#6b6b6b",
    "target": "#c00000",
    "limit": "#6b6b6b",
    "line": "#595959",
}
#: the outline of each kind of icon: the shape tells improvement from concern without colour
SHAPES = {"common_cause": "circle", "improvement": "circle", "concern": "diamond", "neither": "square",
          "too_few": "dashed", "consistent_pass": "circle", "consistent_fail": "diamond", "inconsistent": "square"}
#: the colour of each assurance code
ASSURANCE_COLOURS = {"consistent_pass": COLOURS["improvement"], "consistent_fail": COLOURS["concern"],
                     "inconsistent": COLOURS["common_cause"]}
SIZE = 28  #: icon width and height (px)


def _outline(shape: str, colour: str) -> str:
    stroke = f'fill="#ffffff" stroke="{colour}" stroke-width="2.5"'
    if shape == "diamond":
        return f'<path d="M14 1.8 L26.2 14 L14 26.2 L1.8 14 Z" {stroke}/>'
    if shape == "square":
        return f'<rect x="3" y="3" width="22" height="22" rx="3" {stroke}/>'
    if shape == "dashed":
        return f'<circle cx="14" cy="14" r="11.5" {stroke} stroke-dasharray="3 2.5"/>'
    return f'<circle cx="14" cy="14" r="11.5" {stroke}/>'


def _letter(text: str, colour: str) -> str:
    return (f'<text x="14" y="18.6" text-anchor="middle" font-family="Arial, Helvetica, sans-serif" '
            f'font-size="13" font-weight="bold" fill="{colour}">{html.escape(text)}</text>')


def _svg(body: str, title: str, *, width: int = SIZE, height: int = SIZE, cls: str = "hwb-icon") -> str:
    label = html.escape(title, quote=True)
    return (f'<svg xmlns="http://www.w3.org/2000/svg" class="{cls}" role="img" aria-label="{label}" '
            f'width="{width}" height="{height}" viewBox="0 0 {width} {height}"><title>{label}</title>{body}</svg>')


def variation_icon(code: str) -> str:
    """The variation icon of a :attr:`~hwb_kpis.report.kpi_verdicts.Verdict.variation_icon` code:
    common cause (grey circle, a flat line), improvement (circle), concern (diamond), neither
    (square), each with H (higher than usual) or L (lower); too few months (dashed circle, a dash)."""
    kind, _, side = code.rpartition("_") if code.endswith(("_high", "_low")) else (code, "", "")
    colour = COLOURS[kind]
    body = _outline(SHAPES[kind], colour)
    if kind == "common_cause":
        body += (f'<path d="M7 15 L10.5 12 L14 16 L17.5 12 L21 15" fill="none" stroke="{colour}" '
                 'stroke-width="2" stroke-linecap="round" stroke-linejoin="round"/>')
    elif kind == "too_few":
        body += _letter("\u2013", colour)
    else:
        body += _letter("H" if side == "high" else "L", colour)
    return _svg(body, words.VARIATION_ICON_WORDS[code])


def assurance_icon(code: str | None) -> str:
    """The assurance icon: P (target met every month: circle), F (missed every month: diamond),
    ? (met in some months only: square); no target: a dashed circle with a dash."""
    if code is None:
        return _svg(_outline("dashed", COLOURS["too_few"]) + _letter("\u2013", COLOURS["too_few"]),
                    words.ASSURANCE_LABELS["none"])
    colour = ASSURANCE_COLOURS[code]
    return _svg(_outline(SHAPES[code], colour) + _letter(words.ASSURANCE_LETTERS[code], colour),
                words.ASSURANCE_LABELS[code])


def icon_key() -> str:
    """The key to every icon, as HTML (a list of icon and meaning)."""
    items = [(variation_icon(code), text) for code, text in words.VARIATION_ICON_WORDS.items() if code != "too_few"]
    items += [(assurance_icon(code), words.ASSURANCE_LABELS[code]) for code in words.ASSURANCE_LETTERS]
    items.append((assurance_icon(None), words.ASSURANCE_LABELS["none"]))
    rows = "".join(f'<li>{svg} <span>{html.escape(text)}</span></li>' for svg, text in items)
    return (f'<div class="hwb-icon-key"><p>{html.escape(words.ICON_KEY_INTRO)}</p>'
            f'<ul class="hwb-icon-key-list">{rows}</ul></div>')


# --- the sparkline -------------------------------------------------------------------------------------
SPARK_WIDTH, SPARK_HEIGHT, PAD = 132, 34, 3


def _points(xs: np.ndarray, ys: np.ndarray) -> str:
    return " ".join(f"{x:.1f},{y:.1f}" for x, y in zip(xs, ys, strict=True) if np.isfinite(y))


def _drawn(y: pd.Series, hidden: np.ndarray | None) -> np.ndarray:
    """The values a chart may draw: missing where the pack's disclosure plan hides the point."""
    out = y.to_numpy(float).copy()
    if hidden is not None and len(hidden) == len(out):
        out[np.asarray(hidden, dtype=bool)] = np.nan
    return out


def sparkline(v: Verdict) -> str:
    """A small SPC chart of a verdict: the months as a line, each judged month a dot coloured by
    its variation, the mean (solid) and process limits (dashed) of each segment, the target
    (dotted red) and the maturing months as hollow dots; a point the pack's disclosure plan hides
    (:meth:`Verdict.published`) is not drawn; ``""`` when there is nothing to draw."""
    frame, maturing = v.frame, v.maturing
    if frame.empty and (maturing is None or maturing.empty):
        return ""
    xs = pd.concat([pd.Series(pd.to_datetime(frame["x"])),
                    pd.Series(pd.to_datetime(maturing["x"])) if maturing is not None else pd.Series(dtype="datetime64[ns]")],
                   ignore_index=True)
    order = np.argsort(xs.to_numpy())
    n = len(xs)
    pos = np.empty(n)
    pos[order] = np.arange(n)
    step = (SPARK_WIDTH - 2 * PAD) / max(n - 1, 1)
    px = PAD + pos * step
    ys = _drawn(frame["y"], v.hidden)
    maturing_ys = _drawn(maturing["y"], v.maturing_hidden) if maturing is not None else np.array([])
    values = [ys]
    for c in ("lpl", "upl", "mean"):
        values.append(frame[c].to_numpy(float))
    if len(maturing_ys):
        values.append(maturing_ys)
    if v.target is not None:
        values.append(np.array([v.target.value]))
    allv = np.concatenate(values)
    allv = allv[np.isfinite(allv)]
    lo, hi = (float(allv.min()), float(allv.max())) if len(allv) else (0.0, 1.0)
    if v.is_rate:
        lo, hi = max(lo, 0.0), min(hi, 1.0)
    span = hi - lo or 1.0

    def py(y: np.ndarray) -> np.ndarray:
        return SPARK_HEIGHT - PAD - (np.asarray(y, float) - lo) / span * (SPARK_HEIGHT - 2 * PAD)

    nj = len(frame)
    body = []
    for _, idx in frame.groupby("segment").indices.items() if nj else []:
        sx = px[idx]
        for c, dash in (("lpl", ' stroke-dasharray="2 1.5"'), ("upl", ' stroke-dasharray="2 1.5"'), ("mean", "")):
            body.append(f'<polyline points="{_points(sx, py(frame[c].to_numpy(float)[idx]))}" fill="none" '
                        f'stroke="{COLOURS["limit"]}" stroke-width="0.8"{dash}/>')
    if v.target is not None:
        t = py(np.array([v.target.value]))[0]
        body.append(f'<line x1="{PAD}" y1="{t:.1f}" x2="{SPARK_WIDTH - PAD}" y2="{t:.1f}" stroke="{COLOURS["target"]}" '
                    'stroke-width="0.9" stroke-dasharray="1 1.5"/>')
    all_y = np.concatenate([ys, maturing_ys])
    body.append(f'<polyline points="{_points(px[order], py(all_y[order]))}" fill="none" stroke="{COLOURS["line"]}" '
                'stroke-width="1"/>')
    variations = frame["variation"].astype(str).to_numpy() if nj else []
    for i in range(nj):
        if not np.isfinite(ys[i]):
            continue
        colour = COLOURS.get(variations[i], COLOURS["common_cause"])
        r = 2.4 if i == nj - 1 else 1.5
        body.append(f'<circle cx="{px[i]:.1f}" cy="{py([ys[i]])[0]:.1f}" r="{r}" fill="{colour}"/>')
    for j in range(nj, n):
        if not np.isfinite(all_y[j]):
            continue
        body.append(f'<circle cx="{px[j]:.1f}" cy="{py([all_y[j]])[0]:.1f}" r="1.8" fill="#ffffff" '
                    f'stroke="{COLOURS["line"]}" stroke-width="0.9"/>')
    title = words.sparkline_title(v)
    return _svg("".join(body), title, width=SPARK_WIDTH, height=SPARK_HEIGHT, cls="hwb-sparkline")
