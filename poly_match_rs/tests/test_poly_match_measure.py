"""measure_all.py / measure.py of lesson 1: every version is checked before it is timed.

A deliberately wrong stage (v4's pairs with one polygon swapped) must make
``measure_all`` fail with a message instead of printing a speedup.
"""

from __future__ import annotations

import dataclasses
import re
import subprocess
import sys
import textwrap

import pytest
from poly_match_testing import PY_PROJECT

from workshop.bench import Budget, measure_all_main, measure_scaling, measure_suite

sys.path.insert(0, str(PY_PROJECT))
import suites

SPEEDUP = re.compile(r"\s[\d,.]+x\s")  # "1.00x ", "4,566x " in a table row

WRONG_STAGE = textwrap.dedent(
    '''
    """v4 with one wrong answer: the first matched point gets another polygon."""
    from poly_match_v4 import *  # noqa: F403
    from poly_match_v4 import main as v4_main


    def main(polygons, points, max_dist=MAX_DIST):  # noqa: F405
        pairs = v4_main(polygons, points, max_dist)
        point, best = pairs[0]
        other = polygons[0] if best is not polygons[0] else polygons[1]
        pairs[0] = (point, other)
        return pairs
    '''
)

SUITES_WITH_WRONG_STAGE = textwrap.dedent(
    """
    import dataclasses
    import importlib.util

    # The lesson's suites.py, loaded from its path (another lesson has a `suites` too).
    spec = importlib.util.spec_from_file_location("poly_match_suites", "{suites_path}")
    suites = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(suites)

    SUITES = [
        dataclasses.replace(
            suites.POLY_MATCH, versions=["poly_match_v0", "poly_match_v5", "poly_match_wrong"]
        )
    ]
    """
)


@pytest.fixture
def wrong_stage(tmp_path, monkeypatch):
    (tmp_path / "poly_match_wrong.py").write_text(WRONG_STAGE)
    suites_path = PY_PROJECT / "suites.py"
    (tmp_path / "suites_with_wrong_stage.py").write_text(
        SUITES_WITH_WRONG_STAGE.replace("{suites_path}", str(suites_path))
    )
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.chdir(tmp_path)
    yield
    for name in ("poly_match_wrong", "suites_with_wrong_stage"):
        sys.modules.pop(name, None)


def test_measure_all_fails_on_a_wrong_stage(wrong_stage, capsys):
    status = measure_all_main("suites_with_wrong_stage", ["--quick"])
    out, err = capsys.readouterr()
    assert status == 1
    assert "ERROR: poly_match_wrong wrong result, so it was not timed." in err
    assert "1 of 100 matches differ; the first is match 0" in err
    [row] = [line for line in out.splitlines() if line.startswith("poly_match_wrong")]
    assert "WRONG RESULT" in row and not SPEEDUP.search(row)  # no time, no speedup
    [good] = [line for line in out.splitlines() if line.startswith("poly_match_v5 ")]
    assert SPEEDUP.search(good)  # the correct stage still got its speedup


def test_measure_suite_reports_the_wrong_stage(wrong_stage):
    suite = dataclasses.replace(
        suites.POLY_MATCH, versions=["poly_match_v0", "poly_match_wrong"], quick_params={}
    )
    report = measure_suite(suite, budget=Budget.quick())
    [bad] = report.failures
    assert bad.version == "poly_match_wrong" and bad.status == "wrong result"
    assert bad.times == [] and bad.speedup is None


@pytest.fixture
def lesson_suites_importable(monkeypatch):
    """`measure_all_main("suites")` imports this lesson's suites.py, whatever came before."""
    monkeypatch.chdir(PY_PROJECT)
    monkeypatch.syspath_prepend(str(PY_PROJECT))
    monkeypatch.delitem(sys.modules, "suites", raising=False)
    yield
    sys.modules.pop("suites", None)


def test_measure_all_quick_times_every_version(capsys, lesson_suites_importable):
    assert measure_all_main("suites", ["--quick", "--budget", "0.02"]) == 0
    out = capsys.readouterr().out
    for version in suites.POLY_MATCH.versions:
        [row] = [line for line in out.splitlines() if line.startswith(version + " ")]
        assert SPEEDUP.search(row), row


def test_scale_option_multiplies_points_and_polygons(capsys, lesson_suites_importable):
    argv = ["--quick", "--scale", "2", "--only", "poly_match_v4,poly_match_v5"]
    assert measure_all_main("suites", argv) == 0
    assert "2000 polygons, 200 points" in capsys.readouterr().out


def test_measure_scaling_checks_every_size():
    scaling = measure_scaling(
        suites.POLY_MATCH,
        ["poly_match_v5"],
        "scale",
        [1, 2],
        size=lambda params: 1000 * params["scale"],
        budget=Budget(seconds=0.01, min_runs=1),
    )
    assert [x for x, _ in scaling.series["poly_match_v5"]] == [1000, 2000]


def test_measure_py_command_line():
    """`python measure.py poly_match_v5`, as the seed lesson runs it."""
    proc = subprocess.run(
        [sys.executable, "measure.py", "poly_match_v5", "--quick"],
        cwd=PY_PROJECT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    assert "Took an avg of" in proc.stdout and "same result as poly_match_v0" in proc.stdout
