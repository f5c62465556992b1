"""Record a py-spy flamegraph of every version of a lesson: ``make flamegraphs``.

Run from a lesson's ``py_project/`` folder (``python -m workshop flamegraphs``). Each
version runs under ``py-spy record --native`` through ``measure.py --no-check`` (so
the baseline is not profiled along with it) and the SVG goes to ``graphs/<version>.svg``.
Open the SVG in a web browser: hover a box to see its share of the samples, click to zoom.

Only the graphs whose code changed are recorded again: ``graphs/sources.json`` (committed
with the SVGs) keeps a hash of every file behind each graph, and a graph is recorded
when one of them changed, when its SVG is missing or when the recording settings differ.
``--all`` (``make flamegraphs ALL=1``) records every graph; versions named on the command
line are always recorded. The files behind a version's graph:

- its driver ``py_project/<version>.py`` and the ``py_project/`` modules it imports;
- the lesson's suites module and the ``py_project/`` modules it imports;
- when those import the lesson's Rust package: its Rust files (those ``exercises.toml``
  lists for the version, as an exercise or under ``[stages]``, plus the files of the
  crate's ``src/`` that no stage lists; all of ``src/`` for a version it does not list)
  and the package's Python files (``python/``).
"""

from __future__ import annotations

import argparse
import ast
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from workshop.bench import load_suites
from workshop.lessons import lesson_of

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib

ROOT = Path(__file__).resolve().parent.parent
METADATA = ROOT / "exercises.toml"
SOURCES_FILE = "sources.json"
# Seconds a recording takes besides its timed budget (start-up, the input, py-spy's
# symbols), for the estimate before the first recording has been timed.
STARTUP_GUESS = 8.0


def suites_module_name(py_project: Path) -> str:
    """The name of a lesson's suites module, in its ``py_project/`` folder
    (``<stem>_suites``, see workshop/lessons.py)."""
    return lesson_of(py_project).suites_module


# --------------------------------------------------------------------------------------
# What a graph depends on


def declared_stage_files(metadata: Path = METADATA) -> dict[str, list[str]]:
    """The Rust files exercises.toml lists per version (exercises and ``[stages]``),
    relative to the repository."""
    data = tomllib.loads(metadata.read_text(encoding="utf-8")) if metadata.exists() else {}
    stages: dict[str, list[str]] = {}
    for entry in data.get("exercise", []):
        version = entry.get("benchmark", entry["id"])
        stages.setdefault(version, []).extend(entry["files"])
    for name, entry in data.get("stages", {}).items():
        stages.setdefault(name, []).extend(entry["files"])
    return stages


def imported_names(path: Path) -> set[str]:
    """The top-level names of the modules `path` imports (anywhere in the file)."""
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            names |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module.split(".")[0])
    return names


def local_modules(start: Path, folder: Path) -> list[Path]:
    """`start` and the modules of `folder` it imports, directly or not."""
    seen: list[Path] = []
    todo = [start]
    while todo:
        path = todo.pop()
        if path in seen or not path.exists():
            continue
        seen.append(path)
        todo += [folder / f"{name}.py" for name in sorted(imported_names(path))]
    return seen


@dataclass(frozen=True)
class Lesson:
    """A lesson's folders: ``<crate>/py_project`` next to ``<crate>/src`` and ``python/``."""

    py_project: Path
    root: Path = ROOT
    suites_module: str = "suites"

    @property
    def crate(self) -> Path:
        return self.py_project.parent

    def packages(self) -> set[str]:
        """The lesson's Python packages made by maturin (``python/<name>/``)."""
        python = self.crate / "python"
        found = {p.name for p in python.iterdir() if p.is_dir()} if python.is_dir() else set()
        return found or {self.crate.name}

    def rust_files(self) -> list[Path]:
        return sorted((self.crate / "src").rglob("*.rs"))

    def package_files(self) -> list[Path]:
        python = self.crate / "python"
        return sorted(p for p in python.rglob("*") if p.is_file() and p.suffix in (".py", ".pyi"))

    def sources(self, version: str, declared: dict[str, list[str]]) -> list[Path]:
        """Every file whose change means `version`'s flamegraph must be recorded again."""
        driver = local_modules(self.py_project / f"{version}.py", self.py_project)
        suites = local_modules(self.py_project / f"{self.suites_module}.py", self.py_project)
        python = driver + [m for m in suites if m not in driver]
        uses_rust = any(imported_names(m) & self.packages() for m in driver)
        files = list(python)
        if uses_rust:
            crate_files = self.rust_files()
            listed = {self.root / rel for rels in declared.values() for rel in rels} & set(
                crate_files
            )
            if version in declared:
                # Its own files, those of the stages its driver imports, and the shared
                # files that belong to no stage.
                drivers = {m.stem for m in driver}
                own = {
                    self.root / rel
                    for name, rels in declared.items()
                    if name in drivers
                    for rel in rels
                }
                files += [f for f in crate_files if f in own or f not in listed]
            else:
                files += crate_files
            files += self.package_files()
        return files


def file_digest(path: Path) -> str:
    """A short hash of a file's text (line endings made alike, so a checkout on Windows
    does not look changed)."""
    data = path.read_bytes().replace(b"\r\n", b"\n")
    return hashlib.sha256(data).hexdigest()[:16]


def digests(lesson: Lesson, files: Iterable[Path]) -> dict[str, str]:
    """File (relative to the lesson's folder) -> hash."""
    return {f.relative_to(lesson.crate).as_posix(): file_digest(f) for f in files}


# --------------------------------------------------------------------------------------
# The record next to the graphs


def load_record(path: Path) -> dict[str, dict]:
    if not path.exists():
        return {}
    return json.loads(path.read_text(encoding="utf-8")).get("stages", {})


def record_text(stages: dict[str, dict]) -> str:
    return (
        json.dumps(
            {
                "about": "What each flamegraph of this folder was recorded from: written by "
                "`python -m workshop flamegraphs`, which records a graph again only when one "
                "of its files or the settings changed.",
                "stages": stages,
            },
            indent=1,
            sort_keys=True,
        )
        + "\n"
    )


def save_record(path: Path, stages: dict[str, dict]) -> bool:
    """Write the record if it changed (so an unchanged run leaves git clean)."""
    text = record_text(stages)
    if path.exists() and path.read_text(encoding="utf-8") == text:
        return False
    path.write_text(text, encoding="utf-8")
    return True


def why_record(
    version: str, entry: dict | None, files: dict[str, str], options: dict, svg: Path
) -> str | None:
    """Why `version`'s graph must be recorded again, or None when it is up to date."""
    if not svg.exists():
        return "no graph yet"
    if entry is None:
        return "no record of its sources"
    if entry.get("options") != options:
        return "other recording settings"
    before = entry.get("files", {})
    changed = sorted(f for f in files.keys() | before.keys() if files.get(f) != before.get(f))
    if changed:
        shown = ", ".join(changed[:3]) + (
            f" and {len(changed) - 3} more" if len(changed) > 3 else ""
        )
        return f"changed: {shown}"
    return None


# --------------------------------------------------------------------------------------
# Recording


def py_spy() -> str:
    beside_python = Path(sys.executable).parent / "py-spy"
    found = str(beside_python) if beside_python.exists() else shutil.which("py-spy")
    if not found:
        raise SystemExit("py-spy is not installed: run `make setup` from the repository root")
    return found


class RecordingFailed(Exception):
    """The profiled run did not time the version (unfinished exercise, error, ...)."""


def record(version: str, out: Path, options: dict) -> None:
    """Profile `version` (``measure.py --no-check``) into the SVG `out`."""
    with tempfile.TemporaryDirectory() as tmp:
        svg, result = Path(tmp) / "graph.svg", Path(tmp) / "result.json"
        cmd = [py_spy(), "record", "--rate", str(options["rate"]), "--format", "flamegraph"]
        cmd += ["-o", str(svg)]
        if options["native"]:
            cmd.append("--native")  # show the Rust frames too, not only the Python ones
        cmd += [
            "--",
            sys.executable,
            "measure.py",
            version,
            "--no-check",
            "--budget",
            str(options["seconds"]),
            "--min-runs",
            "1",
            # Fast versions would stop at the default 10000 runs long before the budget
            # is spent, leaving the profiler only a handful of samples.
            "--max-runs",
            str(10**9),
            "--json",
            str(result),
        ]
        proc = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        # py-spy exits with 0 whatever the profiled run did: ask measure.py's results
        # first (a run that stops at once, like an unfinished exercise, may also leave
        # py-spy without a process to read, and failing).
        outcome = json.loads(result.read_text())[0]["results"][-1] if result.exists() else {}
        if outcome and outcome.get("status") != "ok":
            raise RecordingFailed(outcome.get("message") or outcome["status"])
        if proc.returncode != 0:  # py-spy itself failed (no permission to trace, ...)
            tail = "\n    ".join(proc.stderr.strip().splitlines()[-5:])
            raise RecordingFailed(f"py-spy exited with {proc.returncode}:\n    {tail}")
        if not outcome or not svg.exists():
            raise RecordingFailed(f"measure.py {version} did not finish its timing")
        shutil.move(str(svg), out)


def format_duration(seconds: float) -> str:
    if seconds < 90:
        return f"{max(5, round(seconds / 5) * 5):.0f} s"
    return f"{round(seconds / 60):.0f} min"


def run(
    lesson: Lesson,
    versions: list[str],
    options: dict,
    out: Path,
    everything: bool = False,
    named: Iterable[str] = (),
    recorder: Callable[[str, Path, dict], None] = record,
    metadata: Path = METADATA,
    say: Callable[[str], None] = lambda line: print(line, flush=True),
    known_versions: Iterable[str] | None = None,
) -> int:
    """Record the graphs of `versions` that need it (all with `everything`, and the
    `named` ones in any case); returns the exit status (1 when a recording failed).

    The record keeps the entries of `known_versions` (default: `versions`) only."""
    out.mkdir(exist_ok=True)
    record_path = out / SOURCES_FILE
    stages = load_record(record_path)
    declared = declared_stage_files(metadata)
    todo: list[tuple[str, str, dict[str, str]]] = []
    for version in versions:
        files = digests(lesson, lesson.sources(version, declared))
        reason = why_record(version, stages.get(version), files, options, out / f"{version}.svg")
        if everything or version in named:
            reason = reason or "asked for"
        if reason:
            todo.append((version, reason, files))
    guess = options["seconds"] + STARTUP_GUESS
    where = lesson.crate.name
    say(
        f"{where}: {len(versions)} flamegraph(s), {len(versions) - len(todo)} up to date, "
        f"{len(todo)} to record"
        + (f" (about {format_duration(guess * len(todo))})" if todo else "")
    )
    failed, durations = [], []
    for index, (version, reason, files) in enumerate(todo, start=1):
        per_graph = sum(durations) / len(durations) if durations else guess
        left = format_duration(per_graph * (len(todo) - index + 1))
        say(f"[{index}/{len(todo)}] {version} ({reason}; about {left} left)")
        started = time.perf_counter()
        try:
            recorder(version, out / f"{version}.svg", options)
        except RecordingFailed as err:
            say(f"  not recorded, the old graph is kept: {err}")
            failed.append(version)
            continue
        durations.append(time.perf_counter() - started)
        stages[version] = {"files": files, "options": options}
        save_record(record_path, stages)  # after each graph: an interrupted run keeps them
    known = set(versions if known_versions is None else known_versions)
    stages = {v: entry for v, entry in stages.items() if v in known}
    save_record(record_path, stages)
    if durations:
        say(f"{where}: recorded {len(durations)} graph(s) in {sum(durations):.0f} s")
    if failed:
        say(f"{where}: {len(failed)} graph(s) not recorded: {', '.join(failed)}")
    return 1 if failed else 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m workshop flamegraphs",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "versions", nargs="*", help="versions to record, changed or not (default: all that changed)"
    )
    parser.add_argument("--all", action="store_true", help="record every graph, changed or not")
    parser.add_argument("--seconds", type=float, default=3.0, help="timed seconds per version")
    parser.add_argument("--rate", type=int, default=200, help="samples per second")
    parser.add_argument("--no-native", action="store_true", help="Python frames only")
    parser.add_argument("--out", type=Path, default=Path("graphs"), help="output folder")
    parser.add_argument(
        "--suites-module",
        default=None,
        help="the lesson's suites module (default: the lesson's own, see suites_module_name)",
    )
    args = parser.parse_args(argv)
    py_project = Path(os.getcwd()).resolve()
    lesson = Lesson(py_project, suites_module=args.suites_module or suites_module_name(py_project))
    suites = load_suites(lesson.suites_module)
    # A version in several suites (a batch and a latency suite) is profiled once.
    every_version = list(dict.fromkeys(v for s in suites.values() for v in s.versions))
    unknown = [v for v in args.versions if v not in every_version]
    if unknown:
        parser.error(
            f"unknown version(s) {', '.join(unknown)}; expected some of: "
            + ", ".join(every_version)
        )
    options = {"seconds": args.seconds, "rate": args.rate, "native": not args.no_native}
    return run(
        lesson,
        args.versions or every_version,
        options,
        args.out,
        everything=args.all,
        named=args.versions,
        known_versions=every_version,
        recorder=record,
        metadata=METADATA,
    )
