"""The benchmark harness shared by every lesson.

A lesson describes what to time in a :class:`Suite` (in its ``py_project/<stem>_suites.py``);
``measure.py`` and ``measure_all.py`` are thin entry points over :func:`measure_main` and
:func:`measure_all_main`. For every version of a suite the harness

1. builds the input *before* the clock starts, from the same seed for every version;
2. calls the version once untimed (the warm-up) and checks that result against the
   baseline's: a wrong answer is reported as an error and never timed;
3. repeats the call until a time budget is spent (at least ``min_runs`` times), with the
   garbage collector paused as ``timeit`` does;
4. reports the median, the spread (interquartile range), the fastest run, the number of
   runs and the speedup against the baseline.

A suite may also declare a :class:`Limit`: a floor every correct version pays (one pass
over the data at memory speed, ...), timed on the same input, never checked, shown as the
last row of the table with each version's distance to it (the ``x limit`` column). Besides
the data generated from the seed, a suite may offer named :class:`DataSource` inputs (real
text, real tables), chosen with ``--data NAME``.

BLAS, OpenMP and rayon thread pools get the same size for every version (``--threads``).
"""

from __future__ import annotations

import argparse
import dataclasses
import gc
import importlib
import json
import os
import platform
import re
import statistics
import sys
import textwrap
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from types import ModuleType
from typing import Any

# Environment variables read by the thread pools of NumPy's BLAS, scikit-learn's
# OpenMP code and Rust's rayon. They are read once, when a pool starts, so the
# command-line entry points set them before anything imports NumPy.
THREAD_ENV_VARS = (
    "OMP_NUM_THREADS",
    "OPENBLAS_NUM_THREADS",
    "MKL_NUM_THREADS",
    "BLIS_NUM_THREADS",
    "VECLIB_MAXIMUM_THREADS",
    "NUMEXPR_NUM_THREADS",
    "RAYON_NUM_THREADS",
)


class ResultMismatch(AssertionError):
    """A version returned something different from the baseline."""


class BenchmarkFailed(RuntimeError):
    """At least one version gave a wrong result or raised an error."""


# The data every suite has: what its own `prepare` makes from the seed.
GENERATED = "generated"
# The name of the limit row in tables and in --json output (never a version's name).
LIMIT_ROW = "limit"
# Tables, progress lines and notes stay within this many characters.
MAX_WIDTH = 120


@dataclass(frozen=True)
class Limit:
    """The floor of a suite: what every correct version must pay on this machine for the
    same input (one pass over the bytes at memory speed, copying the payload once, ...).

    ``run(floor_input)`` is the timed call. It produces no answer: its result is never
    checked, it is never called a version, and it takes no part in the speedups or in
    the failures. ``floor_input`` is the input the suite's data source made for the
    baseline (untimed), passed through ``prepare(data)`` when that is given (untimed too),
    for example to turn a text into its UTF-8 bytes.
    """

    label: str
    run: Callable[[Any], Any]
    prepare: Callable[[Any], Any] | None = None


@dataclass(frozen=True)
class DataSource:
    """Input other than the generated data, chosen with ``--data NAME``.

    ``prepare(module, seed, **params)`` has the signature of :attr:`Suite.prepare` (it
    may ignore the seed, and use the size parameters to cut the real data to size);
    ``describe`` says in a few words where the data comes from, for the table's header.
    """

    describe: str
    prepare: Callable[..., Any]


@dataclass(frozen=True)
class Suite:
    """What a lesson times: several versions of one job, the first being the baseline.

    ``prepare(module, seed, **params)`` builds the input of one version (untimed);
    ``run(module, data)`` is the timed call; ``canonical(result, data)`` turns a result
    into a form that can be compared across versions; ``compare(expected, actual)``
    raises :class:`ResultMismatch` with a readable message when they differ.

    ``limit`` is the optional floor of the table (:class:`Limit`); ``data_sources`` the
    optional named inputs besides the generated one (:class:`DataSource`), for example
    ``{"real": DataSource("words of Python's own sources", prepare_real_text)}``.
    """

    name: str
    title: str
    versions: Sequence[str]
    prepare: Callable[..., Any]
    run: Callable[[ModuleType, Any], Any]
    compare: Callable[[Any, Any], None]
    canonical: Callable[[Any, Any], Any] = lambda result, data: result
    params: dict[str, int | float] = field(default_factory=dict)
    quick_params: dict[str, int | float] = field(default_factory=dict)
    describe: Callable[..., str] = lambda **params: ""
    labels: dict[str, str] = field(default_factory=dict)
    limit: Limit | None = None
    data_sources: dict[str, DataSource] = field(default_factory=dict)

    @property
    def baseline(self) -> str:
        return self.versions[0]

    @property
    def data_names(self) -> list[str]:
        """The inputs this suite can be measured on, the generated data first."""
        return [GENERATED, *(name for name in self.data_sources if name != GENERATED)]

    def preparer(self, data: str = GENERATED) -> Callable[..., Any]:
        """The ``prepare`` function of the data source `data`."""
        if data == GENERATED:
            return self.prepare
        if data not in self.data_sources:
            raise ValueError(
                f"{self.name} has no data source {data!r}; it has: {', '.join(self.data_names)}"
            )
        return self.data_sources[data].prepare

    def describe_data(self, data: str = GENERATED) -> str:
        if data == GENERATED:
            return "generated from the seed"
        return self.data_sources[data].describe

    def label(self, version: str) -> str:
        return self.labels.get(version, "")

    def with_baseline(self, version: str | None) -> Suite:
        """The same suite with another version as the reference (for sizes where the
        usual baseline is too slow to run even once)."""
        if version is None or version == self.baseline:
            return self
        if version not in self.versions:
            raise ValueError(
                f"unknown baseline {version!r} for {self.name}; "
                f"expected one of: {', '.join(self.versions)}"
            )
        others = [v for v in self.versions if v != version]
        return dataclasses.replace(self, versions=[version, *others])


@dataclass
class Measurement:
    """What happened to one version: timed, not implemented yet, or failed."""

    version: str
    status: str  # "ok", "not implemented", "wrong result", "error"
    times: list[float] = field(default_factory=list)  # seconds, one per timed run
    message: str = ""
    speedup: float | None = None
    x_limit: float | None = None  # median / the limit's median, when the suite has one

    @property
    def ok(self) -> bool:
        return self.status == "ok"

    @property
    def failed(self) -> bool:
        return self.status in ("wrong result", "error")

    @property
    def median(self) -> float:
        return statistics.median(self.times)

    @property
    def iqr(self) -> float:
        """Interquartile range: the middle half of the runs lies within it."""
        if len(self.times) < 2:
            return 0.0
        q1, _, q3 = statistics.quantiles(self.times, n=4, method="inclusive")
        return q3 - q1

    @property
    def best(self) -> float:
        return min(self.times)

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"version": self.version, "status": self.status}
        if self.message:
            out["message"] = self.message
        if self.times:
            out |= {
                "median_s": self.median,
                "iqr_s": self.iqr,
                "min_s": self.best,
                "mean_s": statistics.fmean(self.times),
                "runs": len(self.times),
                "speedup": self.speedup,
                "x_limit": self.x_limit,
                "times_s": self.times,
            }
        return out

    @property
    def exercise(self) -> str | None:
        """The exercise named by a ``todo_exercise!`` message ("exercise <id> is not done
        yet: ..."), or None."""
        found = EXERCISE_MESSAGE.search(self.message)
        return found.group(1) if found else None

    def short_status(self) -> str:
        """A table cell: what happened, without the full message."""
        if self.status != "not implemented":
            return self.status.upper()
        exercise = self.exercise
        if exercise is None:
            return "not implemented yet"
        if exercise != self.version:
            return f"needs exercise {exercise}"  # this stage uses another exercise's code
        return f"not implemented yet (exercise {exercise})"


# The text of `todo_exercise!` in lesson_support/src/lib.rs.
EXERCISE_MESSAGE = re.compile(r"exercise ([A-Za-z_][A-Za-z0-9_]*) is not done yet")


@dataclass
class Budget:
    """How long to time each version: repeat until `seconds` or `max_runs`, at least `min_runs`."""

    seconds: float = 2.0
    min_runs: int = 3
    max_runs: int = 10_000

    @classmethod
    def quick(cls) -> Budget:
        return cls(seconds=0.05, min_runs=1, max_runs=20)


def time_runs(call: Callable[[], Any], budget: Budget) -> list[float]:
    """Call `call` repeatedly (garbage collector paused), returning each run's seconds."""
    times: list[float] = []
    gc_was_enabled = gc.isenabled()
    gc.collect()
    gc.disable()
    try:
        deadline = time.perf_counter() + budget.seconds
        while len(times) < budget.max_runs and (
            len(times) < budget.min_runs or time.perf_counter() < deadline
        ):
            start = time.perf_counter()
            call()
            times.append(time.perf_counter() - start)
    finally:
        if gc_was_enabled:
            gc.enable()
    return times


def describe_error(err: BaseException) -> str:
    return f"{type(err).__name__}: {err}"


def measure_version(
    suite: Suite,
    version: str,
    params: dict[str, Any],
    seed: int,
    budget: Budget,
    expected: Any = None,
    check: bool = True,
    data: str = GENERATED,
) -> tuple[Measurement, Any]:
    """Prepare, warm up, check against `expected` (the baseline's canonical result), time.

    Returns the measurement and this version's canonical result (used as `expected`
    when `version` is the baseline).
    """
    try:
        module = importlib.import_module(version)
        prepared = suite.preparer(data)(module, seed=seed, **params)
        result = suite.canonical(suite.run(module, prepared), prepared)  # warm-up, checked below
    except NotImplementedError as err:
        return Measurement(version, "not implemented", message=str(err) or "TODO"), None
    except Exception as err:  # a crash of one version must not hide the others
        return Measurement(version, "error", message=describe_error(err)), None
    if check and expected is not None:
        try:
            suite.compare(expected, result)
        except ResultMismatch as err:
            return Measurement(version, "wrong result", message=str(err)), None
    try:
        times = time_runs(lambda: suite.run(module, prepared), budget)
    except Exception as err:
        return Measurement(version, "error", message=describe_error(err)), None
    return Measurement(version, "ok", times=times), result


def measure_limit(
    suite: Suite, params: dict[str, Any], seed: int, budget: Budget, data: str = GENERATED
) -> Measurement:
    """Time the suite's floor on the input its data source makes for the baseline.

    Nothing is checked; a floor that raises gives a measurement with status "error" (or
    "not implemented"), which the table shows in the limit row.
    """
    assert suite.limit is not None
    limit = suite.limit
    try:
        module = importlib.import_module(suite.baseline)
        prepared = suite.preparer(data)(module, seed=seed, **params)
        floor_input = limit.prepare(prepared) if limit.prepare else prepared
        limit.run(floor_input)  # warm-up
        times = time_runs(lambda: limit.run(floor_input), budget)
    except NotImplementedError as err:
        return Measurement(LIMIT_ROW, "not implemented", message=str(err) or "TODO")
    except Exception as err:
        return Measurement(LIMIT_ROW, "error", message=describe_error(err))
    return Measurement(LIMIT_ROW, "ok", times=times)


@dataclass
class Report:
    """The measurements of one suite run, with the settings they were made with."""

    suite: Suite
    params: dict[str, Any]
    seed: int
    threads: int
    budget: Budget
    measurements: list[Measurement] = field(default_factory=list)
    data: str = GENERATED
    limit: Measurement | None = None  # the floor's row, when the suite has one

    @property
    def failures(self) -> list[Measurement]:
        """The versions that gave a wrong result or raised (the limit is not a version)."""
        return [m for m in self.measurements if m.failed]

    @property
    def limit_failed(self) -> bool:
        return self.limit is not None and self.limit.failed

    def header(self) -> str:
        detail = self.suite.describe(**self.params)
        data = (
            f"data generated from seed {self.seed}"
            if self.data == GENERATED
            else f"data: {self.data} ({self.suite.describe_data(self.data)}), seed {self.seed}"
        )
        parts = [
            f"{self.suite.title}: {detail}" if detail else self.suite.title,
            data,
            f"{self.threads} thread(s) for BLAS/OpenMP/rayon",
            f"budget {self.budget.seconds:g} s per version",
        ]
        return join_within(parts, MAX_WIDTH)

    def table(self, failure_notes: bool = True) -> str:
        """The table, then the full message of every row that was not timed (the messages
        of failed versions only with `failure_notes`: ``measure_all`` prints those to
        stderr instead)."""
        return format_table(self, failure_notes)

    def to_json(self) -> dict[str, Any]:
        out = {
            "suite": self.suite.name,
            "title": self.suite.title,
            "baseline": self.suite.baseline,
            "data": self.data,
            "data_description": self.suite.describe_data(self.data),
            "params": self.params,
            "seed": self.seed,
            "threads": self.threads,
            "budget": asdict(self.budget),
            "python": sys.version.split()[0],
            "platform": platform.platform(),
            "machine": platform.machine(),
            "cpu_count": os.cpu_count(),
            "results": [m.to_json() for m in self.measurements],
        }
        if self.limit is not None and self.suite.limit is not None:
            limit = self.limit.to_json()
            for key in ("version", "speedup", "x_limit"):
                limit.pop(key, None)  # a floor, not a version
            out["limit"] = {"label": self.suite.limit.label, **limit}
        return out


def measure_suite(
    suite: Suite,
    versions: Sequence[str] | None = None,
    params: dict[str, Any] | None = None,
    seed: int = 0,
    budget: Budget | None = None,
    threads: int | None = None,
    progress: Callable[[str], None] | None = None,
    check: bool = True,
    data: str = GENERATED,
    limit: bool = True,
) -> Report:
    """Measure `versions` of `suite` (all by default); the baseline always runs first.

    The baseline's result is the reference every other version is checked against. It
    is timed too when it is among `versions`; otherwise it runs once, untimed. `data`
    names the input (see :class:`DataSource`). The suite's floor, when it has one, is
    timed last (unless `limit` is false).
    """
    budget = budget or Budget()
    params = {**suite.params, **(params or {})}
    suite.preparer(data)  # an unknown data source is an error before anything runs
    wanted = list(suite.versions) if versions is None else list(versions)
    unknown = [v for v in wanted if v not in suite.versions]
    if unknown:
        raise ValueError(
            f"unknown version(s) {', '.join(unknown)} for {suite.name}; "
            f"expected some of: {', '.join(suite.versions)}"
        )
    report = Report(suite, params, seed, threads or pinned_threads(), budget, data=data)
    expected = None
    if check:
        timing_baseline = suite.baseline in wanted
        baseline, expected = measure_version(
            suite,
            suite.baseline,
            params,
            seed,
            budget if timing_baseline else Budget(0, 0, 0),
            check=False,
            data=data,
        )
        if timing_baseline:
            report.measurements.append(baseline)
            if progress:
                progress(progress_line(baseline, 1, len(wanted)))
        if not baseline.ok:
            if not timing_baseline:
                report.measurements.append(baseline)
            raise BenchmarkFailed(
                f"the baseline {suite.baseline} could not run ({baseline.status}: "
                f"{baseline.message}); no result can be checked without it"
            )
    todo = [v for v in wanted if not (check and v == suite.baseline)]
    for version in todo:
        measurement, _ = measure_version(
            suite, version, params, seed, budget, expected, check, data
        )
        report.measurements.append(measurement)
        if progress:
            progress(progress_line(measurement, len(report.measurements), len(wanted)))
    if limit and suite.limit is not None:
        report.limit = measure_limit(suite, params, seed, budget, data)
        if progress:
            progress(progress_line(report.limit, LIMIT_ROW, label=suite.limit.label))
    add_speedups(report)
    return report


def add_speedups(report: Report) -> None:
    reference = next(
        (m for m in report.measurements if m.version == report.suite.baseline and m.ok), None
    )
    floor = report.limit if report.limit is not None and report.limit.ok else None
    for m in report.measurements:
        m.speedup = reference.median / m.median if (reference and m.ok) else None
        m.x_limit = m.median / floor.median if (floor and m.ok) else None


def format_seconds(seconds: float) -> str:
    for unit, scale in (("s", 1.0), ("ms", 1e-3), ("µs", 1e-6)):
        if seconds >= scale:
            return (
                f"{seconds / scale:.3g} {unit}"
                if seconds / scale < 100
                else (f"{seconds / scale:.0f} {unit}")
            )
    return f"{seconds * 1e9:.0f} ns"


def format_speedup(speedup: float | None) -> str:
    if speedup is None:
        return "-"
    return f"{speedup:.2f}x" if speedup < 10 else f"{speedup:,.0f}x"


def shorten(text: str, width: int) -> str:
    """`text` on one line of at most `width` characters (cut with "...")."""
    line = text.replace("\n", " ")
    return line if len(line) <= width else line[: max(width - 3, 0)].rstrip() + "..."


def progress_line(m: Measurement, index: int | str, total: int = 0, label: str = "") -> str:
    """``[3/8] poly_match_v2: 12 ms median of 40 run(s)``; the full message of a row that
    was not timed comes once, below the table."""
    if m.ok:
        what = f"{format_seconds(m.median)} median of {len(m.times)} run(s)"
    elif m.status == "not implemented":
        what = m.short_status()
    else:
        what = f"{m.status.upper()} (the message follows the table)"
    position = f"{index}/{total}" if total else str(index)
    name = label or m.version
    return shorten(f"  [{position}] {name}: {what}", MAX_WIDTH)


def join_within(parts: list[str], width: int) -> str:
    """`parts` joined by ", " on lines of at most `width` characters (a line breaks
    between parts, or inside a part longer than a line; the next lines are indented)."""
    lines: list[str] = []
    for part in parts:
        if lines and len(lines[-1]) + 2 + len(part) <= width:
            lines[-1] += ", " + part
            continue
        if lines:
            lines[-1] += ","
        indent = "  " if lines else ""
        lines += textwrap.wrap(part, width, initial_indent=indent, subsequent_indent="  ")
    return "\n".join(lines)


def format_table(report: Report, failure_notes: bool = True) -> str:
    """The table of a report, every line within MAX_WIDTH characters (long descriptions
    wrap within their column), then the full messages of the rows that were not timed."""
    has_limit = report.suite.limit is not None and report.limit is not None
    numbers = ["median", "IQR", "fastest", "runs", "speedup"] + (["x limit"] if has_limit else [])
    rows: list[tuple[str, list[str] | str, str]] = []  # (name, number cells or status, text)
    for m in report.measurements:
        label = report.suite.label(m.version)
        if m.ok:
            cells = [
                format_seconds(m.median),
                f"±{100 * m.iqr / m.median / 2:.1f}%",
                format_seconds(m.best),
                str(len(m.times)),
                format_speedup(m.speedup),
            ]
            rows.append(
                (m.version, [*cells, format_speedup(m.x_limit)] if has_limit else cells, label)
            )
        else:
            rows.append((m.version, m.short_status(), label))
    if has_limit:
        floor = report.limit
        assert floor is not None and report.suite.limit is not None
        text = f"floor: {report.suite.limit.label}"  # no result: never checked
        if floor.ok:
            cells = [
                format_seconds(floor.median),
                f"±{100 * floor.iqr / floor.median / 2:.1f}%",
                format_seconds(floor.best),
                str(len(floor.times)),
                "-",
                "-",
            ]
            rows.append((LIMIT_ROW, cells, text))
        else:
            rows.append((LIMIT_ROW, floor.short_status(), text))

    name_width = max(len("version"), *(len(name) for name, _, _ in rows))
    widths = [
        max(len(h), *(len(c[i]) for _, c, _ in rows if isinstance(c, list)))
        for i, h in enumerate(numbers)
    ]
    # The number columns side by side; a status cell ("needs exercise ...") takes their
    # place, and the descriptions start after the widest of both.
    span = max(
        [sum(widths) + 2 * (len(widths) - 1)]
        + [len(middle) for _, middle, _ in rows if isinstance(middle, str)]
    )

    def line(name: str, middle: str, text: str) -> list[str]:
        start = name.ljust(name_width) + "  " + middle.ljust(span) + "  "
        room = max(MAX_WIDTH - len(start), 24)
        pieces = textwrap.wrap(text, room) or [""]
        return [(start + pieces[0]).rstrip()] + [" " * len(start) + p for p in pieces[1:]]

    def numbers_cells(cells: list[str]) -> str:
        joined = "  ".join(c.rjust(w) for c, w in zip(cells, widths, strict=True))
        return joined.ljust(span)

    text_width = max((len(text) for _, _, text in rows), default=0)
    room = max(MAX_WIDTH - name_width - span - 4, 24)
    lines = report.header().splitlines()
    lines += line("version", numbers_cells(numbers), "")
    lines += line(
        "-" * name_width, numbers_cells(["-" * w for w in widths]), "-" * min(text_width, room)
    )
    for name, middle, text in rows:
        if name == LIMIT_ROW:
            lines += line("", "", "")  # the floor is not a version: a blank line before it
        lines += line(name, numbers_cells(middle) if isinstance(middle, list) else middle, text)
    lines += untimed_notes(report, failure_notes)
    return "\n".join(lines)


def untimed_notes(report: Report, failure_notes: bool = True) -> list[str]:
    """The full message of each row that was not timed, once (versions that share a
    message, like two stages using one unfinished exercise, are listed together)."""
    groups: dict[tuple[str, str], list[str]] = {}
    untimed = [m for m in report.measurements if not m.ok]
    if report.limit is not None and not report.limit.ok:
        untimed.append(report.limit)
    for m in untimed:
        if m.failed and not failure_notes:
            continue
        groups.setdefault((m.status, m.message), []).append(m.version)
    lines: list[str] = []
    for (status, message), names in groups.items():
        who = ", ".join(names)
        if names == [LIMIT_ROW]:
            who = "limit (the floor; the versions above are not affected)"
        first = f"{who}: " if status == "not implemented" else f"{who} ({status}): "
        lines += textwrap.wrap(
            first + " ".join(message.split()), MAX_WIDTH, subsequent_indent="    "
        ) or [first]
    return ["", *lines] if lines else []


@dataclass
class Scaling:
    """Median seconds of each version at several sizes (for a log-log plot)."""

    suite: Suite
    param: str
    size_label: str
    series: dict[str, list[tuple[float, float]]]


def measure_scaling(
    suite: Suite,
    versions: Sequence[str],
    param: str,
    values: Sequence[int | float],
    size: Callable[[dict[str, Any]], float] | None = None,
    size_label: str | None = None,
    seed: int = 0,
    budget: Budget | None = None,
    max_seconds: float = 1.0,
    data: str = GENERATED,
) -> Scaling:
    """Time `versions` for each value of the size parameter `param`.

    Every version is still checked against the baseline at every size. A version whose
    median passes `max_seconds` is dropped from the larger sizes (the baseline's result is
    then computed untimed), which keeps a notebook fast.
    """
    budget = budget or Budget(seconds=0.2, min_runs=1)
    series: dict[str, list[tuple[float, float]]] = {v: [] for v in versions}
    active = list(versions)
    for value in values:
        params = {**suite.params, param: value}
        report = measure_suite(suite, active, params, seed, budget, data=data, limit=False)
        if report.failures:
            bad = report.failures[0]
            raise BenchmarkFailed(f"{bad.version} at {param}={value}: {bad.status}: {bad.message}")
        x = size(params) if size else value
        for m in report.measurements:
            if m.ok:
                series[m.version].append((x, m.median))
                if m.median > max_seconds:
                    active.remove(m.version)
    return Scaling(suite, param, size_label or param, series)


# --------------------------------------------------------------------------------------
# Thread pinning


def pinned_threads() -> int:
    value = os.environ.get("RAYON_NUM_THREADS") or os.environ.get("OMP_NUM_THREADS")
    return int(value) if value and value.isdigit() else (os.cpu_count() or 1)


def pin_threads(threads: int) -> None:
    """Give BLAS, OpenMP and rayon the same number of threads for every version.

    Must run before NumPy (or a Rust module using rayon) is first used; threadpoolctl
    then also limits any native pool that was already loaded.
    """
    for var in THREAD_ENV_VARS:
        os.environ[var] = str(threads)
    if "numpy" in sys.modules:
        from threadpoolctl import threadpool_limits

        threadpool_limits(limits=threads)


# --------------------------------------------------------------------------------------
# Command line


def load_suites(module_name: str) -> dict[str, Suite]:
    """Import a lesson's suites module (e.g. ``poly_match_suites``) from the current folder."""
    if "" not in sys.path and os.getcwd() not in sys.path:
        sys.path.insert(0, os.getcwd())
    module = importlib.import_module(module_name)
    return {s.name: s for s in module.SUITES}


def suite_of(version: str, suites: dict[str, Suite], data: str = GENERATED) -> Suite:
    """The suite timing `version` (the first that has the data source `data`, when several
    suites time it)."""
    having = [suite for suite in suites.values() if version in suite.versions]
    for suite in having:
        if data in suite.data_names:
            return suite
    if having:
        return having[0]
    known = ", ".join(v for s in suites.values() for v in s.versions)
    raise SystemExit(f"unknown version {version!r}; expected one of: {known}")


def common_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--seed", type=int, default=0, help="seed of the input data (default 0)")
    parser.add_argument(
        "--budget",
        type=float,
        default=None,
        help="seconds of timed runs per version (default 2; 0.05 with --quick)",
    )
    parser.add_argument("--min-runs", type=int, default=None, help="timed runs at least")
    parser.add_argument(
        "--max-runs",
        type=int,
        default=None,
        help="timed runs at most (default 10000; profiling raises it to fill the budget)",
    )
    parser.add_argument(
        "--quick",
        action="store_true",
        help="small inputs and a short budget: proves everything runs (used by the tests)",
    )
    parser.add_argument(
        "--threads",
        type=int,
        default=None,
        help="threads for BLAS/OpenMP/rayon, the same for every version (default: all cores)",
    )
    parser.add_argument("--json", type=Path, default=None, help="write the results to this file")
    parser.add_argument(
        "--baseline",
        default=None,
        metavar="VERSION",
        help="check against and compare with this version instead of the usual baseline "
        "(for sizes where the baseline is too slow to run even once)",
    )


def add_size_options(parser: argparse.ArgumentParser, suites: Sequence[Suite]) -> None:
    """One option per size parameter of the suites (``--scale``, ``--n``, ...)."""
    seen: dict[str, list[str]] = {}
    for suite in suites:
        for name in suite.params:
            seen.setdefault(name, []).append(f"{suite.name}: {suite.params[name]}")
    for name, defaults in seen.items():
        kind = float if any(isinstance(s.params.get(name), float) for s in suites) else int
        parser.add_argument(
            f"--{name.replace('_', '-')}",
            dest=f"param_{name}",
            type=kind,
            default=None,
            help=f"size parameter (default {'; '.join(defaults)})",
        )


def add_data_option(parser: argparse.ArgumentParser, suites: Sequence[Suite]) -> None:
    """``--data NAME``: the generated data (default) or a suite's named data source."""
    named = [f"{s.name}: {', '.join(s.data_sources)}" for s in suites if s.data_sources]
    parser.add_argument(
        "--data",
        default=GENERATED,
        metavar="NAME",
        help=f"the input: {GENERATED} (default, made from --seed)"
        + (f", or a named source ({'; '.join(named)})" if named else "; no suite here has another"),
    )


def parse_in_two_steps(
    parser: argparse.ArgumentParser, suites_module: str, argv: Sequence[str] | None
) -> tuple[argparse.Namespace, dict[str, Suite], int]:
    """Pin the threads first (before the lesson imports NumPy), then learn its options."""
    # Only --threads is needed now; the full parser (and its --help) needs the suites.
    early_parser = argparse.ArgumentParser(add_help=False)
    early_parser.add_argument("--threads", type=int, default=None)
    early, _ = early_parser.parse_known_args(argv)
    threads = early.threads or os.cpu_count() or 1
    pin_threads(threads)
    suites = load_suites(suites_module)
    add_size_options(parser, list(suites.values()))
    add_data_option(parser, list(suites.values()))
    return parser.parse_args(argv), suites, threads


def params_for(suite: Suite, args: argparse.Namespace) -> dict[str, Any]:
    params = dict(suite.quick_params) if args.quick else {}
    for name in suite.params:
        value = getattr(args, f"param_{name}", None)
        if value is not None:
            params[name] = value
    return params


def budget_from(args: argparse.Namespace) -> Budget:
    budget = Budget.quick() if args.quick else Budget()
    if args.budget is not None:
        budget.seconds = args.budget
    if args.min_runs is not None:
        budget.min_runs = args.min_runs
    if args.max_runs is not None:
        budget.max_runs = args.max_runs
    return budget


def measure_all_main(suites_module: str = "suites", argv: Sequence[str] | None = None) -> int:
    """``python measure_all.py [SUITE ...]``: every version of every suite, one table each."""
    parser = argparse.ArgumentParser(
        description="Time every version of the lesson's benchmarks against the baseline.",
    )
    parser.add_argument("suites", nargs="*", help="which benchmarks (default: all of them)")
    parser.add_argument("--only", default=None, help="comma-separated versions to time")
    parser.add_argument("--plot", type=Path, default=None, help="save a speedup chart (PNG/SVG)")
    parser.add_argument(
        "--no-limit", action="store_true", help="do not time the suites' floors (the limit rows)"
    )
    common_arguments(parser)
    args, available, threads = parse_in_two_steps(parser, suites_module, argv)
    names = args.suites or list(available)
    missing = [n for n in names if n not in available]
    if missing:
        parser.error(f"unknown benchmark {', '.join(missing)}; expected: {', '.join(available)}")
    without = [n for n in names if args.data not in available[n].data_names]
    if without and (args.suites or len(without) == len(names)):
        parser.error(
            f"no data source {args.data!r} in "
            + "; ".join(f"{n} (it has: {', '.join(available[n].data_names)})" for n in without)
        )
    only = args.only.split(",") if args.only else None
    reports, failed = [], False
    for name in names:
        suite = available[name].with_baseline(args.baseline)
        if name in without:
            print(
                f"Skipping {suite.title}: it has no data source {args.data!r} "
                f"(it has: {', '.join(suite.data_names)})\n",
                flush=True,
            )
            continue
        versions = [v for v in suite.versions if only is None or v in only]
        count = f"{len(versions)} version{'s' if len(versions) != 1 else ''}"
        print(f"Measuring {suite.title} ({count})...", flush=True)
        try:
            report = measure_suite(
                suite,
                versions,
                params_for(suite, args),
                args.seed,
                budget_from(args),
                threads,
                progress=lambda line: print(line, flush=True),
                data=args.data,
                limit=not args.no_limit,
            )
        except BenchmarkFailed as err:
            print(f"\nERROR in {suite.name}: {err}\n", file=sys.stderr)
            failed = True
            continue
        print()
        print(report.table(failure_notes=False))  # the failures go to stderr, below
        print()
        failed |= report_failures(report)
        reports.append(report)
    if args.json:
        args.json.write_text(json.dumps([r.to_json() for r in reports], indent=2))
        print(f"results written to {args.json}")
    if args.plot and reports:
        from workshop.plots import save_speedup_chart

        save_speedup_chart(reports, args.plot)
        print(f"chart written to {args.plot}")
    return 1 if failed else 0


def report_failures(report: Report) -> bool:
    """Print what went wrong (stderr); true when a version failed or the floor raised.

    A floor that raises is a bug of the lesson, so it fails the run too, but it hides
    nothing: the versions' rows were measured and printed all the same. The messages are
    printed as they are (not wrapped), to be searched for.
    """
    for m in report.failures:
        print(
            f"ERROR: {m.version} {m.status}, so it was not timed.\n"
            + textwrap.indent(m.message, "  "),
            file=sys.stderr,
        )
    if report.limit_failed and report.limit is not None and report.suite.limit is not None:
        print(
            f"ERROR: the limit row of {report.suite.name} ({report.suite.limit.label}) could "
            "not be measured; the versions' rows are not affected.\n"
            + textwrap.indent(report.limit.message, "  "),
            file=sys.stderr,
        )
    return bool(report.failures) or report.limit_failed


def wrap_message(message: str, width: int = MAX_WIDTH - 2) -> str:
    """A message cut into lines of at most `width` characters (its own lines kept)."""
    return "\n".join(
        "\n".join(textwrap.wrap(line, width, subsequent_indent="  ") or [""])
        for line in message.splitlines()
    )


def measure_main(suites_module: str = "suites", argv: Sequence[str] | None = None) -> int:
    """``python measure.py VERSION``: time one version (checked against the baseline)."""
    parser = argparse.ArgumentParser(description="Time one version of a lesson's benchmark.")
    parser.add_argument("version", help="the module to time, e.g. poly_match_v1")
    parser.add_argument(
        "--no-check",
        action="store_true",
        help="skip the comparison with the baseline (only for profiling: the result is unchecked)",
    )
    common_arguments(parser)
    args, suites, threads = parse_in_two_steps(parser, suites_module, argv)
    suite = suite_of(args.version, suites, args.data).with_baseline(args.baseline)
    params = params_for(suite, args)
    if args.data not in suite.data_names:
        parser.error(
            f"{suite.name} has no data source {args.data!r} (it has: {', '.join(suite.data_names)})"
        )
    data_note = "" if args.data == GENERATED else f" on {args.data} data"
    print(f"Measuring `{args.version}`{data_note}", flush=True)
    if args.no_check:
        print("  (result not checked against the baseline: --no-check)", flush=True)
    try:
        report = measure_suite(
            suite,
            [args.version],
            params,
            args.seed,
            budget_from(args),
            threads,
            check=not args.no_check,
            data=args.data,
            limit=False,
        )
    except BenchmarkFailed as err:
        print(f"ERROR: {err}", file=sys.stderr)
        return 1
    m = report.measurements[-1]
    if args.json:
        args.json.write_text(json.dumps([report.to_json()], indent=2))
    if m.ok:
        checked = (
            ""
            if args.no_check or args.version == suite.baseline
            else (f", same result as {suite.baseline}")
        )
        print(
            f"Took an avg of {statistics.fmean(m.times) * 1e3:.2f}ms per iteration "
            f"({len(m.times)} Iterations)"
        )
        print(
            f"  median {format_seconds(m.median)}, IQR ±{100 * m.iqr / m.median / 2:.1f}%, "
            f"fastest {format_seconds(m.best)}{checked}"
        )
        return 0
    if m.status == "not implemented":
        print(wrap_message(f"{args.version} is not implemented yet: {m.message}"))
        return 2
    report_failures(report)
    return 1
