"""The helpers of this lesson's tests (see workshop/testing.py): py_project importable,
its stage modules, its suites, its scripts."""

import os
import subprocess
import sys

from workshop.testing import LessonTesting

TESTING = LessonTesting("distinct_count_rs")
version = TESTING.version
lesson_suites = TESTING.suites
run_script = TESTING.run_script


def run_python(code: str, hash_seed: str) -> str:
    """The output of `python -c code` in py_project with PYTHONHASHSEED=`hash_seed` (the
    salt of Python's string hashes), or an AssertionError with its error output."""
    done = subprocess.run(
        [sys.executable, "-c", code],
        cwd=TESTING.py_project,
        env={**os.environ, "PYTHONHASHSEED": hash_seed},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout
