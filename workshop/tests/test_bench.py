"""Tests of the benchmark harness itself: statistics, ordering, the result check, the CLI."""

from __future__ import annotations

import gc
import json
import re
import sys
import textwrap

import pytest

from workshop import bench
from workshop.bench import Budget, Measurement, ResultMismatch, Suite

# --------------------------------------------------------------------------------------
# A toy lesson written to a temporary folder: a baseline that sums a range, a correct
# version, a wrong one, an unfinished one (with the message of `todo_exercise!`), one that
# uses the unfinished one's code and one that crashes. Each counts its calls.

TODO_TASK = (
    "sum the numbers from zero to n, one after the other, in a loop that a student writes "
    "after reading the lesson's explanation of ranges and iterators"
)
TODO_MESSAGE = f"exercise toy_todo is not done yet: {TODO_TASK} (in toy_rs/src/lib_todo.rs)"

TOY_MODULES = {
    "toy_base": "def main(n):\n    CALLS.append(n)\n    return sum(range(n))\n",
    "toy_fast": "def main(n):\n    CALLS.append(n)\n    return n * (n - 1) // 2\n",
    "toy_wrong": "def main(n):\n    CALLS.append(n)\n    return n * (n - 1) // 2 + 1\n",
    "toy_todo": (
        f"def main(n):\n    CALLS.append(n)\n    raise NotImplementedError({TODO_MESSAGE!r})\n"
    ),
    "toy_blocked": "from toy_todo import main\n",
    "toy_crash": "def main(n):\n    CALLS.append(n)\n    return {}['missing']\n",
}
# toy_blocked takes toy_todo's main (and its CALLS): it has no list of its own.
COUNTED = [name for name in TOY_MODULES if name != "toy_blocked"]

TOY_SUITES = textwrap.dedent(
    """
    from workshop.bench import DataSource, Limit, ResultMismatch, Suite

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
    FLOOR_INPUTS = []  # what the floor was given, to check it is the versions' input


    def read_once(n):
        FLOOR_INPUTS.append(n)
        return n


    FLOORED = Suite(
        name="floored",
        title="Toy sum with a floor",
        versions=["toy_base", "toy_fast", "toy_todo", "toy_blocked"],
        prepare=lambda module, seed, n: n + seed,
        run=lambda module, n: module.main(n),
        compare=compare,
        params={"n": 3000},
        quick_params={"n": 20},
        describe=lambda n: f"n={n}",
        labels={
            "toy_base": "sum(range(n)), the baseline",
            "toy_fast": "the closed formula n (n - 1) / 2, which a long description explains at "
            "great length so that it has to wrap within its column of the table",
            "toy_todo": "a loop in Rust",
            "toy_blocked": "uses the loop of toy_todo",
        },
        limit=Limit("reading n once", run=read_once, prepare=lambda n: n * 10),
        data_sources={
            "real": DataSource("a number from the real world", lambda module, seed, n: 4321),
        },
    )


    def broken_floor(data):
        raise RuntimeError("the floor's buffer is missing")


    BROKEN_FLOOR = Suite(
        name="broken_floor",
        title="Toy sum with a floor that raises",
        versions=["toy_base", "toy_fast"],
        prepare=lambda module, seed, n: n + seed,
        run=lambda module, n: module.main(n),
        compare=compare,
        params={"n": 200},
        limit=Limit("a floor with a bug", run=broken_floor),
    )
    SUITES = [TOY, ONLY_GOOD, FLOORED, BROKEN_FLOOR]
    """
)


@pytest.fixture
def toy_lesson(tmp_path, monkeypatch):
    for name, body in TOY_MODULES.items():
        (tmp_path / f"{name}.py").write_text(("CALLS = []\n" if name in COUNTED else "") + body)
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
    assert by_name["toy_todo"].message == TODO_MESSAGE
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
    assert lines[0].startswith("Toy sum: n=2000, data generated from seed 0, ")
    assert "speedup" in lines[1] and "x limit" not in lines[1]  # this suite has no floor
    rows = table_rows(table)
    assert rows["toy_base"].split()[-1] == "1.00x"
    assert "not implemented yet (exercise toy_todo)" in rows["toy_todo"]
    assert "WRONG RESULT" in rows["toy_wrong"]
    assert "ERROR" in rows["toy_crash"]
    # Below the table, the full message of every row that was not timed.
    assert "toy_crash (error): KeyError: 'missing'" in table
    assert "toy_wrong (wrong result): got" in table


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
    assert "Only correct versions, data generated from seed 0, " in capsys.readouterr().out
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


# --------------------------------------------------------------------------------------
# Unfinished stages: short cells, the full message once, every line within 120 characters


def table_rows(text: str) -> dict[str, str]:
    """The rows of the tables in `text` by their first cell (the notes below are skipped)."""
    rows: dict[str, str] = {}
    for line in text.splitlines():
        if re.match(r"(toy_\w+|limit) ", line):
            rows.setdefault(line.split()[0], line)
    return rows


def cells(row: str) -> list[str]:
    return re.split(r"\s{2,}", row.strip())


def assert_within_width(text: str, width: int = bench.MAX_WIDTH) -> None:
    long = [line for line in text.splitlines() if len(line) > width]
    assert not long, f"{len(long)} line(s) over {width} characters:\n" + "\n".join(long)


def test_unfinished_and_blocked_stages_get_short_cells_and_one_full_message(toy_lesson, capsys):
    assert bench.measure_all_main("toy_suites", ["floored", "--quick"]) == 0
    out = capsys.readouterr().out
    assert_within_width(out)
    rows = table_rows(out)
    assert "not implemented yet (exercise toy_todo)" in rows["toy_todo"]
    assert rows["toy_todo"].rstrip().endswith("a loop in Rust")  # the description is kept
    # toy_blocked's own code is done, but it calls toy_todo's: it waits for that exercise.
    assert "needs exercise toy_todo" in rows["toy_blocked"]
    assert rows["toy_blocked"].rstrip().endswith("uses the loop of toy_todo")
    # The full message, once for both stages, after the table (wrapped, so compare words).
    words = " ".join(out.split())
    assert words.count(TODO_TASK) == 1
    assert f"toy_todo, toy_blocked: {TODO_MESSAGE}" in words
    assert words.index(TODO_TASK) > words.index("limit ")  # below the table's last row


def test_long_descriptions_wrap_within_their_column(toy_lesson):
    table = bench.measure_suite(toy_lesson["floored"], budget=FAST).table()
    assert_within_width(table)
    lines = table.splitlines()
    [row] = [i for i, line in enumerate(lines) if line.startswith("toy_fast ")]
    column = lines[row].index("the closed formula")
    follow = lines[row + 1]
    assert follow[:column].strip() == "" and follow[column] != " "  # same column, next line
    label = toy_lesson["floored"].label("toy_fast")
    assert " ".join(lines[row][column:].split() + follow.split()) in label


def test_status_cell_names_the_exercise():
    def cell(version, message):
        return Measurement(version, "not implemented", message=message).short_status()

    assert cell("v1", "exercise v1 is not done yet: x (in a.rs)") == (
        "not implemented yet (exercise v1)"
    )
    assert cell("array", "exercise hashed is not done yet: x") == "needs exercise hashed"
    assert cell("v1", "TODO") == "not implemented yet"
    assert Measurement("v", "wrong result", message="m").short_status() == "WRONG RESULT"


# --------------------------------------------------------------------------------------
# The limit row: a floor timed on the same input, never checked, never a version


def test_a_floor_gets_the_last_row_and_every_version_its_distance(toy_lesson):
    suite = toy_lesson["floored"]
    floor_inputs = sys.modules["toy_suites"].FLOOR_INPUTS
    report = bench.measure_suite(suite, params={"n": 500}, seed=2, budget=FAST)
    assert [m.version for m in report.measurements] == list(suite.versions)  # not a version
    assert report.limit is not None and report.limit.ok and report.limit.speedup is None
    assert set(floor_inputs) == {5020}  # the baseline's input (502), through Limit.prepare
    for m in report.measurements:
        if m.ok:
            assert m.x_limit == pytest.approx(m.median / report.limit.median)
    base = report.measurements[0]
    assert base.speedup == pytest.approx(1.0)  # the floor is no reference for speedups
    lines = report.table().splitlines()
    assert "x limit" in lines[1]
    rows = table_rows(report.table())
    assert list(rows) == [*suite.versions, "limit"]  # the floor's row comes last
    assert rows["limit"].rstrip().endswith("floor: reading n once")
    assert cells(rows["limit"])[5:7] == ["-", "-"]  # no speedup, no distance to itself
    assert cells(rows["toy_base"])[5:7] == ["1.00x", bench.format_speedup(base.x_limit)]


def test_a_floor_that_raises_is_reported_and_hides_nothing(toy_lesson, capsys):
    code = bench.measure_all_main("toy_suites", ["broken_floor", "--quick"])
    out, err = capsys.readouterr()
    assert code == 1  # a broken floor is a bug of the lesson: the run fails, loudly
    assert_within_width(out)
    rows = table_rows(out)
    assert cells(rows["toy_base"])[5] == "1.00x" and cells(rows["toy_fast"])[5].endswith("x")
    assert "ERROR" in rows["limit"] and "a floor with a bug" in rows["limit"]
    assert "the limit row of broken_floor (a floor with a bug) could not be measured" in err
    assert "RuntimeError: the floor's buffer is missing" in err
    assert "wrong result" not in err and "toy_fast" not in err  # the versions did not fail


def test_only_still_works_with_a_floor(toy_lesson, capsys):
    code = bench.measure_all_main("toy_suites", ["floored", "--quick", "--only", "toy_fast"])
    out = capsys.readouterr().out
    assert code == 0
    rows = table_rows(out)
    assert list(rows) == ["toy_fast", "limit"]
    fast = cells(rows["toy_fast"])
    assert fast[5] == "-"  # no speedup without the timed baseline
    assert re.fullmatch(r"[\d,.]+x", fast[6])  # but its distance to the floor


def test_no_limit_skips_the_floor(toy_lesson, capsys):
    assert bench.measure_all_main("toy_suites", ["floored", "--quick", "--no-limit"]) == 0
    out = capsys.readouterr().out
    assert "x limit" not in out and not sys.modules["toy_suites"].FLOOR_INPUTS


def test_json_has_the_floor_apart_from_the_versions(toy_lesson, tmp_path):
    out = tmp_path / "results.json"
    bench.measure_all_main("toy_suites", ["floored", "--quick", "--json", str(out)])
    [data] = json.loads(out.read_text())
    assert [r["version"] for r in data["results"]] == [
        "toy_base",
        "toy_fast",
        "toy_todo",
        "toy_blocked",
    ]
    limit = data["limit"]
    assert limit["label"] == "reading n once" and limit["status"] == "ok"
    assert limit["median_s"] > 0 and "speedup" not in limit and "version" not in limit
    fast = data["results"][1]
    assert fast["x_limit"] == pytest.approx(fast["median_s"] / limit["median_s"])
    assert data["data"] == "generated"


# --------------------------------------------------------------------------------------
# Named data sources: --data NAME


def test_data_option_picks_the_named_source(toy_lesson, capsys):
    assert bench.measure_all_main("toy_suites", ["floored", "--quick", "--data", "real"]) == 0
    out = capsys.readouterr().out
    assert "data: real (a number from the real world), seed 0" in out
    assert set(calls("toy_fast")) == {4321}  # the source's prepare, not the generated data
    assert set(sys.modules["toy_suites"].FLOOR_INPUTS) == {43210}  # the floor follows it


def test_help_lists_the_data_sources_of_each_suite(toy_lesson, capsys):
    with pytest.raises(SystemExit) as stop:
        bench.measure_all_main("toy_suites", ["--help"])
    assert stop.value.code == 0
    help_text = " ".join(capsys.readouterr().out.split())
    assert "--data NAME" in help_text
    assert "generated (default, made from --seed), or a named source (floored: real)" in help_text


def test_a_suite_without_the_source_says_so(toy_lesson, capsys):
    with pytest.raises(SystemExit) as stop:
        bench.measure_all_main("toy_suites", ["good", "--quick", "--data", "real"])
    assert stop.value.code == 2
    assert "no data source 'real' in good (it has: generated)" in capsys.readouterr().err
    # Without a suite named, the suites that have it run and the others are skipped.
    assert bench.measure_all_main("toy_suites", ["--quick", "--data", "real"]) == 0
    out = capsys.readouterr().out
    assert "Skipping Only correct versions: it has no data source 'real'" in out
    assert "data: real (a number from the real world)" in out
    with pytest.raises(SystemExit) as stop:
        bench.measure_main("toy_suites", ["toy_fast", "--quick", "--data", "nope"])
    assert stop.value.code == 2
    assert "toy has no data source 'nope' (it has: generated)" in capsys.readouterr().err
    with pytest.raises(ValueError, match="good has no data source 'real'"):
        bench.measure_suite(toy_lesson["good"], budget=FAST, data="real")


def test_measure_one_version_on_named_data(toy_lesson, capsys):
    assert bench.measure_main("toy_suites", ["toy_fast", "--quick", "--data", "real"]) == 0
    assert "Measuring `toy_fast` on real data" in capsys.readouterr().out
    assert set(calls("toy_fast")) == {4321}


# --------------------------------------------------------------------------------------
# The speedup chart


def test_speedup_chart_axis_and_limit_line(toy_lesson):
    import matplotlib

    matplotlib.use("Agg")
    from workshop.plots import speedup_axis_range, speedup_chart

    report = bench.measure_suite(toy_lesson["floored"], budget=FAST)
    ax = speedup_chart(report)
    assert ax.get_xscale() == "log"
    left, right = ax.get_xlim()
    speedups = [m.speedup for m in report.measurements if m.ok]
    assert left == pytest.approx(min(0.5, min(speedups) / 1.5))
    floor = report.measurements[0].median / report.limit.median
    assert right > max(*speedups, floor)
    [line] = ax.lines  # the floor: one vertical line, no bar
    assert list(line.get_xdata()) == [pytest.approx(floor)] * 2
    assert len(ax.patches) == len(speedups)
    assert "limit (a floor, not a version): reading n once" in " ".join(line.get_label().split())
    # The axis starts at 0.5x, or below the slowest bar when that one is slower.
    assert speedup_axis_range([1.0, 80.0])[0] == 0.5
    assert speedup_axis_range([0.2, 1.0])[0] == pytest.approx(0.2 / 1.5)
