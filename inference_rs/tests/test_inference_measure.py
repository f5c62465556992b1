"""measure.py / measure_all.py of the inference lesson, and the check each stage passes
before it is timed (the results rule must catch a wrong answer and allow near-ties)."""

from __future__ import annotations

import sys
import types

import numpy as np
import pytest
from inference_testing import lesson_suites, run_script

from workshop.bench import Budget, ResultMismatch, measure_suite


def test_measure_all_quick_prints_both_tables_with_every_row():
    done = run_script("measure_all.py", "--quick")
    assert done.returncode == 0, done.stdout + done.stderr
    suites = lesson_suites()
    for suite in suites.SUITES:
        assert suite.title in done.stdout
    tables = done.stdout.split("Measuring ")[1:]
    assert len(tables) == 2
    for table in tables:
        for name in suites.VERSIONS:
            row = next(line for line in table.splitlines() if line.startswith(name + " "))
            assert "x " in row, row  # a speedup column, not an error or a missing module


def test_measure_one_stage():
    done = run_script("measure.py", "infer_rust_scratch", "--quick")
    assert done.returncode == 0, done.stderr
    assert "same result as infer_py_sklearn" in done.stdout


def probabilities(rows: list[list[float]]) -> np.ndarray:
    return np.asarray(rows, dtype=np.float32)


def test_results_rule_accepts_small_differences_and_near_ties():
    check = lesson_suites().check_results
    expected = probabilities([[0.7, 0.2, 0.1], [0.50003, 0.49997, 0.0]])
    check(expected, expected + 5e-5)
    # Row 1 is a near-tie (gap 6e-5 < 1e-4): its class may flip.
    check(expected, probabilities([[0.7, 0.2, 0.1], [0.49998, 0.50002, 0.0]]))


@pytest.mark.parametrize(
    ("actual", "words"),
    [
        ([[0.7, 0.2, 0.1], [0.9, 0.1, 0.0]], "more than 0.0001 away"),
        ([[0.7, 0.2], [0.9, 0.1]], "shape"),
        ([[np.nan, 0.2, 0.1], [0.9, 0.05, 0.05]], "NaN"),
    ],
)
def test_results_rule_rejects_wrong_answers(actual, words):
    expected = probabilities([[0.7, 0.2, 0.1], [0.9, 0.05, 0.05]])
    with pytest.raises(ResultMismatch, match=words):
        lesson_suites().check_results(expected, probabilities(actual))


def test_results_rule_rejects_a_flipped_class_that_is_no_near_tie():
    expected = probabilities([[0.50006, 0.49994]])
    actual = probabilities([[0.49999, 0.50001]])  # each within 1e-4, but the gap was 1.2e-4
    with pytest.raises(ResultMismatch, match="another class"):
        lesson_suites().check_results(expected, actual)


def test_a_wrong_stage_fails_measure_all_and_is_never_timed(monkeypatch):
    """A fast wrong answer must show up as an error, not as a speedup."""
    wrong = types.ModuleType("infer_rust_wrong")
    good = __import__("infer_rust_scratch")
    wrong.load_model = good.load_model

    def main(model, X):
        out = model.predict_proba(X)
        return out[:, ::-1].copy()  # the classes in the wrong order

    wrong.main = main
    monkeypatch.setitem(sys.modules, "infer_rust_wrong", wrong)
    suite = lesson_suites().INFERENCE
    import dataclasses

    suite = dataclasses.replace(suite, versions=[*suite.versions[:1], "infer_rust_wrong"])
    report = measure_suite(suite, params={"n_images": 300}, budget=Budget.quick())
    bad = report.measurements[-1]
    assert bad.status == "wrong result" and not bad.times
