"""The house colours of the pack's HTML (``templates/house.css``) and the WCAG contrast rule they
keep: every foreground on its background at least 4.5:1; and the status style of the charts
(:data:`SPC_COLOURS`, :data:`SPC_MARKERS`: every point at least 3:1 against the white plot, each
status a shape as well as a colour), which the charts, the glossary and the PDF share."""

from __future__ import annotations

#: the least contrast ratio of body text (WCAG 2 AA), and of a chart's points and lines against
#: the plot (WCAG 2.2 non-text contrast, 1.4.11)
AA_CONTRAST = 4.5
NON_TEXT_CONTRAST = 3.0

#: NHS Making Data Count point colours, darkened to at least 3:1 against white (the Making Data
#: Count grey #a6a6a6 and blue #00b0f0 are 2.4:1 and 2.5:1)
SPC_COLOURS = {
    "common_cause": "#767676",
    "improvement": "#0070c0",
    "concern": "#c55a11",
    "neither": "#490092",
    "mean": "#000000",
    "limit": "#595959",
    "target": "#c00000",
}
#: the shape of an SPC point by status, so that status never rests on colour alone
SPC_MARKERS = {"common_cause": "o", "improvement": "D", "concern": "s", "neither": "^"}
#: the shapes and colours in words (the glossary explains the charts with them)
SPC_MARKER_WORDS = {"common_cause": "circle", "improvement": "diamond", "concern": "square", "neither": "triangle"}
SPC_COLOUR_WORDS = {"common_cause": "grey", "improvement": "blue", "concern": "orange", "neither": "purple"}
#: the letters of the variation icon at the top right of an SPC chart: the latest month unusually
#: high, unusually low, or within normal variation (the glossary says what each means)
VARIATION_ICON_LETTERS = {"high": "H", "low": "L", "common_cause": "~"}


#: the house palette: (foreground, background) pairs used by templates/house.css
PALETTE = {
    "body text": ("#1b1b1b", "#ffffff"),
    "header": ("#ffffff", "#0b3c5d"),
    "link": ("#1d5c96", "#ffffff"),
    "muted": ("#505a5f", "#ffffff"),
    "synthetic banner": ("#ffffff", "#7a3e00"),
    "internal banner": ("#ffffff", "#9e0000"),
    "failure": ("#a4000f", "#ffffff"),
    "table stripe": ("#1b1b1b", "#f3f2f1"),
}


def contrast_ratio(foreground: str, background: str) -> float:
    """WCAG 2 contrast ratio of two ``#rrggbb`` colours."""

    def luminance(colour: str) -> float:
        rgb = [int(colour.lstrip("#")[i : i + 2], 16) / 255 for i in (0, 2, 4)]
        lin = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in rgb]
        return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]

    hi, lo = sorted((luminance(foreground), luminance(background)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)
