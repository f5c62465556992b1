"""Bad input, in a process of its own per export: a clear error, never a panic or a crash.

Each export gets (1) its fixed battery of bad inputs (``reliability_inputs.bad_cases``:
wrong dtype, ndim, shape, empty, NaN/inf, huge values, strided/Fortran/reversed views,
wrong Python types, out-of-range parameters) and (2) random bad inputs drawn by
hypothesis. Every call must raise TypeError or ValueError whose message (or PyO3's note)
names the argument, must not raise ``PanicException`` and must leave every input array
unchanged. The calls run in ``reliability_runner.py`` subprocesses: a segfault or an abort
fails the test instead of killing pytest.
"""

from __future__ import annotations

import pytest
from conftest import STATS, describe_crash
from reliability_exports import REGISTRY

FUZZ_EXAMPLES = 120

# Defects found by these tests in files this suite may not change, with the fix to make.
# A test that meets only known defects is an expected failure (xfail); once a defect is
# fixed, test_known_defects_are_still_there fails until its entry is removed.
KNOWN_DEFECTS = {
    (
        "poly_match_rs.v5.find_best_polygons",
        "max_dist",
        "raised OverflowError",
    ): "lib_v5.rs reads max_dist as a bare f64: max_dist=10**400 raises OverflowError. "
    "Fix: `#[pyo3(from_py_with = checks::max_dist_arg)] max_dist: f64`, as in v1-v4.",
}


def _known(export: str, argument: str, problem: str) -> str | None:
    for (name, arg, text), reason in KNOWN_DEFECTS.items():
        if name == export and argument.startswith(arg) and text in problem:
            return reason
    return None


@pytest.fixture(scope="module", autouse=True)
def start_all_runs(runner_pool):
    # Start every subprocess at once (two run at a time) so the tests only wait.
    for name in sorted(REGISTRY):
        runner_pool.start("bad", name)
        runner_pool.start("fuzz", name, str(FUZZ_EXAMPLES))


def _finish(export: str, problems: list[tuple[str, str]]) -> None:
    unknown = [
        (where, problem) for where, problem in problems if not _known(export, where, problem)
    ]
    assert not unknown, f"{export}: {len(unknown)} bad calls misbehaved:\n" + "\n".join(
        f"  {where}: {problem}" for where, problem in unknown
    )
    if problems:
        reasons = {_known(export, where, problem) for where, problem in problems}
        pytest.xfail("known defect: " + " ".join(sorted(r for r in reasons if r)))


@pytest.mark.parametrize("name", sorted(REGISTRY))
def test_bad_inputs_raise_a_clear_error(runner_pool, name):
    run = runner_pool.result("bad", name)
    if run["returncode"] != 0 or run["report"] is None:
        STATS["crashes"] += 1
        pytest.fail(describe_crash(run))
    cases = run["report"]["cases"]
    STATS["bad_inputs"] += len(cases)
    STATS["panics"] += sum(case["panic"] for case in cases)
    STATS["mutations"] += sum(case["mutated"] for case in cases)
    assert len(cases) >= 2
    _finish(name, [(case["case"], case["problem"]) for case in cases if case["problem"]])


@pytest.mark.parametrize("name", sorted(REGISTRY))
def test_random_bad_inputs_raise_a_clear_error(runner_pool, name):
    run = runner_pool.result("fuzz", name, str(FUZZ_EXAMPLES))
    if run["returncode"] != 0 or run["report"] is None:
        STATS["crashes"] += 1
        pytest.fail(describe_crash(run))
    report = run["report"]
    STATS["fuzz_examples"] += report["examples"]
    STATS["panics"] += report["panics"]
    STATS["mutations"] += report["mutations"]
    if REGISTRY[name].arguments:
        assert report["examples"] >= FUZZ_EXAMPLES // 2, "hypothesis ran too few examples"
    _finish(
        name,
        [(p["argument"], f"{p['problem']} (value {p['value']})") for p in report["problems"]],
    )


def test_known_defects_are_still_there(runner_pool):
    """An entry of KNOWN_DEFECTS whose defect is gone must be removed (no stale excuses)."""
    for export, argument, text in KNOWN_DEFECTS:
        run = runner_pool.result("bad", export)
        assert run["report"] is not None, describe_crash(run)
        seen = [
            case
            for case in run["report"]["cases"]
            if case["case"].startswith(argument) and text in case["problem"]
        ]
        assert seen, f"{export}: {text!r} no longer happens: remove it from KNOWN_DEFECTS"
