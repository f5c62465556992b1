"""What every lesson's tests share: the lesson's ``py_project/`` importable, its stage
modules, its suites, and its scripts run as a student runs them.

Each lesson has a small ``tests/<stem>_testing.py`` (a name of its own, so that pytest
can collect every lesson in one run) made of one line::

    TESTING = LessonTesting("text_prep_rs")

and its tests use ``TESTING.version("text_rust_port")``, ``TESTING.suites()``,
``TESTING.run_script("measure_all.py", "--quick")``.
"""

from __future__ import annotations

import importlib
import re
import subprocess
import sys
from pathlib import Path
from types import ModuleType

from workshop.lessons import Lesson, lesson

# A speedup cell of a measure_all table row: "1.00x", "4,566x" (between blanks).
SPEEDUP = re.compile(r"\s[\d,.]+x(?=\s|$)")


def timed_row(output: str, version: str) -> str:
    """The table row of `version` in measure_all's output, asserting that it was timed
    (it has a speedup; a version in error or not implemented has none)."""
    rows = [line for line in output.splitlines() if line.startswith(version + " ")]
    assert rows, f"no table row for {version}:\n{output}"
    assert SPEEDUP.search(rows[-1]), f"{version} was not timed: {rows[-1]}"
    return rows[-1]


class LessonTesting:
    """The test helpers of one lesson (its folder name, e.g. ``"poly_match_rs"``)."""

    def __init__(self, folder: str) -> None:
        self.lesson: Lesson = lesson(folder)
        # Appended, not prepended: the stage modules have names of their own, and no
        # lesson's py_project must shadow an installed package.
        if str(self.py_project) not in sys.path:
            sys.path.append(str(self.py_project))

    @property
    def py_project(self) -> Path:
        return self.lesson.py_project

    def version(self, name: str) -> ModuleType:
        """A stage module of py_project, e.g. ``version("kmeans_rust_scratch")``."""
        return importlib.import_module(name)

    def suites(self) -> ModuleType:
        """The lesson's ``py_project/<stem>_suites.py``."""
        return self.lesson.suites()

    def run_script(self, *args: str, timeout: float = 600) -> subprocess.CompletedProcess:
        """Run a py_project script (``measure.py``, ``measure_all.py``) with this Python,
        from the py_project folder, as the README tells students to."""
        return subprocess.run(
            [sys.executable, *args],
            cwd=self.py_project,
            capture_output=True,
            text=True,
            timeout=timeout,
        )
