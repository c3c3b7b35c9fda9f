"""The ordered free-text lookup (hwb_kpis.coding.lookup): order, word boundaries, labels and a
bad file."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from hwb_kpis.coding import load_lookup
from hwb_kpis.coding.lookup import first_match
from hwb_kpis.coding.text import TEXT_FIELDS
from hwb_kpis.errors import HwbKpisError
from tests.coding.fixtures import code_one


@pytest.mark.parametrize(
    ("detail", "role", "org", "expected"),
    [("School Nurse", None, "St Mary's School", "3C"), ("School nursing team", None, None, "3C"),
     (None, "School Nurse", "Oak Green School", "3C"), ("School", "School Nurse", None, "3C"),
     (None, "Nurse", "Oak Green School", "3F"), ("Nursery", None, None, "2A"),
     ("Virtual School", None, None, "2B"), ("Police schools liaison officer", None, None, "6"),
     ("School", None, None, "2A"), ("DSL", None, None, "2A")],
)
def test_lookup_order_school_nurse_never_schools(detail, role, org, expected):
    assert code_one(None, detail, role, org)[0] == expected


def test_lookup_file_orders_school_nursing_before_schools():
    lookup = load_lookup()

    def first_code(text: str) -> str:
        hits = lookup[[bool(re.search(p, text, re.IGNORECASE)) for p in lookup["pattern"]]]
        return hits["code"].iloc[0]

    for text in ("school nurse", "School Nursing Service", "school health team", "0-19 service"):
        assert first_code(text) == "3C"
    assert first_code("school") == "2A"


def test_lookup_order_is_what_decides(tmp_path):
    """The same patterns with schools first would code school nurse text as Schools."""
    lookup = load_lookup()
    school = lookup.index[lookup["pattern"].str.contains(r"\\bschools\?", regex=True)][0]
    lookup.loc[school, "order"] = -1
    path = tmp_path / "lookup.csv"
    lookup.to_csv(path, index=False)
    assert code_one(None, "School Nurse", None, None, lookup_path=path)[0] == "2A"
    assert code_one(None, "School Nurse", None, None)[0] == "3C"


@pytest.mark.parametrize(
    ("detail", "expected"),
    [("ED", "3E"), ("A&E", "3E"), ("A and E", "3E"), ("Emergency Department", "3E"),
     ("EDUCATION", "2B"), ("Red Cross", "8"), ("Ed psych", "2B"), ("Reddish Vale", "10"),
     ("HV", "3B"), ("HVAC engineer", "10"), ("GP", "3A"), ("GPS tracker", "10"),
     ("DSL", "2A"), ("DSLR camera club", "10"), ("111", "3E"), ("NHS111", "3E"),
     ("SCAS", "3D"), ("Midwife", "3D"), ("CAMHS", "3F"), ("Thames Valley Police", "6"),
     ("Health Visitor", "3B"), ("0-19 Service", "3C"), ("academy", "2A"), ("Anonymous", "9")],
)
def test_lookup_labels_and_word_boundaries(detail, expected):
    assert code_one(None, detail, None, None)[0] == expected


#: every Annex A source label (Ofsted's list: letter, code, group), ``p1) 5D`` included
ANNEX_A_LABELS = [
    ("a) 1A: Individual", "1A"), ("b) 1B: Individual", "1B"), ("c) 1C: Individual", "1C"), ("d) 1D: Individual", "1D"),
    ("e) 2A: Schools", "2A"), ("f) 2B: Education services", "2B"), ("g) 3A: Health services", "3A"),
    ("h) 3B: Health services", "3B"), ("i) 3C: Health services", "3C"), ("j) 3D: Health services", "3D"),
    ("k) 3E: Health services", "3E"), ("l) 3F: Health services", "3F"), ("m) 4: Housing", "4"),
    ("n) 5A: LA services", "5A"), ("o) 5B: LA services", "5B"), ("p) 5C: LA services", "5C"),
    ("p1) 5D: LA services", "5D"), ("q) 6: Police", "6"), ("r) 7: Other legal agency", "7"), ("s) 8: Other", "8"),
    ("t) 9: Anonymous", "9"), ("u) 10: Unknown", "10"),
]


@pytest.mark.parametrize(("label", "expected"), ANNEX_A_LABELS + [("3D - Other primary health", "3D")])
def test_annex_a_labels(label, expected):
    """As the recorded code (normalised) and written in a free-text field (lookup)."""
    assert code_one(label, None, None, None)[:2] == (expected, None)
    rule = "unknown_source" if expected == "10" else "filled_from_text"  # "unknown" is no source to fill
    assert code_one(None, label, None, None)[:2] == (expected, rule)


def test_bad_lookup_file_is_reported(tmp_path: Path):
    path = tmp_path / "lookup.csv"
    path.write_text("order,pattern,code,note\n10,school,2Z,\n")
    with pytest.raises(HwbKpisError, match=r"row 2: code '2Z'"):
        load_lookup(path)


def test_first_match_takes_patterns_in_order_and_names_the_field():
    text = pd.DataFrame({"source_code": ["", "", ""], "source_detail": ["school nurse", "", "x"],
                         "referrer_role": ["", "Head Teacher", ""], "referrer_org": ["", "", ""]})
    lookup = pd.DataFrame({"pattern": [r"school nurs", r"school|teacher"], "code": ["3C", "2A"]})
    code, field = first_match(text, ("source_detail", "referrer_role"), lookup, np.arange(3))
    assert code.tolist() == ["3C", "2A", None]
    assert [TEXT_FIELDS[f] if f >= 0 else None for f in field] == ["source_detail", "referrer_role", None]


def _dfe_labels():
    from hwb_kpis.coding import load_reference

    ref = load_reference()
    return list(zip(ref["label"], ref["code"], strict=True))


@pytest.mark.parametrize(("label", "expected"), _dfe_labels())
def test_every_dfe_label_text_is_its_code(label, expected):
    """DfE's own label texts, as some systems export them: as the recorded source (coded from the
    text) and in a free-text field. Fails on the old lookup for 3D ("other primary health
    services" went to 3F) and 1D ("other (including strangers)" went to 10)."""
    assert code_one(label, None, None, None)[0] == expected
    assert code_one(None, label, None, None)[0] == expected
    typographic = label.replace(" - ", " \u2013 ")  # an en dash, as word processors write it
    assert code_one(None, typographic, None, None)[0] == expected
