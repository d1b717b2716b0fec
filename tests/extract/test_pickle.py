"""The extractor crosses into worker processes pickled: a part that cannot be pickled (a
lambda, a local function) would leave `tracker fetch` without its workers."""

from __future__ import annotations

import pickle

from tests.conftest import ROOT
from tracker.extract import load_extractor

CONFIG = ROOT / "config"


def test_the_configured_extractor_pickles_and_extracts_the_same() -> None:
    extractor = load_extractor(
        CONFIG / "vendors.toml", CONFIG / "catalog", CONFIG / "attributions.toml"
    )
    copy = pickle.loads(pickle.dumps(extractor))
    text = "Luxshare will assemble the device; TSMC supplies the 6.1-inch OLED panels to Apple."
    assert copy.extract("Deal", text) == extractor.extract("Deal", text)
