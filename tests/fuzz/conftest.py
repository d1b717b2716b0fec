"""`make fuzz` prints the worst CPU time per article (and per feed document) the properties
met, and the peak memory of the run, after the tests."""

from __future__ import annotations

import os
import resource

import pytest


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    if not os.environ.get("TRACKER_FUZZ_REPORT"):
        return
    from tests.fuzz.test_fuzz import EXAMPLES, WORST

    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    terminalreporter.write_line(f"fuzz: {EXAMPLES} examples per property; peak RSS {peak:.0f} MB")
    for what, (seconds, example) in sorted(WORST.items()):
        terminalreporter.write_line(f"fuzz: worst CPU per {what}: {seconds:.3f} s ({example})")
