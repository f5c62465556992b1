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
import statistics
import sys
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


@dataclass(frozen=True)
class Suite:
    """What a lesson times: several versions of one job, the first being the baseline.

    ``prepare(module, seed, **params)`` builds the input of one version (untimed);
    ``run(module, data)`` is the timed call; ``canonical(result, data)`` turns a result
    into a form that can be compared across versions; ``compare(expected, actual)``
    raises :class:`ResultMismatch` with a readable message when they differ.
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

    @property
    def baseline(self) -> str:
        return self.versions[0]

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
                "times_s": self.times,
            }
        return out


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
) -> tuple[Measurement, Any]:
    """Prepare, warm up, check against `expected` (the baseline's canonical result), time.

    Returns the measurement and this version's canonical result (used as `expected`
    when `version` is the baseline).
    """
    try:
        module = importlib.import_module(version)
        data = suite.prepare(module, seed=seed, **params)
        result = suite.canonical(suite.run(module, data), data)  # warm-up, checked below
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
        times = time_runs(lambda: suite.run(module, data), budget)
    except Exception as err:
        return Measurement(version, "error", message=describe_error(err)), None
    return Measurement(version, "ok", times=times), result


@dataclass
class Report:
    """The measurements of one suite run, with the settings they were made with."""

    suite: Suite
    params: dict[str, Any]
    seed: int
    threads: int
    budget: Budget
    measurements: list[Measurement] = field(default_factory=list)

    @property
    def failures(self) -> list[Measurement]:
        return [m for m in self.measurements if m.failed]

    def header(self) -> str:
        detail = self.suite.describe(**self.params)
        return (
            f"{self.suite.title}: {detail + ', ' if detail else ''}seed {self.seed}, "
            f"{self.threads} thread(s) for BLAS/OpenMP/rayon, "
            f"budget {self.budget.seconds:g} s per version"
        )

    def table(self) -> str:
        return format_table(self)

    def to_json(self) -> dict[str, Any]:
        return {
            "suite": self.suite.name,
            "title": self.suite.title,
            "baseline": self.suite.baseline,
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


def measure_suite(
    suite: Suite,
    versions: Sequence[str] | None = None,
    params: dict[str, Any] | None = None,
    seed: int = 0,
    budget: Budget | None = None,
    threads: int | None = None,
    progress: Callable[[str], None] | None = None,
    check: bool = True,
) -> Report:
    """Measure `versions` of `suite` (all by default); the baseline always runs first.

    The baseline's result is the reference every other version is checked against. It
    is timed too when it is among `versions`; otherwise it runs once, untimed.
    """
    budget = budget or Budget()
    params = {**suite.params, **(params or {})}
    wanted = list(suite.versions) if versions is None else list(versions)
    unknown = [v for v in wanted if v not in suite.versions]
    if unknown:
        raise ValueError(
            f"unknown version(s) {', '.join(unknown)} for {suite.name}; "
            f"expected some of: {', '.join(suite.versions)}"
        )
    report = Report(suite, params, seed, threads or pinned_threads(), budget)
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
        measurement, _ = measure_version(suite, version, params, seed, budget, expected, check)
        report.measurements.append(measurement)
        if progress:
            progress(progress_line(measurement, len(report.measurements), len(wanted)))
    add_speedups(report)
    return report


def add_speedups(report: Report) -> None:
    reference = next(
        (m for m in report.measurements if m.version == report.suite.baseline and m.ok), None
    )
    for m in report.measurements:
        m.speedup = reference.median / m.median if (reference and m.ok) else None


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


def progress_line(m: Measurement, index: int, total: int) -> str:
    if m.ok:
        what = f"{format_seconds(m.median)} median of {len(m.times)} run(s)"
    else:
        what = f"{m.status.upper()}: {m.message}"
    return f"  [{index}/{total}] {m.version}: {what}"


def format_table(report: Report) -> str:
    headers = ["version", "median", "IQR", "fastest", "runs", "speedup", ""]
    rows = []
    for m in report.measurements:
        label = report.suite.label(m.version)
        if m.ok:
            rows.append(
                [
                    m.version,
                    format_seconds(m.median),
                    f"±{100 * m.iqr / m.median / 2:.1f}%",
                    format_seconds(m.best),
                    str(len(m.times)),
                    format_speedup(m.speedup),
                    label,
                ]
            )
        else:
            first_line = m.message.splitlines()[0] if m.message else ""
            status = "not implemented yet" if m.status == "not implemented" else m.status.upper()
            rows.append([m.version, status, "", "", "", "", first_line or label])
    widths = [max(len(h), *(len(r[i]) for r in rows)) for i, h in enumerate(headers)]
    right = {1, 2, 3, 4, 5}

    def fmt(cells: list[str]) -> str:
        return "  ".join(
            c.rjust(w) if i in right else c.ljust(w)
            for i, (c, w) in enumerate(zip(cells, widths, strict=True))
        ).rstrip()

    lines = [report.header(), fmt(headers), fmt(["-" * w for w in widths])]
    lines += [fmt(r) for r in rows]
    return "\n".join(lines)


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
        report = measure_suite(suite, active, params, seed, budget)
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


def suite_of(version: str, suites: dict[str, Suite]) -> Suite:
    for suite in suites.values():
        if version in suite.versions:
            return suite
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


def parse_in_two_steps(
    parser: argparse.ArgumentParser, suites_module: str, argv: Sequence[str] | None
) -> tuple[argparse.Namespace, dict[str, Suite], int]:
    """Pin the threads first (before the lesson imports NumPy), then learn its options."""
    early, _ = parser.parse_known_args(argv)
    threads = early.threads or os.cpu_count() or 1
    pin_threads(threads)
    suites = load_suites(suites_module)
    add_size_options(parser, list(suites.values()))
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
    common_arguments(parser)
    args, available, threads = parse_in_two_steps(parser, suites_module, argv)
    names = args.suites or list(available)
    missing = [n for n in names if n not in available]
    if missing:
        parser.error(f"unknown benchmark {', '.join(missing)}; expected: {', '.join(available)}")
    only = args.only.split(",") if args.only else None
    reports, failed = [], False
    for suite in (available[n].with_baseline(args.baseline) for n in names):
        versions = [v for v in suite.versions if only is None or v in only]
        print(f"Measuring {suite.title} ({len(versions)} versions)...", flush=True)
        try:
            report = measure_suite(
                suite,
                versions,
                params_for(suite, args),
                args.seed,
                budget_from(args),
                threads,
                progress=lambda line: print(line, flush=True),
            )
        except BenchmarkFailed as err:
            print(f"\nERROR in {suite.name}: {err}\n", file=sys.stderr)
            failed = True
            continue
        print()
        print(report.table())
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
    for m in report.failures:
        print(
            f"ERROR: {m.version} {m.status}, so it was not timed.\n  {m.message}",
            file=sys.stderr,
        )
    return bool(report.failures)


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
    suite = suite_of(args.version, suites).with_baseline(args.baseline)
    params = params_for(suite, args)
    print(f"Measuring `{args.version}`", flush=True)
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
        print(f"{args.version} is not implemented yet: {m.message}")
        return 2
    report_failures(report)
    return 1
