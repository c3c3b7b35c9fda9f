"""What the pack calls a source group and a measure (hwb_kpis.report.labels)."""

from __future__ import annotations

from hwb_kpis.report.labels import group_label, measure_label


def test_group_labels():
    assert group_label("la_services") == "LA services"
    assert group_label("code:3E") == "code 3E"
    assert group_label("some_new_group") == "some new group"


def test_measure_labels_name_the_group():
    assert measure_label("repeat_contacts") == "Repeat contacts"
    assert measure_label("marf", "health") == "Contacts submitted on a MARF – health"
    assert measure_label("conversion", "la_services", brackets=True) == "Contacts progressed to referral (LA services)"
