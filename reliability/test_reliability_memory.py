"""Resident memory stays flat over 10 000 calls of every export, good input or bad.

Each export runs in a process of its own (``reliability_runner.py memory``): a warm-up,
then 10 000 calls with the registry's small valid input and 10 000 calls cycling through
bad inputs (the error path must not leak either), with the resident set size read from
``/proc/self/statm`` before and after. The largest allocation of one call on big inputs
is measured by ``memory_report.py`` (see docs/errors.md).
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from reliability_exports import REGISTRY
from reliability_support import MEMORY, describe_crash

CALLS = 10_000
ALLOWED_GROWTH = 4 * 2**20  # "within a few MiB": allocator pools, interned strings
# Exports that take milliseconds a call (loading a model) make fewer calls.
SLOW_CALLS = 300


def calls_of(name: str) -> int:
    return SLOW_CALLS if "slow-call" in REGISTRY[name].tags else CALLS


@pytest.fixture(scope="module", autouse=True)
def start_all_runs(runner_pool):
    for name in sorted(REGISTRY):
        runner_pool.start("memory", name, str(calls_of(name)))


@pytest.mark.parametrize("name", sorted(REGISTRY))
def test_memory_stays_flat_over_many_calls(runner_pool, name):
    run = runner_pool.result("memory", name, str(calls_of(name)))
    assert run["returncode"] == 0 and run["report"], describe_crash(run)
    report = run["report"]
    MEMORY[name] = report
    assert report["good_growth"] <= ALLOWED_GROWTH, (
        f"{name}: {calls_of(name)} good calls grew the resident memory by "
        f"{report['good_growth'] / 2**20:.1f} MiB"
    )
    assert report["bad_growth"] <= ALLOWED_GROWTH, (
        f"{name}: {calls_of(name)} bad calls grew the resident memory by "
        f"{report['bad_growth'] / 2**20:.1f} MiB"
    )


def test_the_memory_probe_sees_a_leak():
    # The probe above must be able to fail: 16 MiB kept alive shows up in it. Measured in a
    # fresh process, like the probe: in this long-lived one, glibc may serve the array from
    # pages freed earlier that are still resident, and the rise would read as 0.
    probe = (
        "import numpy as np\n"
        "from reliability_runner import rss_bytes\n"
        "before = rss_bytes()\n"
        "kept = np.ones(2 * 2**20)  # 16 MiB, written, so resident\n"
        "print(rss_bytes() - before)\n"
    )
    here = Path(__file__).parent
    done = subprocess.run(
        [sys.executable, "-c", probe], cwd=here, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    assert int(done.stdout) >= 15 * 2**20


def test_the_memory_report_measures_numpy_and_rust_allocations():
    # memory_report.py on a small input: the rows that stratified_train_test_split
    # copies with NumPy are traced; v5's Polygon copies its vertices in Rust (RSS only).
    from memory_report import CASES, measure

    setup, _, _ = CASES["ml_demos_rs.stratified_train_test_split (n x 2 rows)"]
    rows = measure(setup.format(n=200_000))
    assert rows["traced_peak"] >= 200_000 * 2 * 8  # the X_train and X_test rows
    setup, _, _ = CASES["poly_match_rs.v5.Polygon (n vertices)"]
    polygon = measure(setup.format(n=1_000_000))
    assert polygon["traced_peak"] < 2**20  # nothing through Python's allocator
    assert polygon["peak_rss_rise"] >= 16 * 10**6  # the [x, y] pairs in Rust


def test_the_memory_report_is_current():
    # memory_report.md has one row per case of memory_report.py, at the big sizes: a
    # case added, removed or resized without `python reliability/memory_report.py`
    # (which rewrites the report) fails here.
    from memory_report import REPORT, report_labels

    table = [line for line in REPORT.read_text().splitlines() if line.startswith("| ")]
    labels = [line.split(" | ")[0].removeprefix("| ") for line in table[1:]]  # after the header
    assert labels == report_labels(), "run `python reliability/memory_report.py` to refresh it"
