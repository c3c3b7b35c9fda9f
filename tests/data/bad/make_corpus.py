"""Builds the bad-input corpus in this folder (run once; the outputs are committed, except the
50,000-duplicate file, which tests/test_bad_inputs.py generates on the fly).

    .venv/bin/python tests/data/bad/make_corpus.py
"""

from __future__ import annotations

from pathlib import Path

from openpyxl import Workbook

HERE = Path(__file__).resolve().parent
HEADER = "contact_id,child_id,contact_date,source_code,marf,outcome"
GOOD = [
    "B1,K1,2015-10-01,3E,Y,referral",
    "B2,K2,2015-10-02,2A,N,nfa",
    "B3,K3,2015-10-03,6,Y,advice",
]
LA_HEADER = "child_id,period_start,consent_date,health_notified_date,iha_date"


def write(name: str, text: str, encoding: str = "utf-8") -> None:
    (HERE / name).write_bytes(text.encode(encoding))


def main() -> None:
    lines = "\n".join([HEADER, *GOOD])
    write("truncated.csv", lines + "\nB4,K4,2015-10")
    write("truncated_in_quote.csv", lines + '\nB4,K4,"2015-10')
    write("semicolon.csv", lines.replace(",", ";") + "\n")
    write("all_blank_marf.csv", "\n".join([HEADER] + [r.replace(",Y,", ",,").replace(",N,", ",,") for r in GOOD]) + "\n")
    write("all_blank_child_id.csv", "\n".join([HEADER] + [r.replace(",K", ",").replace(",1,", ",,").replace(",2,", ",,").replace(",3,", ",,") for r in GOOD]) + "\n")
    write("windows_1252.csv", HEADER + ",referrer_org\n" + GOOD[0] + ",Café £5 breakfast club\n", encoding="cp1252")
    write("future_dates.csv", "\n".join([HEADER, *GOOD, "B4,K4,2099-01-01,6,Y,referral", "B5,K5,01/01/2098,6,Y,referral"]) + "\n")
    write("looked_after_empty.csv", LA_HEADER + "\n")
    write("looked_after_ok.csv", LA_HEADER + "\nK1,2015-01-05,2015-01-20,2015-01-22,2015-01-30\n")
    # a month missing from the middle: October and December 2015, no November
    write("month_missing.csv", "\n".join([HEADER, *GOOD, "B4,K4,2015-12-01,6,Y,referral", "B5,K5,2015-12-02,6,N,nfa"]) + "\n")

    wb = Workbook()
    ws = wb.active
    ws.append(["Contacts to First Response - extract produced by the case management system"])
    ws.append(["Run date: 2015-12-01"])
    ws.append(HEADER.split(","))
    for r in GOOD:
        ws.append(r.split(","))
    wb.save(HERE / "title_row.xlsx")

    wb = Workbook()
    ws = wb.active
    ws.append(HEADER.split(","))
    for r in GOOD:
        ws.append(r.split(","))
    ws.merge_cells("C2:C3")  # contact_date merged over two records: the second loses its date
    wb.save(HERE / "merged_cells.xlsx")


if __name__ == "__main__":
    main()
