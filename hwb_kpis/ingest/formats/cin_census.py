"""The DfE Children in Need census return (XML: ``<Message>``, a ``<Header>``, then ``<Child>``
records with ``<ChildIdentifiers>`` and one ``<CINdetails>`` per referral), streamed child by
child (:mod:`.xml_stream`: a national-size return is never held whole; a document type
declaration is refused) and read as the contract's referrals table: ``LAchildID``,
``CINreferralDate``, ``ReferralSource``, ``ReferralNFA``. Nothing else is read (no names, UPNs,
birth dates or ethnicity). The census lists referrals only: contact measures are unavailable, in
the words of ``cin_census.yml``. Each referral's row number is its ``<CINdetails>`` line."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from hwb_kpis.contract.tables import REFERRALS
from hwb_kpis.errors import InputFileError
from hwb_kpis.ingest.formats import xml_stream
from hwb_kpis.ingest.formats.source import FormatWords, contract_table, files_by_stem
from hwb_kpis.ingest.mapping import Mapping
from hwb_kpis.ingest.raw import RawTable

SPEC_FILE = Path(__file__).with_name("cin_census.yml")
_REFERRAL, _CHILD = object(), object()  # the two tags read that are not fields


@dataclass(frozen=True)
class CinCensusFormat(FormatWords):
    """The Children in Need census XML (see the module docstring)."""

    name: str = "cin-census"
    spec_file: Path = field(default=SPEC_FILE, compare=False)

    def returns(self, raw_dir: Path) -> list[Path]:
        """The CIN census XML files of the folder (root ``Message`` with ``Child`` or ``CINdetails``)."""
        found = []
        for path in files_by_stem(raw_dir, (".xml",)).values():
            tags = xml_stream.tags_at_start(path)
            if tags and tags[0] == self._spec["root"] and (
                    {"Children", self._spec["record"], self._spec["referral"], "CollectionDetails"} & set(tags)):
                found.append(path)
        return found

    def detect(self, raw_dir: Path, mapping: Mapping) -> bool:
        return bool(self.returns(raw_dir))

    def locate(self, raw_dir: Path, mapping: Mapping) -> dict[str, Path]:
        raw_dir = Path(raw_dir)
        if not raw_dir.is_dir():
            raise InputFileError(f"{raw_dir}: raw data folder not found")
        found = self.returns(raw_dir)
        if len(found) > 1:
            raise InputFileError(f"{raw_dir}: more than one CIN census return ({', '.join(p.name for p in found)}); "
                                 "keep one")
        if not found:
            xml = sorted(p.name for p in raw_dir.iterdir() if p.suffix.lower() == ".xml")
            hint = f" ({', '.join(xml)} is not one: no <Message> root)" if xml else ""
            raise InputFileError(f"{raw_dir}: no Children in Need census XML found{hint}")
        return {"referrals": found[0]}

    def describe(self, raw_dir: Path, mapping: Mapping) -> str:
        return f"{self.locate(raw_dir, mapping)['referrals'].name} as referrals"

    def read(self, raw_dir: Path, mapping: Mapping) -> dict[str, RawTable]:
        """The referrals of the return."""
        path = self.locate(raw_dir, mapping)["referrals"]
        spec = self._spec
        fields = {str(k): str(v) for k, v in spec["fields"].items()}
        child_ids: list[str] = []
        values: dict[str, list[str]] = {name: [] for name in fields}  # per field read, one value a referral
        rows: list[int] = []
        children = 0
        wanted = tuple(f"{{*}}{t}" for t in (spec["child"], spec["referral"], *fields))
        # what each tag is (by local name, any namespace): a field's list, or _REFERRAL / _CHILD
        kinds: dict[str, object] = {}
        kind_of = {spec["referral"]: _REFERRAL, spec["child"]: _CHILD, **values}
        for child in xml_stream.records(path, (spec["record"],)):
            children += 1
            child_id, first = "", len(rows)
            for element in child.iter(wanted):  # lxml finds the few elements read, in document order
                tag = element.tag
                kind = kinds.get(tag)
                if kind is None:
                    kind = kinds[tag] = kind_of[xml_stream.local(tag)]
                if kind is _REFERRAL:  # a referral begins: its fields blank until read
                    rows.append(element.sourceline or 0)
                    for column in values.values():
                        column.append("")
                elif kind is _CHILD:
                    child_id = (element.text or "").strip()
                elif len(rows) > first:  # a field of the referral just begun (outside one: not a referral's)
                    kind[-1] = (element.text or "").strip()
            child_ids.extend([child_id] * (len(rows) - first))
        columns = {"child_id": child_ids, **{fields[name]: column for name, column in values.items()}}
        if not rows:
            raise InputFileError(f"{path}: no referral (<{spec['referral']}>) in the Children in Need census")
        notes = [f"{len(rows):,} referrals of {children:,} children read from <{spec['referral']}>; "
                 "nothing else of the census is read"]
        return {"referrals": contract_table(REFERRALS, path, columns, rows, mapping, notes=notes)}


CIN_CENSUS_FORMAT = CinCensusFormat()
