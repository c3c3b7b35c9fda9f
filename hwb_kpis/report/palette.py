"""The house colours of the pack's HTML (``templates/house.css``) and the WCAG contrast rule they
keep: every foreground on its background at least 4.5:1."""

from __future__ import annotations

#: the least contrast ratio of body text (WCAG 2 AA)
AA_CONTRAST = 4.5

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
