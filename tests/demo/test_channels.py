"""The agencies of the synthetic front door (``hwb_kpis/demo/channels.yml`` through
``hwb_kpis.demo.channels``)."""

from __future__ import annotations

import numpy as np
import pytest

from hwb_kpis.config import HEALTH_CODES
from hwb_kpis.demo import channels as ch


def test_blocks_shares_and_codes():
    assert {c.block for c in ch.CHANNELS} == set(ch.BLOCKS)
    # shares are weights within their block; the health mix is written as shares of health
    assert sum(c.share for c in ch.CHANNELS if c.block == "health") == pytest.approx(1.0)
    assert all(c.share > 0 for c in ch.CHANNELS)
    assert all(c.code in HEALTH_CODES for c in ch.CHANNELS if c.block == "health")
    assert all(c.code in ch.ANNEX_LETTERS for c in ch.CHANNELS)
    assert len({c.name for c in ch.CHANNELS}) == len(ch.CHANNELS)


def test_every_channel_records_with_weights_summing_to_one_and_texts_as_text():
    for c in ch.CHANNELS:
        assert sum(v.weight for v in c.variants) == pytest.approx(1.0), c.name
        assert sum(c.split) == pytest.approx(1.0), c.name
        for v in c.variants:
            assert v.code in ("", *ch.ANNEX_LETTERS), c.name
            assert all(isinstance(t, str) for t in (*v.details, *v.roles, *v.orgs)), c.name  # YAML read no booleans


def test_arrays_follow_the_channels():
    assert ch.N_CHANNELS == len(ch.CHANNELS) == len(ch.MARF) == len(ch.VARIANT_CUMULATIVE)
    assert list(ch.CODE) == [c.code for c in ch.CHANNELS]
    assert all(cum[-1] == pytest.approx(1.0) for cum in ch.VARIANT_CUMULATIVE)
    assert np.array_equal(np.sort(np.concatenate(list(ch.BLOCK.values()))), np.arange(ch.N_CHANNELS))


def test_annex_labels():
    assert ch.ANNEX["3E"] == "k) 3E: Health services" and ch.ANNEX["2A"] == "e) 2A: Schools"
    assert ch.ANNEX["10"].endswith("10: Unknown")
