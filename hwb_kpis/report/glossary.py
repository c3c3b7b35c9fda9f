"""The pack's glossary page (``glossary.html``, linked from every page): the words a board member
meets (``glossary.yml``, editable) and how to read the charts, written from the chart code itself
(the shapes and colours of :mod:`hwb_kpis.report.plots`, the words of
:mod:`hwb_kpis.report.verdict`) so that it always says what the charts draw."""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import yaml

from hwb_kpis.errors import HwbKpisError

GLOSSARY_FILE = Path(__file__).resolve().parent / "glossary.yml"
#: the glossary's file name in the pack
PAGE = "glossary.html"


@dataclass(frozen=True)
class Term:
    """One word of the glossary: as the pages write it, what it stands for, what it means."""

    term: str
    means: str
    short: str = ""

    @property
    def anchor(self) -> str:
        """Its id on the glossary page: ``"95% interval"`` → ``"term-95-interval"``."""
        return "term-" + re.sub(r"[^a-z0-9]+", "-", self.term.lower()).strip("-")

    @property
    def html(self) -> str:
        """Its meaning as HTML (escaped; ``*emphasis*`` kept)."""
        return re.sub(r"\*([^*]+)\*", r"<em>\1</em>", html.escape(self.means, quote=False))


@cache
def terms(path: Path | str = GLOSSARY_FILE) -> tuple[Term, ...]:
    """The terms of ``glossary.yml``, in file order (a malformed entry is an error naming it)."""
    path = Path(path)
    try:
        doc = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError) as exc:
        raise HwbKpisError(f"{path}: cannot read the glossary ({exc})") from None
    out = []
    for i, entry in enumerate(doc.get("terms") or [], start=1):
        if not isinstance(entry, dict) or not entry.get("term") or not entry.get("means"):
            raise HwbKpisError(f"{path}: entry {i} needs a term and what it means")
        out.append(Term(str(entry["term"]), " ".join(str(entry["means"]).split()), str(entry.get("short") or "")))
    return tuple(out)


def dot_key() -> list[dict[str, str]]:
    """What each SPC dot means: its shape, colour and status (from the chart code)."""
    from hwb_kpis.report.palette import SPC_COLOUR_WORDS, SPC_MARKER_WORDS
    from hwb_kpis.report.verdict import VARIATION_LABELS

    return [{"shape": SPC_MARKER_WORDS[k].capitalize(), "colour": SPC_COLOUR_WORDS[k],
             "meaning": VARIATION_LABELS[k] + "."} for k in SPC_MARKER_WORDS]


def icon_key() -> list[dict[str, str]]:
    """What the icons at the top right of an SPC chart mean (the letters :func:`plots.spc_chart`
    draws, the verdict and assurance words of :mod:`hwb_kpis.report.verdict`)."""
    from hwb_kpis.report.palette import VARIATION_ICON_LETTERS as LETTERS
    from hwb_kpis.report.verdict import ASSURANCE_LABELS, ASSURANCE_LETTERS, VARIATION_ICON_WORDS

    colours = ("blue when that is better, orange when it is worse, purple when neither direction is better")
    rows = [{"icon": LETTERS["high"], "meaning": f"The latest month is unusually high ({colours})."},
            {"icon": LETTERS["low"], "meaning": f"The latest month is unusually low ({colours})."},
            {"icon": LETTERS["common_cause"],
             "meaning": f"Grey: {VARIATION_ICON_WORDS['common_cause'].split(': ', 1)[-1]}."}]
    rows += [{"icon": ASSURANCE_LETTERS[k], "meaning": f"{ASSURANCE_LABELS[k]} (shown when a measure has a target)."}
             for k in ASSURANCE_LETTERS]
    return rows


def verdict_terms() -> list[Term]:
    """The glossary's entries for the SPC verdicts, worded by :mod:`hwb_kpis.report.verdict` (the
    only home of those words)."""
    from hwb_kpis.report.verdict import VARIATION_ICON_WORDS, VARIATION_LABELS, VARIATION_WORDS

    def after_comma(text: str) -> str:
        return text.split(", ", 1)[-1]

    common = VARIATION_LABELS["common_cause"].split(":")[0]
    special = VARIATION_LABELS["improvement"].split(":")[0]
    return [
        Term(common, "The normal month-to-month ups and downs: "
                     f"{VARIATION_ICON_WORDS['common_cause'].split(': ', 1)[-1]}."),
        Term(special, "A month, or a run of months, that normal variation is unlikely to explain: "
                      f"{after_comma(VARIATION_WORDS['improvement'])} (an improvement), "
                      f"{after_comma(VARIATION_WORDS['concern'])} (a concern), or a change where neither direction "
                      "is better."),
    ]


def all_terms() -> list[Term]:
    """The glossary's words: ``glossary.yml``, with the verdict entries after SPC."""
    words = list(terms())
    at = next((i + 1 for i, t in enumerate(words) if t.term == "SPC"), len(words))
    return words[:at] + verdict_terms() + words[at:]


def verdict_key() -> list[dict[str, object]]:
    """The Making Data Count variation icons the board summary draws beside each measure (SVG,
    :mod:`hwb_kpis.report.icons`), with their words."""
    import markupsafe

    from hwb_kpis.report.icons import variation_icon
    from hwb_kpis.report.verdict import VARIATION_ICON_WORDS

    return [{"icon": markupsafe.Markup(variation_icon(code)), "words": f"{words}."}
            for code, words in VARIATION_ICON_WORDS.items() if code != "too_few"]


LINES = ("The solid black line is the average; the dashed lines are the process limits, the range normal "
         "variation gives; a dotted red line, when there is one, is a target.")
OTHER_CHARTS = (
    "Funnel plots: each dot is an agency. Filled dots lie outside the wider (99.8%) limits, hollow ones only "
    "outside the narrower (95%) limits; grey circles lie inside the funnel.",
    "Odds ratios (what goes with a repeat contact): a filled diamond is a difference unlikely to be chance, "
    "a hollow circle one that chance could explain; the line through each is its 95% interval.",
    "Paired bars: the hatched bar is the first of the pair (for example “as recorded”), the plain bar the second.",
    "Small panels: one small chart per agency or service, on the same scale unless the title says otherwise.",
)


def render_glossary(*, title: str, organisation: str, month_label: str, banners, footer: str, css: str,
                    rule: str) -> str:
    """HTML of the glossary page."""
    import jinja2

    from hwb_kpis.report.chart_data import TABLE_NAME
    from hwb_kpis.report.render import TEMPLATES_DIR

    env = jinja2.Environment(loader=jinja2.FileSystemLoader(str(TEMPLATES_DIR)), autoescape=True,
                             keep_trailing_newline=True)
    return env.get_template("glossary.html.j2").render(
        title=title, organisation=organisation, month_label=month_label, banners=banners, footer=footer,
        css=css, terms=[_Markup(t) for t in all_terms()], dots=dot_key(), icons=icon_key(),
        verdicts=verdict_key(), lines=LINES, other_charts=OTHER_CHARTS, rule=rule, table_name=TABLE_NAME,
    )


class _Markup:
    """A term for the template: its meaning marked safe (already escaped by :attr:`Term.html`)."""

    def __init__(self, term: Term) -> None:
        import markupsafe

        self.term, self.short, self.anchor = term.term, term.short, term.anchor
        self.html = markupsafe.Markup(term.html)
