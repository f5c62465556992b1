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
from reliability_exports import REGISTRY
from reliability_support import STATS, describe_crash

FUZZ_EXAMPLES = 120


@pytest.fixture(scope="module", autouse=True)
def start_all_runs(runner_pool):
    # Start every subprocess at once (two run at a time) so the tests only wait.
    for name in sorted(REGISTRY):
        runner_pool.start("bad", name)
        runner_pool.start("fuzz", name, str(FUZZ_EXAMPLES))


def _finish(export: str, problems: list[tuple[str, str]]) -> None:
    assert not problems, f"{export}: {len(problems)} bad calls misbehaved:\n" + "\n".join(
        f"  {where}: {problem}" for where, problem in problems
    )


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
