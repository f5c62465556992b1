"""Fixtures of the reliability tests, and the counts printed at the end of the run.

The shared pieces live in reliability_support.py (see there why not here).
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
if str(HERE) not in sys.path:
    sys.path.insert(0, str(HERE))

from reliability_support import MEMORY, STATS, RunnerPool  # noqa: E402


@pytest.fixture(scope="session")
def runner_pool():
    pool = RunnerPool()
    yield pool
    pool.pool.shutdown(wait=True, cancel_futures=True)


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    if not STATS and not MEMORY:
        return
    keys = [
        ("exports", "exports covered"),
        ("bad_inputs", "fixed bad inputs tried"),
        ("fuzz_examples", "random bad inputs (hypothesis, subprocess)"),
        ("hypothesis_valid", "random valid inputs (hypothesis)"),
        ("panics", "panics reaching Python"),
        ("crashes", "crashed runner processes"),
        ("mutations", "input mutations"),
        ("thread_calls", "calls from 8 threads"),
    ]
    terminalreporter.section("reliability counts")
    for key, label in keys:
        if key in STATS or key in {"panics", "crashes", "mutations"}:
            terminalreporter.write_line(f"{label}: {STATS[key]}")
    for name, report in sorted(MEMORY.items()):
        terminalreporter.write_line(
            f"memory {name}: {report['calls']} good calls "
            f"{report['good_growth'] / 2**20:+.2f} MiB, "
            f"{report['calls']} bad calls {report['bad_growth'] / 2**20:+.2f} MiB"
        )
