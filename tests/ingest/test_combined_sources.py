"""A raw folder combining sources (hwb_kpis/ingest/formats/__init__.py, ``Combined``): SSD contacts
with an SSDA903 return read together, each table from its own source and each source's words for
what it lacks; two sources of one table are a one-line error naming both files."""

from __future__ import annotations

import shutil

import pytest

from hwb_kpis.errors import InputFileError
from hwb_kpis.ingest import Mapping, formats
from tests.support import TEST_DATA


def _copy(folder, dest, only=None):
    for p in folder.iterdir():
        if p.suffix in (".csv", ".xml") and (only is None or p.name in only):
            shutil.copy(p, dest / p.name)


def test_ssd_contacts_with_an_ssda903_return(tmp_path):
    _copy(TEST_DATA / "ssd", tmp_path, {"ssd_contacts.csv", "ssd_person.csv"})
    _copy(TEST_DATA / "ssda903", tmp_path)
    fmt = formats.detect(tmp_path, Mapping())
    assert fmt.name == "ssda903+ssd"
    raws = fmt.read(tmp_path, Mapping())
    assert {t: r.path.name for t, r in raws.items()} == {"contacts": "ssd_contacts.csv", "looked_after": "episodes.csv"}
    assert "SSDA903" in fmt.absent["looked_after.iha_date"]  # the 903's words: it gives the looked-after table
    assert "contacts.marf" in fmt.absent and "Standard Safeguarding Dataset" in fmt.absent["contacts.marf"]
    assert "contacts" not in fmt.absent


def test_two_sources_of_one_table_name_both_files(tmp_path):
    _copy(TEST_DATA / "ssd", tmp_path, {"ssd_cla_episodes.csv"})
    _copy(TEST_DATA / "ssda903", tmp_path)
    with pytest.raises(InputFileError) as err:
        formats.read_extract(formats.detect(tmp_path, Mapping()), tmp_path, Mapping())
    message = str(err.value)
    assert "episodes.csv" in message and "ssd_cla_episodes.csv" in message and "\n" not in message


def test_a_forced_format_reads_only_its_own_files(tmp_path):
    _copy(TEST_DATA / "ssd", tmp_path, {"ssd_cla_episodes.csv"})
    _copy(TEST_DATA / "ssda903", tmp_path)
    raws = formats.read_extract(formats.choose(tmp_path, Mapping(), "ssda903"), tmp_path, Mapping())
    assert raws["looked_after"].path.name == "episodes.csv"


def test_the_903_names_only_its_own_files_as_not_read(tmp_path):
    _copy(TEST_DATA / "ssd", tmp_path, {"ssd_contacts.csv", "ssd_person.csv"})
    _copy(TEST_DATA / "ssda903", tmp_path)
    raws = formats.detect(tmp_path, Mapping()).read(tmp_path, Mapping())
    [not_read] = [n for n in raws["looked_after"].notes if "files not read" in n]
    assert "oc2.csv" in not_read and "ssd_" not in not_read
