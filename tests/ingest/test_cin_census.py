"""The DfE Children in Need census XML (hwb_kpis/ingest/formats/cin_census.py): detected, read as
referrals (nothing else of the census), each referral's row its <CINdetails> line; the issue's
defect (`not a table (expected .csv or .xlsx)`) is gone; the public sample reads in full."""

from __future__ import annotations

import shutil

import pytest

from hwb_kpis.errors import InputFileError
from hwb_kpis.ingest import Mapping, formats
from hwb_kpis.ingest.formats.cin_census import CIN_CENSUS_FORMAT
from tests.support import REALFORMAT_DIR, TEST_DATA, require_shared

FIXTURE = TEST_DATA / "cin_census"


def test_the_census_is_detected_and_read_as_referrals():
    assert formats.detect(FIXTURE, Mapping()) is CIN_CENSUS_FORMAT
    assert formats.choose(FIXTURE, Mapping(), "cin-census") is CIN_CENSUS_FORMAT
    raws = CIN_CENSUS_FORMAT.read(FIXTURE, Mapping())
    assert list(raws) == ["referrals"]
    referrals = raws["referrals"]
    assert referrals.columns_present == ("child_id", "referral_date", "source_code", "nfa")
    data = referrals.data
    assert data["child_id"].tolist() == ["CHILD-A", "CHILD-A", "CHILD-B", "CHILD-C", "CHILD-C"]
    assert data["referral_date"].tolist() == ["2015-10-05", "2015-12-01", "2015-11-16", "2015-11-31", "2015-11-20"]
    assert data["source_code"].tolist() == ["3A", "6", "2A", "3F", "3F"]
    assert data["nfa"].tolist() == ["false", "true", "0", "false", ""]
    assert data["source_row"].tolist()[3] == 47  # the line of the <CINdetails>, for the quarantine


def test_nothing_else_of_the_census_is_read():
    data = CIN_CENSUS_FORMAT.read(FIXTURE, Mapping())["referrals"].data
    text = " ".join(data.astype(str).to_numpy().ravel())
    for never in ("X000000000001", "2010-05-01", "WBRI", "N1"):
        assert never not in text


def test_an_xml_that_is_not_a_census_is_named(tmp_path):
    (tmp_path / "other.xml").write_text("<Root><Thing/></Root>")
    assert not CIN_CENSUS_FORMAT.detect(tmp_path, Mapping())
    with pytest.raises(InputFileError, match="other.xml is not one"):
        CIN_CENSUS_FORMAT.locate(tmp_path, Mapping())


def test_two_census_returns_are_an_error(tmp_path):
    for name in ("a.xml", "b.xml"):
        shutil.copy(FIXTURE / "cin_census.xml", tmp_path / name)
    with pytest.raises(InputFileError, match="more than one CIN census return"):
        CIN_CENSUS_FORMAT.locate(tmp_path, Mapping())


def test_the_public_sample_reads_every_referral(tmp_path):
    sample = require_shared(REALFORMAT_DIR / "cin_census_fake.xml")
    shutil.copy(sample, tmp_path / sample.name)
    raws = formats.read_extract(formats.detect(tmp_path, Mapping()), tmp_path, Mapping())
    referrals = raws["referrals"]
    assert referrals.raw_rows == 402
    assert referrals.data["child_id"].nunique() == 332
    assert set(referrals.data["nfa"]) <= {"true", "false", ""}
    assert "referral_id" in referrals.derived  # the census has no referral id: a keyed hash
