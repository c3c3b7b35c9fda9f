"""The Making Data Count icons and sparklines as SVG (hwb_kpis.report.icons): shape and letter as
well as colour, words in every drawing, colours at least 3:1 on white."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pandas as pd
import pytest

from hwb_kpis.report import icons
from hwb_kpis.report import verdict as words
from hwb_kpis.report.declared import Change, Target, VerdictRules
from hwb_kpis.report.kpi_verdicts import kpi_verdict
from hwb_kpis.report.palette import contrast_ratio
from tests.report.frames import monthly

NS = "{http://www.w3.org/2000/svg}"


def parse(svg: str) -> ET.Element:
    return ET.fromstring(svg)


def outline(svg: ET.Element) -> str:
    first = next(e for e in svg if e.tag != f"{NS}title")
    return first.tag.removeprefix(NS) + ("-dashed" if first.get("stroke-dasharray") else "")


def letter(svg: ET.Element) -> str:
    text = svg.find(f"{NS}text")
    return "" if text is None else text.text


@pytest.mark.parametrize("code", list(words.VARIATION_ICON_WORDS))
def test_every_variation_icon_is_an_svg_with_its_words(code):
    svg = parse(icons.variation_icon(code))
    assert svg.get("role") == "img" and svg.get("aria-label") == words.VARIATION_ICON_WORDS[code]
    assert svg.find(f"{NS}title").text == words.VARIATION_ICON_WORDS[code]
    if code.endswith("_high"):
        assert letter(svg) == "H"
    elif code.endswith("_low"):
        assert letter(svg) == "L"


def test_icons_differ_by_shape_and_letter_not_colour_alone():
    drawn = {code: parse(icons.variation_icon(code)) for code in words.VARIATION_ICON_WORDS}
    looks = {code: (outline(svg), letter(svg), len(svg)) for code, svg in drawn.items()}
    assert len(set(looks.values())) == len(looks)  # every icon can be told apart in greyscale
    assert outline(drawn["improvement_high"]) != outline(drawn["concern_high"]) != outline(drawn["neither_high"])
    assurance = {code: parse(icons.assurance_icon(code)) for code in (*words.ASSURANCE_LETTERS, None)}
    assert [letter(svg) for svg in assurance.values()] == ["P", "F", "?", "\u2013"]
    assert len({outline(svg) for svg in assurance.values()}) == 4
    assert assurance[None].get("aria-label") == "No target is set"


def test_icon_colours_stand_out_from_the_page():
    for name, colour in icons.COLOURS.items():
        assert contrast_ratio(colour, "#ffffff") >= 3.0, name


def test_the_key_shows_every_icon_with_its_meaning():
    key = icons.icon_key()
    assert key.count("<svg") == len(words.VARIATION_ICON_WORDS) - 1 + len(words.ASSURANCE_LETTERS) + 1
    for text in [*words.ASSURANCE_LABELS.values(), words.VARIATION_ICON_WORDS["concern_low"]]:
        assert text.replace("(", "").split(")")[0][:30] in key.replace("(", "")


def test_sparkline_draws_segments_points_target_and_maturing_months():
    frame = monthly("iha_within_28_days", "all", [4, 5, 3, 4, 5, 4, 8, 9, 8, 9, 9, 2], den=10)
    frame["not_yet_due"] = [0] * 11 + [7]
    rules = VerdictRules(changes=(Change("iha_within_28_days", "2014-07", "redesign"),),
                         targets=(Target("iha_within_28_days", 0.9),))
    v = kpi_verdict(frame, "iha_within_28_days", rules=rules)
    svg = parse(icons.sparkline(v))
    assert svg.get("class") == "hwb-sparkline" and "hollow points are still maturing" in svg.get("aria-label")
    circles = svg.findall(f"{NS}circle")
    assert len(circles) == 12 and sum(c.get("fill") == "#ffffff" for c in circles) == 1
    assert len(svg.findall(f"{NS}polyline")) == 2 * 3 + 1  # limits and mean of two segments, and the line
    assert svg.find(f"{NS}line").get("stroke") == icons.COLOURS["target"]
    ys = [float(c.get("cy")) for c in circles]
    assert all(0 <= y <= icons.SPARK_HEIGHT for y in ys)
    empty = kpi_verdict(monthly("conversion", "all", [5]), "conversion", "all", "2013-01")
    assert icons.sparkline(empty) == ""


def test_sparkline_of_a_count_without_target():
    v = kpi_verdict(monthly("contacts", "all", [1400, 1450, 1380, 1500] * 3), "contacts")
    svg = parse(icons.sparkline(v))
    assert svg.find(f"{NS}line") is None and len(svg.findall(f"{NS}circle")) == 12
    assert pd.Series([c.get("fill") for c in svg.findall(f"{NS}circle")]).eq(icons.COLOURS["common_cause"]).all()


def test_sparkline_draws_no_point_the_disclosure_plan_hides():
    """A month whose count the plan withholds (here October, withheld as c) is neither a dot nor
    a vertex of the line."""
    from hwb_kpis.privacy.disclosure import WITHHELD, Decisions
    from hwb_kpis.report.published import kpi_keys

    values = [1400, 1450, 1380, 1500] * 3
    frame = monthly("contacts", "all", values)
    months = list(frame["month"].astype(str))
    num, _ = kpi_keys("contacts", "all", months[3])
    v = kpi_verdict(frame, "contacts").published(Decisions({num: WITHHELD}, {num: float(values[3])}))
    svg = parse(icons.sparkline(v))
    assert len(svg.findall(f"{NS}circle")) == 11
    line = svg.findall(f"{NS}polyline")[-1].get("points").split()
    assert len(line) == 11
