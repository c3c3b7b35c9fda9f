"""What the pack calls a source group and a measure (hwb_kpis.report.labels)."""

from __future__ import annotations

from hwb_kpis.report.labels import group_label, measure_label, source_label


def test_group_labels():
    assert group_label("la_services") == "LA services"
    assert group_label("code:3C") == "school nurse"  # a code by its name in the code list, never "3C"
    assert group_label("code:3A") == "GP" and group_label("code:3Z") == "code 3Z"  # unknown code: said as is
    assert group_label("some_new_group") == "some new group"


def test_source_labels_are_words_for_the_board():
    assert [source_label(c) for c in ("2A", "3C", "3E", "blank", "")] == [
        "schools", "school nurse", "A&E", "none recorded", "none recorded"]


def test_measure_labels_name_the_group():
    assert measure_label("repeat_contacts") == "Repeat contacts"
    assert measure_label("marf", "health") == "Contacts submitted on a MARF – health"
    assert measure_label("conversion", "la_services", brackets=True) == "Contacts progressed to referral (LA services)"
