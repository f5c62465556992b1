"""measure_all.py / measure.py of lesson 1: every version is checked before it is timed.

A deliberately wrong stage (v4's pairs with one polygon swapped) must make
``measure_all`` fail with a message instead of printing a speedup.
"""

from __future__ import annotations

import dataclasses
import sys
import textwrap

import pytest
from poly_match_testing import PY_PROJECT, lesson_suites, run_script

from workshop.bench import Budget, measure_all_main, measure_scaling, measure_suite
from workshop.testing import SPEEDUP, timed_row

suites = lesson_suites()


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

    import poly_match_suites as suites

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
    (tmp_path / "suites_with_wrong_stage.py").write_text(SUITES_WITH_WRONG_STAGE)
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
def in_py_project(monkeypatch):
    """Run from the lesson's py_project folder, as `python measure_all.py` does."""
    monkeypatch.chdir(PY_PROJECT)


def test_measure_all_quick_times_every_version(capsys, in_py_project):
    assert measure_all_main("poly_match_suites", ["--quick", "--budget", "0.02"]) == 0
    out = capsys.readouterr().out
    for version in suites.POLY_MATCH.versions:
        timed_row(out, version)
    header = next(line for line in out.splitlines() if line.startswith("version "))
    assert "x limit" in header
    [limit] = [line for line in out.splitlines() if line.startswith("limit ")]
    assert "floor: read every vertex and point once" in limit and "ERROR" not in limit


def test_scale_option_multiplies_points_and_polygons(capsys, in_py_project):
    argv = ["--quick", "--scale", "2", "--only", "poly_match_v4,poly_match_v5"]
    assert measure_all_main("poly_match_suites", argv) == 0
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
    """`python measure.py poly_match_v5`, as the original workshop runs it."""
    proc = run_script("measure.py", "poly_match_v5", "--quick")
    assert proc.returncode == 0, proc.stderr
    assert "Took an avg of" in proc.stdout and "same result as poly_match_v0" in proc.stdout
