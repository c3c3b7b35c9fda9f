"""Every page builds on any extract that cleans, and says what it cannot show: a property-based
test (hypothesis) writes small extracts — one month or a few, five rows, referrals only, no
looked-after table, one agency, contacts without outcomes (derived from the referrals) — cleans
each and runs every notebook's code on it in this process (tests/report/cells.py), checking
that each page names the measures the extract cannot give. The full pack build (papermill,
nbconvert) is tested on a few extracts in tests/report/test_pack_formats.py."""

from __future__ import annotations

import io
import tempfile
from contextlib import redirect_stdout
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hwb_kpis.kpis import registry
from hwb_kpis.pipeline import run_clean
from tests.report.cells import NOTEBOOKS, run_cells

SOURCES = ["6", "3E", "e) 2A: Schools", "Health services - other primary health services", "p1) 5D: LA services", ""]
OUTCOMES = ["referral", "NFA", "advice", "Early Help", "pending"]
CHILDREN = ["K1", "K2", "K3", "K4"]
MONTHS = ["2015-09", "2015-10", "2015-11"]


def _day(draw, months: list[str]) -> str:
    month = draw(st.sampled_from(months))
    return f"{month}-{draw(st.integers(1, 28)):02d}"


@st.composite
def extracts(draw) -> dict[str, pd.DataFrame]:
    """A small raw extract in the contract's format: ``{file stem: frame}``."""
    months = MONTHS[: draw(st.integers(1, len(MONTHS)))]
    tables = draw(st.sets(st.sampled_from(["contacts", "referrals", "looked_after"]), min_size=1))
    one_agency = draw(st.booleans())
    sources = [draw(st.sampled_from(SOURCES))] if one_agency else SOURCES
    out: dict[str, pd.DataFrame] = {}
    if "contacts" in tables:
        n = draw(st.integers(1, 6))
        frame = pd.DataFrame({
            "child_id": [draw(st.sampled_from(CHILDREN)) for _ in range(n)],
            "contact_date": [_day(draw, months) for _ in range(n)],
            "source_code": [draw(st.sampled_from(sources)) for _ in range(n)],
        })
        if draw(st.booleans()):  # an export with contact ids
            frame.insert(0, "contact_id", [f"C{i}" for i in range(n)])
        if "referrals" not in tables or draw(st.booleans()):  # else the outcome is derived from the referrals
            frame["outcome"] = [draw(st.sampled_from(OUTCOMES)) for _ in range(n)]
        if draw(st.booleans()):
            frame["marf"] = [draw(st.sampled_from(["Y", "N", ""])) for _ in range(n)]
        out["contacts"] = frame
    if "referrals" in tables:
        n = draw(st.integers(1, 5))
        frame = pd.DataFrame({
            "child_id": [draw(st.sampled_from(CHILDREN)) for _ in range(n)],
            "referral_date": [_day(draw, months) for _ in range(n)],
            "source_code": [draw(st.sampled_from(sources)) for _ in range(n)],
        })
        if draw(st.booleans()):
            frame["nfa"] = [draw(st.sampled_from(["Y", "N", "a) Yes", "b) No", ""])) for _ in range(n)]
        out["referrals"] = frame
    if "looked_after" in tables:  # a header with no rows only beside another table (else no month at all)
        n = draw(st.integers(0 if len(tables) > 1 else 1, 4))
        frame = pd.DataFrame({"child_id": [draw(st.sampled_from(CHILDREN)) for _ in range(n)],
                              "period_start": [_day(draw, months) for _ in range(n)]}, dtype=object)
        if draw(st.booleans()):
            frame["iha_date"] = [draw(st.sampled_from(["", "2015-12-01"])) for _ in range(n)]
        out["looked_after"] = frame
    return out


def _latest_month(result) -> str:
    return str(result.summary["last_date"])[:7]


def build_pages(extract: dict[str, pd.DataFrame], folder: Path) -> dict[str, object]:
    """Write, clean and run every notebook on ``extract``; the page objects by notebook."""
    raw, processed = folder / "raw", folder / "processed"
    raw.mkdir()
    for name, frame in extract.items():
        frame.to_csv(raw / f"{name}.csv", index=False)
    result = run_clean(raw, processed, echo=lambda _: None)
    month = _latest_month(result)
    pages = {}
    with redirect_stdout(io.StringIO()):
        for path in NOTEBOOKS:
            params = {"month": month, "processed_dir": str(processed), "raw_dir": str(raw)}
            if path.stem.startswith("06"):
                params["dfe_dir"] = str(folder / "no-dfe-files")
            pages[path.stem] = run_cells(path, **params)["page"]
    return pages


@pytest.fixture(autouse=True)
def _key(monkeypatch):
    monkeypatch.setenv("HWB_KPIS_PSEUDONYM_KEY", "small-extracts-test-key-0123")


@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                 HealthCheck.too_slow])
@given(extracts())
def test_every_page_builds_on_a_small_extract_and_says_what_it_cannot_show(extract):
    with tempfile.TemporaryDirectory() as tmp:
        pages = build_pages(extract, Path(tmp))
        summary = pages["00_board_summary"].data.summary
    unavailable = summary["kpis"]["unavailable"]
    for name, page in pages.items():
        if not hasattr(page, "MEASURES") or name.startswith("06"):
            continue
        note = page.extract_note
        for kpi in page.measures:
            named = registry.label(kpi) in note
            assert named == (kpi in unavailable), (name, kpi, note)
            if kpi in unavailable:
                assert unavailable[kpi].rstrip(".") in note
    # nothing from a stand-in: no conversion or repeats without outcomes, no referrals without any
    if "contacts" not in extract:
        assert {"contacts", "conversion", "repeat_contacts"} <= set(unavailable)
    if "looked_after" not in extract or "iha_date" not in extract["looked_after"]:
        assert "iha_within_28_days" in unavailable


def test_a_referrals_only_extract_gives_the_referral_measures_and_nothing_else(tmp_path, monkeypatch):
    extract = {"referrals": pd.DataFrame({"child_id": ["K1", "K1", "K2", "K3", "K4"],
                                          "referral_date": ["2015-11-02", "2015-11-20", "2015-11-03", "2015-11-04",
                                                            "2015-11-05"],
                                          "source_code": ["3E", "6", "6", "6", "2A"],
                                          "nfa": ["N", "Y", "N", "N", "N"]})}
    pages = build_pages(extract, tmp_path)
    available = pages["00_board_summary"].data.summary["kpis"]["available"]
    assert available == ["rereferral_12m", "referrals", "referral_health_share", "referral_nfa"]
    summary_page = pages["00_board_summary"]
    assert [k for k, _ in summary_page.items] == ["referrals", "referral_health_share", "referral_nfa", "rereferral_12m"]
    conversion = pages["03_conversion_fluctuation"]
    assert "Contacts progressed to referral cannot be shown from this extract: the extract has no list of contacts" \
        in conversion.extract_note
    assert not conversion.chart_figure()
    [referrals] = conversion.referral_verdicts
    assert referrals.kpi == "referrals" and "Referrals received" in referrals.sentence
