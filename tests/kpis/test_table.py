"""Every KPI together (hwb_kpis.kpis.table): kpi_table's month filter, order and errors, the
extract's as-of date, and the registry as the list of KPIs."""

from __future__ import annotations

import pandas as pd
import pytest

from hwb_kpis import kpis
from hwb_kpis.errors import HwbKpisError
from tests.kpis.fixtures import counts, make_contacts, make_looked_after, row, tables


def test_kpi_table_month_filter_and_names():
    t = kpis.kpi_table(tables(), month="2015-11")
    assert list(t.columns) == list(kpis.COLUMNS)
    able = [k for k in kpis.KPI_NAMES if k != "referral_nfa"]  # contacts do not say how a referral closed
    assert (t["month"] == "2015-11").all()
    assert list(dict.fromkeys(t["kpi"])) == able
    assert counts(t, "repeat_contacts", "all", "2015-11") == (1, 3)
    assert counts(t, "repeat_contacts", "health", "2015-11") == (1, 2)
    assert counts(t, "conversion", "all", "2015-11") == (1, 2)
    assert counts(t, "pending", "all", "2015-11") == (1, 3)
    # as_of defaults to the latest extract date (2015-11-04): x (start 11-01) is not yet due
    assert counts(t, "iha_within_28_days", "all", "2015-11") == (0, 0)
    assert counts(kpis.kpi_table(tables(), month="2015-11", as_of="2015-12-01"),
                  "iha_within_28_days", "all", "2015-11") == (0, 1)
    wd = kpis.kpi_table(tables(), month="2015-10", iha_limit="20wd")
    assert row(wd, "iha_within_28_days", "all", "2015-10")["limit"] == "20wd"
    rec = kpis.kpi_table(tables(), month="2015-11", view="recorded")
    assert counts(rec, "contacts", "health", "2015-11") == (1, 3)


def test_kpi_table_all_months_and_errors():
    t = kpis.kpi_table(tables())
    assert {"2015-10", "2015-11", "2015/16"} <= set(t["month"])
    with pytest.raises(HwbKpisError, match="YYYY-MM"):
        kpis.kpi_table(tables(), month="Nov 2015")
    with pytest.raises(HwbKpisError, match="2015-10 to 2015-11"):
        kpis.kpi_table(tables(), month="2016-01")
    with pytest.raises(HwbKpisError, match="as_of"):
        kpis.kpi_table(tables(), as_of="yesterday")


def test_extract_as_of_uses_looked_after_dates_too():
    tb = tables()
    assert kpis.extract_as_of(tb) == pd.Timestamp("2015-11-04")
    tb["looked_after"].loc[0, "iha_date"] = pd.Timestamp("2015-11-20")
    assert kpis.extract_as_of(tb) == pd.Timestamp("2015-11-20")


def test_load_processed_missing_files(tmp_path):
    with pytest.raises(HwbKpisError, match="hwb-kpis clean") as err:
        kpis.load_processed(tmp_path / "nowhere")
    assert "nowhere" in str(err.value)
    (tmp_path / "contacts.parquet").write_bytes(b"")
    with pytest.raises(HwbKpisError, match="looked_after.parquet"):
        kpis.load_processed(tmp_path)


def test_empty_tables_do_not_crash():
    c = make_contacts([("a", "2015-01-01", "nfa")]).iloc[:0]
    assert len(kpis.repeat_contacts(c)) == 0
    assert len(kpis.flag_repeats(c)) == 0
    la = make_looked_after([("a", "2015-01-01", None)]).iloc[:0]
    assert len(kpis.iha_within(la, as_of="2015-01-01")) == 0


def test_every_kpi_of_kpi_table_is_in_the_registry_and_vice_versa():
    from hwb_kpis.kpis.registry import registry
    from hwb_kpis.kpis.table import CONTACT_KPIS, LOOKED_AFTER_KPIS, REFERRAL_KPIS

    t = kpis.kpi_table(tables())
    # the registry's ids, in its order, less referral_nfa: contacts do not say how a referral closed
    assert list(dict.fromkeys(t["kpi"])) == [k for k in registry() if k != "referral_nfa"]
    assert kpis.KPI_NAMES == tuple(registry())
    # each id computed by exactly one function, from the table its registry entry needs
    families = {"contacts": CONTACT_KPIS, "referrals": REFERRAL_KPIS, "looked_after": LOOKED_AFTER_KPIS}
    assert set().union(*families.values()) == set(registry())
    assert sum(len(f) for f in families.values()) == len(registry())
    for kpi_id, entry in registry().items():
        assert [t for t, f in families.items() if kpi_id in f] == list(entry.needs)


def test_kpi_table_with_one_table_only():
    tb = tables()
    only_la = kpis.kpi_table({"looked_after": tb["looked_after"]})
    assert set(only_la["kpi"]) == {"iha_within_28_days"}
    only_c = kpis.kpi_table({"contacts": tb["contacts"]})
    assert "iha_within_28_days" not in set(only_c["kpi"])
    assert list(dict.fromkeys(only_c["kpi"])) == [k for k in kpis.KPI_NAMES if k not in ("iha_within_28_days", "referral_nfa")]
