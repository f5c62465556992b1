"""Shared pieces of the reliability tests: the subprocess runs and the counts.

The subprocess runs (bad inputs, random bad inputs, memory) are started once per
session, two at a time (the machine has two cores), and each test reads its export's
report. (A module with a name of its own, not conftest.py: docs/ has a conftest too, and
`from conftest import ...` would find whichever pytest imported first.)
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections import Counter
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path

HERE = Path(__file__).resolve().parent
if str(HERE) not in sys.path:
    sys.path.insert(0, str(HERE))

RUNNER = HERE / "reliability_runner.py"

# Counts for the closing summary (filled by the tests).
STATS: Counter[str] = Counter()
MEMORY: dict[str, dict] = {}


class RunnerPool:
    """Starts `reliability_runner.py` runs in the background and hands out their reports."""

    def __init__(self) -> None:
        self.pool = ThreadPoolExecutor(max_workers=2)
        self.runs: dict[tuple[str, ...], Future] = {}

    def start(self, *argv: str) -> None:
        if argv not in self.runs:
            self.runs[argv] = self.pool.submit(run_isolated, *argv)

    def result(self, *argv: str) -> dict:
        self.start(*argv)
        return self.runs[argv].result()


def run_isolated(*argv: str, timeout: float = 600) -> dict:
    """One runner process; a crash comes back as a report with its return code."""
    env = {**os.environ, "RUST_BACKTRACE": "0", "PYTHONFAULTHANDLER": "1"}
    completed = subprocess.run(
        [sys.executable, str(RUNNER), *argv],
        capture_output=True,
        text=True,
        timeout=timeout,
        cwd=HERE,
        env=env,
    )
    report = None
    for line in completed.stdout.splitlines():
        if line.startswith("RELIABILITY-REPORT "):
            report = json.loads(line.removeprefix("RELIABILITY-REPORT "))
    return {
        "returncode": completed.returncode,
        "stderr": completed.stderr[-3000:],
        "report": report,
    }


def describe_crash(run: dict) -> str:
    code = run["returncode"]
    how = f"killed by signal {-code}" if code < 0 else f"exit code {code}"
    return f"the runner process did not finish cleanly ({how}):\n{run['stderr']}"
