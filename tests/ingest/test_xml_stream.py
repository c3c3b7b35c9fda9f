"""Streaming XML returns safely (hwb_kpis/ingest/formats/xml_stream.py): records come one at a
time with the tree trimmed behind them, and a document type declaration (entity-expansion bombs,
external entities) or malformed XML is a one-line error naming the file."""

from __future__ import annotations

import pytest

from hwb_kpis.errors import InputFileError
from hwb_kpis.ingest import Mapping, formats
from hwb_kpis.ingest.formats import xml_stream
from hwb_kpis.ingest.formats.cin_census import CIN_CENSUS_FORMAT

BOMB = """<?xml version="1.0"?>
<!DOCTYPE Message [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
]>
<Message><Children><Child><ChildIdentifiers><LAchildID>&lol4;</LAchildID></ChildIdentifiers>
<CINdetails><CINreferralDate>2015-10-01</CINreferralDate></CINdetails></Child></Children></Message>
"""
XXE = """<?xml version="1.0"?>
<!DOCTYPE Message [<!ENTITY secret SYSTEM "file:///etc/passwd">]>
<Message><Children><Child><ChildIdentifiers><LAchildID>&secret;</LAchildID></ChildIdentifiers>
<CINdetails><CINreferralDate>2015-10-01</CINreferralDate></CINdetails></Child></Children></Message>
"""


@pytest.mark.parametrize("attack", [BOMB, XXE], ids=["billion laughs", "external entity"])
def test_a_document_type_declaration_is_refused_in_one_line(tmp_path, attack):
    path = tmp_path / "cin.xml"
    path.write_text(attack)
    assert formats.detect(tmp_path, Mapping()) is CIN_CENSUS_FORMAT  # recognised, then refused when read
    with pytest.raises(InputFileError) as err:
        CIN_CENSUS_FORMAT.read(tmp_path, Mapping())
    message = str(err.value)
    assert "\n" not in message and str(path) in message and "DOCTYPE" in message
    assert "lol" not in message and "passwd" not in message


def test_malformed_xml_is_one_line_naming_file_and_line(tmp_path):
    path = tmp_path / "cin.xml"
    path.write_text("<Message><Children>\n<Child><CINdetails><CINreferralDate>2015-10-01</CINreferralDate>\n"
                    "</Child></Children></Message>\n")
    with pytest.raises(InputFileError) as err:
        list(xml_stream.records(path, ("Child",)))
    message = str(err.value)
    assert message.startswith(f"{path}: not well-formed XML at line 3") and "\n" not in message


def test_records_come_one_at_a_time_with_the_tree_trimmed_behind_them(tmp_path):
    path = tmp_path / "big.xml"
    children = "".join(f"<Child><LAchildID>C{i}</LAchildID><CINdetails><X>{i}</X></CINdetails></Child>"
                       for i in range(2000))
    path.write_text(f"<Message><Header/><Children>{children}</Children></Message>")
    seen, behind = 0, 0
    for record in xml_stream.records(path, ("Child",)):
        assert xml_stream.text(record.find("LAchildID")) == f"C{seen}"
        before = list(record.itersiblings(preceding=True))
        behind = max(behind, len(before))
        assert all(len(b) == 0 for b in before)  # cleared
        seen += 1
    assert seen == 2000
    assert behind <= 1  # the records before are deleted as the stream goes on


def test_namespaces_are_ignored(tmp_path):
    path = tmp_path / "ns.xml"
    path.write_text('<Message xmlns="urn:dfe:cin"><Children><Child><ChildIdentifiers><LAchildID>A</LAchildID>'
                    "</ChildIdentifiers><CINdetails><CINreferralDate>2015-10-01</CINreferralDate></CINdetails>"
                    "</Child></Children></Message>")
    raws = CIN_CENSUS_FORMAT.read(tmp_path, Mapping())
    assert raws["referrals"].data["child_id"].tolist() == ["A"]
