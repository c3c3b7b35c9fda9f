"""The SSDA903 return (hwb_kpis/ingest/formats/ssda903.py), as CSVs and as XML: a period of care
starts at an episode with RNE = S, every other episode continues a period (the issue's defect:
every one of 5,050 episodes became a period), the reconciliation counts episode rows, the other
files of the return are ignored and said so, and DOB is joined from the header."""

from __future__ import annotations

import shutil

import pandas as pd
import pytest

from hwb_kpis.ingest import Mapping, formats
from hwb_kpis.ingest.clean import clean_table
from hwb_kpis.ingest.formats.ssda903 import SSDA903_FORMAT
from hwb_kpis.privacy.pseudonym import PseudonymKey
from tests.support import REALFORMAT_DIR, TEST_DATA, require_shared

KEY = PseudonymKey(b"ssda903-test-key-0123456789", "test")
CSV, XML = TEST_DATA / "ssda903", TEST_DATA / "ssda903_xml"


@pytest.mark.parametrize("folder", [CSV, XML], ids=["csv", "xml"])
def test_periods_start_at_s_episodes_and_episodes_reconcile(folder):
    assert formats.detect(folder, Mapping()) is SSDA903_FORMAT
    raw = SSDA903_FORMAT.read(folder, Mapping())["looked_after"]
    assert raw.data["child_id"].tolist() == ["1001", "1001", "1003", "1003", "1004", "1005"]  # the S episodes
    assert raw.folded == 3 and raw.raw_rows == 9
    cleaned = clean_table(raw, Mapping(), KEY, today=pd.Timestamp("2016-06-30").date())
    s = cleaned.summary
    assert (s["raw_rows"], s["clean_rows"], s["quarantined"], s["duplicates_dropped"], s["folded"]) == (9, 4, 1, 1, 3)
    assert s["reconciled"] and s["folded_note"] == "episodes continuing a period of care"
    starts = sorted(cleaned.clean["period_start"].dt.strftime("%Y-%m-%d"))
    assert starts == ["2015-06-01", "2015-10-10", "2015-11-20", "2016-01-15"]
    assert cleaned.quarantine["reason"].tolist() == ["impossible date"]
    notes = " ".join(raw.notes)
    assert "4 of 5 children with episodes have one" in notes  # DOB joined from the header (1005 lacks one)
    assert "1 children's first episode here is not a start" in notes  # 1002: began before the return


def test_the_return_s_other_files_are_ignored_and_said_so():
    raw = SSDA903_FORMAT.read(CSV, Mapping())["looked_after"]
    assert any("files not read" in n and "oc2.csv" in n for n in raw.notes)
    assert "header.csv" not in " ".join(n for n in raw.notes if "files not read" in n)


def test_what_the_903_lacks_is_said_in_its_own_words():
    assert "no date of the initial health assessment" in SSDA903_FORMAT.absent["looked_after.iha_date"]
    assert SSDA903_FORMAT.absent["contacts"].startswith("the SSDA903 return is about children looked after")


def test_a_looked_after_only_return_runs_without_contacts_csv(tmp_path):
    """The issue's defect: `contacts.csv: file not found`."""
    for p in CSV.iterdir():
        shutil.copy(p, tmp_path / p.name)
    raws = formats.read_extract(formats.detect(tmp_path, Mapping()), tmp_path, Mapping())
    assert list(raws) == ["looked_after"]


def test_the_public_sample_gives_one_period_per_s_episode(tmp_path):
    sample = require_shared(REALFORMAT_DIR / "ssda903_fake")
    for p in sample.iterdir():
        shutil.copy(p, tmp_path / p.name)
    raw = formats.read_extract(formats.detect(tmp_path, Mapping()), tmp_path, Mapping())["looked_after"]
    episodes = pd.read_csv(sample / "episodes.csv", dtype=str)
    assert raw.raw_rows == len(episodes) == 5050
    assert len(raw.data) == (episodes["RNE"] == "S").sum() == 381  # not 5,050 periods
    assert raw.folded == 5050 - 381


def test_the_episodes_file_s_lines_are_accounted_for(tmp_path):
    """A blank line and a malformed row of episodes.csv: every physical line in the reconciliation."""
    lines = (CSV / "episodes.csv").read_text().splitlines()
    lines.insert(3, "")
    lines.insert(5, "1006,01/02/2016,S")  # too few fields: malformed, quarantined
    (tmp_path / "episodes.csv").write_text("\n".join(lines) + "\n")
    shutil.copy(CSV / "header.csv", tmp_path / "header.csv")
    raw = SSDA903_FORMAT.read(tmp_path, Mapping())["looked_after"]
    s = clean_table(raw, Mapping(), KEY, today=pd.Timestamp("2016-06-30").date()).summary
    assert (s["raw_lines"], s["blank_lines"], s["raw_rows"], s["quarantined"]) == (11, 1, 10, 2)
    assert s["reconciled"]


def test_a_missing_column_is_named_as_the_return_names_it(tmp_path):
    (tmp_path / "episodes.csv").write_text("CHILD,DECOM,RNE\n1,01/02/2016,S\n")
    (tmp_path / "header.csv").write_text("CHILD,SEX\n1,1\n")
    from hwb_kpis.errors import InputFileError

    with pytest.raises(InputFileError, match=r"header.csv: missing required column\(s\) DOB"):
        SSDA903_FORMAT.read(tmp_path, Mapping())


def test_episodes_that_contradict_the_one_before_are_reported_not_repaired(tmp_path):
    """DfE validation rules 431 (S although the episode before ended the same day without the
    child leaving care) and 432 (not S although the child had left care)."""
    (tmp_path / "episodes.csv").write_text(
        "CHILD,DECOM,RNE,DEC,REC\n"
        "2001,01/01/2016,S,01/02/2016,X1\n2001,01/02/2016,S,,\n"
        "2002,01/01/2016,S,01/03/2016,E11\n2002,05/03/2016,P,,\n")
    (tmp_path / "header.csv").write_text("CHILD,DOB\n2001,01/01/2010\n2002,01/01/2011\n")
    raw = SSDA903_FORMAT.read(tmp_path, Mapping())["looked_after"]
    notes = " ".join(raw.notes)
    assert "1 episodes start a period (reason S) although the episode before ended the same day" in notes
    assert "1 episodes follow one where the child left care but are not a start" in notes
    assert len(raw.data) == 3 and raw.folded == 1  # as recorded: the S is a period, the P is not


def test_the_return_s_files_are_found_by_their_headers_whatever_their_names(tmp_path):
    shutil.copy(CSV / "episodes.csv", tmp_path / "SSDA903_2016_Episodes.csv")
    shutil.copy(CSV / "header.csv", tmp_path / "SSDA903_2016_Header.csv")
    shutil.copy(CSV / "oc2.csv", tmp_path / "SSDA903_2016_OC2.csv")  # also has CHILD and DOB: not the header
    assert formats.detect(tmp_path, Mapping()) is SSDA903_FORMAT
    raw = SSDA903_FORMAT.read(tmp_path, Mapping())["looked_after"]
    assert raw.path.name == "SSDA903_2016_Episodes.csv" and raw.folded == 3
    assert "4 of 5 children with episodes have one" in " ".join(raw.notes)
    shutil.copy(CSV / "episodes.csv", tmp_path / "episodes_last_year.csv")
    from hwb_kpis.errors import InputFileError

    with pytest.raises(InputFileError, match="more than one file looks like the SSDA903 episodes table"):
        SSDA903_FORMAT.read(tmp_path, Mapping())


def test_short_break_periods_are_kept_and_counted(tmp_path):
    (tmp_path / "episodes.csv").write_text("CHILD,DECOM,RNE,LS\n3001,01/01/2016,S,V3\n3002,01/02/2016,S,C2\n"
                                           "3003,01/03/2016,T,V4\n")
    (tmp_path / "header.csv").write_text("CHILD,SEX,DOB,ETHNIC\n3001,1,01/01/2010,WBRI\n")
    raw = SSDA903_FORMAT.read(tmp_path, Mapping())["looked_after"]
    assert len(raw.data) == 2
    assert any(n.startswith("1 periods start on a short-break legal status (V3, V4)") for n in raw.notes)
