"""Tests of the benchmark harness itself: statistics, ordering, the result check, the CLI."""

from __future__ import annotations

import gc
import json
import sys
import textwrap

import pytest

from workshop import bench
from workshop.bench import Budget, Measurement, ResultMismatch, Suite

# --------------------------------------------------------------------------------------
# A toy lesson written to a temporary folder: a baseline that sums a range, a correct
# version, a wrong one, an unfinished one and one that crashes. Each counts its calls.

TOY_MODULES = {
    "toy_base": "def main(n):\n    CALLS.append(n)\n    return sum(range(n))\n",
    "toy_fast": "def main(n):\n    CALLS.append(n)\n    return n * (n - 1) // 2\n",
    "toy_wrong": "def main(n):\n    CALLS.append(n)\n    return n * (n - 1) // 2 + 1\n",
    "toy_todo": (
        "def main(n):\n    CALLS.append(n)\n"
        "    raise NotImplementedError('exercise toy: fill in toy_todo.py')\n"
    ),
    "toy_crash": "def main(n):\n    CALLS.append(n)\n    return {}['missing']\n",
}

TOY_SUITES = textwrap.dedent(
    """
    from workshop.bench import ResultMismatch, Suite

    def compare(expected, actual):
        if expected != actual:
            raise ResultMismatch(f"got {actual}, expected {expected}")

    TOY = Suite(
        name="toy",
        title="Toy sum",
        versions=["toy_base", "toy_fast", "toy_wrong", "toy_todo", "toy_crash"],
        prepare=lambda module, seed, n: n + seed,
        run=lambda module, n: module.main(n),
        compare=compare,
        params={"n": 2000},
        quick_params={"n": 10},
        describe=lambda n: f"n={n}",
    )
    ONLY_GOOD = Suite(
        name="good",
        title="Only correct versions",
        versions=["toy_base", "toy_fast"],
        prepare=lambda module, seed, n: n + seed,
        run=lambda module, n: module.main(n),
        compare=compare,
        params={"n": 500},
    )
    SUITES = [TOY, ONLY_GOOD]
    """
)


@pytest.fixture
def toy_lesson(tmp_path, monkeypatch):
    for name, body in TOY_MODULES.items():
        (tmp_path / f"{name}.py").write_text("CALLS = []\n" + body)
    (tmp_path / "toy_suites.py").write_text(TOY_SUITES)
    monkeypatch.chdir(tmp_path)
    monkeypatch.syspath_prepend(str(tmp_path))
    for name in [*TOY_MODULES, "toy_suites"]:
        sys.modules.pop(name, None)
    # Keep the thread settings of the test session untouched by the CLI tests.
    for var in bench.THREAD_ENV_VARS:
        monkeypatch.delenv(var, raising=False)
    yield bench.load_suites("toy_suites")
    for name in [*TOY_MODULES, "toy_suites"]:
        sys.modules.pop(name, None)


def calls(module_name: str) -> list[int]:
    return sys.modules[module_name].CALLS


FAST = Budget(seconds=0.01, min_runs=2, max_runs=5)


# --------------------------------------------------------------------------------------
# Statistics


def test_median_iqr_and_best_of_known_times():
    m = Measurement("v", "ok", times=[5.0, 1.0, 3.0, 2.0, 4.0])
    assert m.median == 3.0
    assert m.best == 1.0
    assert m.iqr == pytest.approx(2.0)  # quartiles 2 and 4 (inclusive method)


def test_iqr_of_a_single_run_is_zero():
    assert Measurement("v", "ok", times=[0.25]).iqr == 0.0


def test_time_runs_respects_min_and_max_runs_and_restores_gc():
    counter = []
    assert gc.isenabled()
    times = bench.time_runs(lambda: counter.append(1), Budget(seconds=0.0, min_runs=4))
    assert len(times) == len(counter) == 4
    assert all(t >= 0 for t in times)
    assert gc.isenabled()
    many = bench.time_runs(lambda: None, Budget(seconds=10.0, min_runs=1, max_runs=7))
    assert len(many) == 7  # the run cap ends the loop long before the 10 s budget


def test_time_runs_pauses_the_garbage_collector_during_the_calls():
    seen = []
    bench.time_runs(lambda: seen.append(gc.isenabled()), Budget(seconds=0.0, min_runs=2))
    assert seen == [False, False]


def test_time_runs_stops_at_the_time_budget():
    times = bench.time_runs(lambda: None, Budget(seconds=0.02, min_runs=1, max_runs=10**9))
    assert sum(times) < 0.5


@pytest.mark.parametrize(
    ("seconds", "text"),
    [(2.5, "2.5 s"), (0.1234, "123 ms"), (4.2e-5, "42 µs"), (3e-8, "30 ns"), (250.0, "250 s")],
)
def test_format_seconds(seconds, text):
    assert bench.format_seconds(seconds) == text


# --------------------------------------------------------------------------------------
# Ordering, speedups and the result check


def test_baseline_runs_first_and_speedups_are_relative_to_it(toy_lesson):
    report = bench.measure_suite(toy_lesson["good"], budget=FAST)
    assert [m.version for m in report.measurements] == ["toy_base", "toy_fast"]
    base, fast = report.measurements
    assert base.speedup == pytest.approx(1.0)
    assert fast.speedup == pytest.approx(base.median / fast.median)
    assert fast.speedup > 1  # a closed formula beats summing 500 numbers


def test_every_version_gets_the_same_input_from_the_seed(toy_lesson):
    bench.measure_suite(toy_lesson["good"], params={"n": 77}, seed=3, budget=FAST)
    assert set(calls("toy_base")) == {80}
    assert set(calls("toy_fast")) == {80}


def test_wrong_result_is_reported_and_never_timed(toy_lesson):
    report = bench.measure_suite(toy_lesson["toy"], budget=FAST)
    by_name = {m.version: m for m in report.measurements}
    wrong = by_name["toy_wrong"]
    assert wrong.status == "wrong result"
    assert "expected" in wrong.message
    assert wrong.times == [] and wrong.speedup is None
    assert len(calls("toy_wrong")) == 1  # the checked warm-up only
    assert wrong in report.failures


def test_unfinished_version_is_not_implemented_and_the_others_go_on(toy_lesson):
    report = bench.measure_suite(toy_lesson["toy"], budget=FAST)
    by_name = {m.version: m for m in report.measurements}
    assert by_name["toy_todo"].status == "not implemented"
    assert "fill in toy_todo.py" in by_name["toy_todo"].message
    assert by_name["toy_todo"] not in report.failures
    assert by_name["toy_fast"].ok  # listed before, still timed
    assert by_name["toy_crash"].status == "error"
    assert "KeyError" in by_name["toy_crash"].message
    assert [m.version for m in report.measurements] == list(toy_lesson["toy"].versions)


def test_baseline_is_checked_reference_even_when_not_timed(toy_lesson):
    report = bench.measure_suite(toy_lesson["toy"], versions=["toy_wrong"], budget=FAST)
    assert [m.version for m in report.measurements] == ["toy_wrong"]
    assert report.measurements[0].status == "wrong result"
    assert len(calls("toy_base")) == 1  # run once, untimed, to get the reference


def test_broken_baseline_stops_the_suite(toy_lesson, monkeypatch):
    suite = toy_lesson["toy"]
    broken = Suite(**{**suite.__dict__, "versions": ["toy_crash", "toy_fast"]})
    with pytest.raises(bench.BenchmarkFailed, match="baseline toy_crash could not run"):
        bench.measure_suite(broken, budget=FAST)


def test_unknown_version_is_rejected(toy_lesson):
    with pytest.raises(ValueError, match="unknown version"):
        bench.measure_suite(toy_lesson["good"], versions=["toy_nope"], budget=FAST)


def test_table_shows_every_row_and_status(toy_lesson):
    table = bench.measure_suite(toy_lesson["toy"], budget=FAST).table()
    lines = table.splitlines()
    assert lines[0].startswith("Toy sum: n=2000, seed 0")
    assert "speedup" in lines[1]
    rows = {line.split()[0]: line for line in lines[3:]}
    assert rows["toy_base"].split()[-1] == "1.00x"
    assert "not implemented yet" in rows["toy_todo"]
    assert "WRONG RESULT" in rows["toy_wrong"]
    assert "ERROR" in rows["toy_crash"]


def test_result_mismatch_is_an_assertion_error():
    assert issubclass(ResultMismatch, AssertionError)


# --------------------------------------------------------------------------------------
# Command line


def test_measure_all_fails_on_a_wrong_version_and_writes_json(toy_lesson, tmp_path, capsys):
    out = tmp_path / "results.json"
    code = bench.measure_all_main("toy_suites", ["toy", "--quick", "--json", str(out)])
    captured = capsys.readouterr()
    assert code == 1
    assert "toy_wrong wrong result, so it was not timed" in captured.err
    assert "[5/5] toy_crash" in captured.out  # a progress line per version
    data = json.loads(out.read_text())
    assert data[0]["suite"] == "toy"
    assert data[0]["params"] == {"n": 10}  # --quick uses the small sizes
    statuses = {r["version"]: r["status"] for r in data[0]["results"]}
    assert statuses == {
        "toy_base": "ok",
        "toy_fast": "ok",
        "toy_wrong": "wrong result",
        "toy_todo": "not implemented",
        "toy_crash": "error",
    }


def test_measure_all_succeeds_when_every_version_is_right(toy_lesson, capsys):
    assert bench.measure_all_main("toy_suites", ["good", "--quick", "--n", "50"]) == 0
    assert "Only correct versions: seed 0, " in capsys.readouterr().out
    assert set(calls("toy_fast")) == {50}  # the size option reached prepare()


def test_measure_all_pins_threads_alike(toy_lesson):
    bench.measure_all_main("toy_suites", ["good", "--quick", "--threads", "1"])
    assert {bench.os.environ[v] for v in bench.THREAD_ENV_VARS} == {"1"}


def test_measure_one_version(toy_lesson, capsys):
    assert bench.measure_main("toy_suites", ["toy_fast", "--quick"]) == 0
    out = capsys.readouterr().out
    assert "Measuring `toy_fast`" in out
    assert "same result as toy_base" in out
    assert bench.measure_main("toy_suites", ["toy_wrong", "--quick"]) == 1
    assert bench.measure_main("toy_suites", ["toy_todo", "--quick"]) == 2


def test_measure_all_plot(toy_lesson, tmp_path):
    chart = tmp_path / "speedups.png"
    assert bench.measure_all_main("toy_suites", ["good", "--quick", "--plot", str(chart)]) == 0
    assert chart.stat().st_size > 1000


def test_another_baseline_can_be_the_reference(toy_lesson, capsys):
    code = bench.measure_all_main(
        "toy_suites", ["good", "--quick", "--baseline", "toy_fast", "--only", "toy_base"]
    )
    assert code == 0
    assert calls("toy_fast")  # ran as the reference
    out = capsys.readouterr().out
    assert "toy_base" in out


def test_unknown_baseline_is_rejected(toy_lesson):
    with pytest.raises(ValueError, match="unknown baseline"):
        toy_lesson["good"].with_baseline("toy_nope")
