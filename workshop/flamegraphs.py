"""Record a py-spy flamegraph of every version of a lesson: ``make flamegraphs``.

Run from a lesson's ``py_project/`` folder (``python -m workshop flamegraphs``). Each
version runs under ``py-spy record --native`` through ``measure.py --no-check`` (so
the baseline is not profiled along with it) and the SVG goes to ``graphs/<version>.svg``.
Open the SVG in a web browser: hover a box to see its share of the samples, click to zoom.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
from pathlib import Path

from workshop.bench import load_suites


def py_spy() -> str:
    beside_python = Path(sys.executable).parent / "py-spy"
    found = str(beside_python) if beside_python.exists() else shutil.which("py-spy")
    if not found:
        raise SystemExit("py-spy is not installed: run `make setup` from the repository root")
    return found


def record(version: str, out: Path, seconds: float, native: bool, rate: int) -> None:
    cmd = [py_spy(), "record", "--rate", str(rate), "--format", "flamegraph", "-o", str(out)]
    if native:
        cmd.append("--native")  # show the Rust frames too, not only the Python ones
    cmd += [
        "--",
        sys.executable,
        "measure.py",
        version,
        "--no-check",
        "--budget",
        str(seconds),
        "--min-runs",
        "1",
        # Fast versions would stop at the default 10000 runs long before the budget
        # is spent, leaving the profiler only a handful of samples.
        "--max-runs",
        str(10**9),
    ]
    print(f"profiling {version} -> {out}", flush=True)
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)


def suites_module() -> str:
    """The lesson's suites module in this folder: ``suites.py`` or ``<lesson>_suites.py``."""
    if Path("suites.py").exists():
        return "suites"
    found = sorted(Path().glob("*_suites.py"))
    if len(found) != 1:
        raise SystemExit("run this from a lesson's py_project/ (no single *suites.py here)")
    return found[0].stem


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m workshop flamegraphs", description=__doc__)
    parser.add_argument("versions", nargs="*", help="versions to profile (default: all)")
    parser.add_argument("--seconds", type=float, default=3.0, help="timed seconds per version")
    parser.add_argument("--rate", type=int, default=200, help="samples per second")
    parser.add_argument("--no-native", action="store_true", help="Python frames only")
    parser.add_argument("--out", type=Path, default=Path("graphs"), help="output folder")
    args = parser.parse_args(argv)
    suites = load_suites(suites_module())
    # A version in several suites (a batch and a latency suite) is profiled once, in the
    # first suite that has it (the one measure.py times).
    versions = args.versions or list(dict.fromkeys(v for s in suites.values() for v in s.versions))
    args.out.mkdir(exist_ok=True)
    for version in versions:
        record(version, args.out / f"{version}.svg", args.seconds, not args.no_native, args.rate)
    return 0
