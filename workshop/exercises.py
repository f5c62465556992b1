"""The exercise tool: ``python -m workshop exercises COMMAND`` (or ``make exercises LEVEL=...``).

Commands::

    list                         every exercise, in teaching order, with its state
    start <id|all> --level L     replace the solution by an exercise file (L: easy,
                                 intermediate, hard); refuses to overwrite your own edits
                                 unless --force
    check <id>                   rebuild the crate, run the exercise's tests, say "done" or
                                 what failed, then time the stage against the baseline
    hint <id> [--level L]        the hint for the exercise
    diff <a> <b>                 what changes from stage a to stage b (Rust and Python)
    reset <id|all>               bring the solution back (your edited file is backed up)

The solutions in the repository are the single source: ``start`` derives the exercise file
from the markers in the solution (see ``docs/authoring.md``) and keeps a copy of the
solution in ``.exercises/`` (git-ignored), from which ``reset`` restores it.
"""

from __future__ import annotations

import argparse
import difflib
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import xml.etree.ElementTree as ET
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib

from workshop.lessons import lessons
from workshop.stubs import LEVELS, has_markers, make_exercise

ROOT = Path(__file__).resolve().parent.parent
METADATA = ROOT / "exercises.toml"
# Where `start` keeps the solutions and what it wrote (git-ignored), inside the checkout.
STATE_FOLDER = ".exercises"


@dataclass(frozen=True)
class Exercise:
    id: str
    title: str
    crate: str
    files: tuple[str, ...]
    tests: tuple[str, ...]
    benchmark: str
    lesson: str
    hints: dict[str, str] = field(default_factory=dict)

    @property
    def py_project(self) -> Path:
        return ROOT / self.crate / "py_project"


def load_exercises(path: Path = METADATA) -> list[Exercise]:
    """The exercises of ``exercises.toml``, in teaching order."""
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    exercises = []
    for entry in data["exercise"]:
        exercises.append(
            Exercise(
                id=entry["id"],
                title=entry["title"],
                crate=entry["crate"],
                files=tuple(entry["files"]),
                tests=tuple(entry["tests"]),
                benchmark=entry.get("benchmark", entry["id"]),
                lesson=entry["lesson"],
                hints=dict(entry.get("hints", {})),
            )
        )
    return exercises


class ExerciseError(Exception):
    """Something the student should read: the tool prints it and exits with status 1."""


# --------------------------------------------------------------------------------------
# State kept in .exercises/: the solution copies and what `start` last wrote


def sha(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


@dataclass
class State:
    root: Path = ROOT
    data: dict = field(default_factory=lambda: {"files": {}, "checks": {}})

    @property
    def folder(self) -> Path:
        return self.root / STATE_FOLDER

    @classmethod
    def load(cls, root: Path = ROOT) -> State:
        state = cls(root)
        path = state.folder / "state.json"
        if path.exists():
            state.data = json.loads(path.read_text())
        return state

    def save(self) -> None:
        self.folder.mkdir(exist_ok=True)
        (self.folder / "state.json").write_text(json.dumps(self.data, indent=2) + "\n")

    def solution_path(self, rel: str) -> Path:
        return self.folder / "solutions" / rel

    def solution(self, rel: str) -> str:
        """The marked solution of `rel`: the file itself, or the copy `start` kept."""
        current = (self.root / rel).read_text(encoding="utf-8")
        if has_markers(current):
            return current
        kept = self.solution_path(rel)
        if not kept.exists():
            raise ExerciseError(
                f"{rel} is not a solution file and no copy of its solution was kept in "
                f".exercises/. Restore it with `git checkout -- {rel}`."
            )
        return kept.read_text(encoding="utf-8")

    def keep_solution(self, rel: str, text: str) -> None:
        path = self.solution_path(rel)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")

    def file_state(self, rel: str) -> str:
        """'solution', 'exercise' (as `start` wrote it) or 'edited' (the student's work)."""
        current = (self.root / rel).read_text(encoding="utf-8")
        if has_markers(current):
            return "solution"
        written = self.data["files"].get(rel)
        if written and written["sha"] == sha(current):
            return "exercise"
        return "edited"

    def backup(self, rel: str) -> Path:
        stamp = time.strftime("%Y%m%d-%H%M%S")
        target = self.folder / "backup" / f"{rel}.{stamp}"
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(self.root / rel, target)
        return target


# --------------------------------------------------------------------------------------
# Commands


def select(exercises: list[Exercise], which: str) -> list[Exercise]:
    if which == "all":
        return exercises
    for exercise in exercises:
        if exercise.id == which:
            return [exercise]
    known = ", ".join(e.id for e in exercises)
    raise ExerciseError(f"unknown exercise {which!r}; expected `all` or one of: {known}")


def start(chosen: list[Exercise], level: str, force: bool, state: State) -> list[str]:
    """Write the exercise files of `chosen` at `level`; returns the files written."""
    if level not in LEVELS:
        raise ExerciseError(f"level must be one of {', '.join(LEVELS)}, got {level!r}")
    files: dict[str, set[str]] = {}
    for exercise in chosen:
        for rel in exercise.files:
            files.setdefault(rel, set()).add(exercise.id)
    file_states = {rel: state.file_state(rel) for rel in files}
    edited = [rel for rel, held in file_states.items() if held == "edited"]
    if edited and not force:
        raise ExerciseError(
            "these files hold your own edits, which `start` would overwrite:\n  "
            + "\n  ".join(edited)
            + "\nCommit or copy your work, or pass --force (a backup goes to .exercises/backup/)."
        )
    written = []
    for rel, ids in files.items():
        solution = state.solution(rel)
        state.keep_solution(rel, solution)
        if rel in edited:
            state.backup(rel)
        previous = state.data["files"].get(rel)
        if previous and file_states[rel] != "solution":
            ids |= set(previous["exercises"])  # other exercises already started in this file
        text = make_exercise(solution, level, ids, name=rel)
        (state.root / rel).write_text(text, encoding="utf-8")
        state.data["files"][rel] = {"level": level, "exercises": sorted(ids), "sha": sha(text)}
        for exercise_id in ids:
            state.data["checks"].pop(exercise_id, None)
        written.append(rel)
    state.save()
    return written


def reset(chosen: list[Exercise], state: State) -> list[tuple[str, Path | None]]:
    """Restore the solutions of `chosen`; returns (file, backup of the student's file)."""
    restored = []
    for rel in dict.fromkeys(r for e in chosen for r in e.files):
        file_state = state.file_state(rel)
        if file_state == "solution":
            continue
        solution = state.solution(rel)
        backup = state.backup(rel) if file_state == "edited" else None
        (state.root / rel).write_text(solution, encoding="utf-8")
        state.data["files"].pop(rel, None)
        restored.append((rel, backup))
    for exercise in chosen:
        state.data["checks"].pop(exercise.id, None)
    state.save()
    return restored


@dataclass
class TestOutcome:
    total: int
    failures: list[tuple[str, str]]  # (test name, first line of the failure)
    output: str = ""

    @property
    def passed(self) -> bool:
        return self.total > 0 and not self.failures


def addopts_without_nbmake(root: Path) -> str:
    """The project's pytest ``addopts`` (pyproject.toml) without ``--nbmake``."""
    import tomllib

    project = root / "pyproject.toml"
    with open(project if project.exists() else ROOT / "pyproject.toml", "rb") as file:
        options = tomllib.load(file).get("tool", {}).get("pytest", {}).get("ini_options", {})
    return " ".join(opt for opt in str(options.get("addopts", "")).split() if opt != "--nbmake")


def run_tests(
    exercise: Exercise, env: dict[str, str] | None = None, cwd: Path = ROOT
) -> TestOutcome:
    """Run the exercise's tests (``pytest <tests> -k <id>``) and read the JUnit report."""
    with tempfile.TemporaryDirectory() as tmp:
        report = Path(tmp) / "report.xml"
        cmd = [
            sys.executable,
            "-m",
            "pytest",
            *exercise.tests,
            "-k",
            exercise.id,
            "-q",
            "-p",
            "no:cacheprovider",
            # A lesson's tests hold no notebook: without the nbmake plugin (and the
            # project's `--nbmake` in addopts) pytest starts some 3 s sooner.
            "-p",
            "no:nbmake",
            "-o",
            f"addopts={addopts_without_nbmake(cwd)}",
            f"--junitxml={report}",
        ]
        proc = subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True)
        if not report.exists():
            raise ExerciseError(f"pytest did not run:\n{proc.stdout}\n{proc.stderr}")
        root = ET.parse(report).getroot()
    total, failures = 0, []
    for case in root.iter("testcase"):
        total += 1
        problem = case.find("failure")
        if problem is None:
            problem = case.find("error")
        if problem is not None:
            message = (problem.get("message") or problem.text or "").strip()
            failures.append((case.get("name", "?"), message.splitlines()[0] if message else ""))
    return TestOutcome(total, failures, proc.stdout + proc.stderr)


def explain_failure(exercise: Exercise, outcome: TestOutcome) -> str:
    if outcome.total == 0:
        return f"no test selects {exercise.id} (pytest {' '.join(exercise.tests)} -k {exercise.id})"
    name, message = outcome.failures[0]
    if "NotImplementedError" in message or "is not done yet" in message:
        what = "a part is still a TODO"
    else:
        what = "a test fails"
    return (
        f"{what}: {len(outcome.failures)} of {outcome.total} test(s) fail.\n"
        f"  first failure: {name}\n  {message}"
    )


# The cargo profile of a check's build: no link-time optimisation and incremental
# compilation (root Cargo.toml, `[profile.exercise]`), so that a one-line edit rebuilds
# in seconds. `make measure` and every other make target go back to the release build.
CHECK_PROFILE = "exercise"


def build_command(exercise: Exercise, root: Path = ROOT) -> list[str]:
    """What `check` runs to rebuild the exercise's crate: the setup script (which runs
    ``uv pip install``, which runs maturin, which runs cargo), with the check's profile."""
    return [
        sys.executable,
        str(root / ".venv-setup" / "bootstrap.py"),
        exercise.crate,
        "--profile",
        CHECK_PROFILE,
    ]


def build(
    exercise: Exercise, root: Path = ROOT, env: dict[str, str] | None = None
) -> CompilerError | None:
    """Rebuild the exercise's crate; returns the compiler's complaint, or None when it built."""
    proc = subprocess.run(
        build_command(exercise, root), cwd=root, env=env, capture_output=True, text=True
    )
    if proc.returncode == 0:
        return None
    return compiler_error(proc.stdout + proc.stderr, root)


@dataclass
class CompilerError:
    """The first diagnostic of a failed build, and where it points to (when it does)."""

    text: str
    file: str | None = None  # as rustc prints it: relative to the workspace, or absolute
    line: int | None = None
    column: int | None = None
    errors: int | None = None  # how many errors cargo counted in all

    def where(self) -> str:
        """``Open poly_match_rs/src/lib_v1.rs at line 59, column 43.``, or ""."""
        if self.file is None:
            return ""
        column = f", column {self.column}" if self.column else ""
        return f"Open {self.file} at line {self.line}{column}."


# uv indents the build backend's output; maturin and cargo add their own lines around it.
ANSI_ESCAPE = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")
DIAGNOSTIC = re.compile(r"^(?P<indent>\s*)(?P<head>error(\[E\d{4}\])?: .*)$")
LOCATION = re.compile(r"^\s*--> (?P<file>.+?):(?P<line>\d+)(:(?P<column>\d+))?\s*$")
# cargo's --message-format short: "src/lib.rs:3:5: error[E0425]: ..."
SHORT_DIAGNOSTIC = re.compile(
    r"^\s*(?P<file>[^\s:]+\.rs):(?P<line>\d+):(?P<column>\d+): (?P<head>error(\[E\d{4}\])?: .*)$"
)
ERROR_COUNT = re.compile(r"error: could not compile `[^`]+`.* due to (\d+) previous errors?")
# "error:" lines that are not rustc's: uv's, cargo's summary, maturin's.
WRAPPER_ERRORS = (
    "error: Failed to build",
    "error: could not compile",
    "error: Build backend failed",
    "error: failed to run custom build command",
)


def compiler_error(output: str, root: Path = ROOT, max_lines: int = 40) -> CompilerError:
    """The first rustc diagnostic of a build's output, whatever wraps cargo's (uv, maturin).

    A diagnostic is an ``error[E....]:`` or ``error:`` line followed by its ``--> file:line:col``
    and the source excerpt, up to the blank line that ends it. Without one (a linker error,
    a missing tool), the first error line that is not a wrapper's, else the output's end.
    """
    lines = [ANSI_ESCAPE.sub("", line).rstrip() for line in output.splitlines()]
    count = next((int(m.group(1)) for m in map(ERROR_COUNT.search, lines) if m), None)
    fallback = None
    for i, line in enumerate(lines):
        short = SHORT_DIAGNOSTIC.match(line)
        if short:
            return CompilerError(
                line.strip(),
                relative_to(short.group("file"), root),
                int(short.group("line")),
                int(short.group("column")),
                count,
            )
        found = DIAGNOSTIC.match(line)
        if not found or found.group("head").startswith(WRAPPER_ERRORS):
            continue
        block = diagnostic_block(lines, i, len(found.group("indent")), max_lines)
        location = next((m for m in map(LOCATION.match, block[1:4]) if m), None)
        if location is not None:
            column = location.group("column")
            return CompilerError(
                "\n".join(block),
                relative_to(location.group("file"), root),
                int(location.group("line")),
                int(column) if column else None,
                count,
            )
        fallback = fallback or CompilerError("\n".join(block), errors=count)
    return fallback or CompilerError("\n".join(lines[-25:]), errors=count)


def relative_to(file: str, root: Path) -> str:
    """`file` relative to the repository when it is an absolute path inside it."""
    path = Path(file)
    return str(path.relative_to(root)) if path.is_absolute() and path.is_relative_to(root) else file


def diagnostic_block(lines: list[str], start: int, indent: int, max_lines: int) -> list[str]:
    """The lines of the diagnostic starting at `start`, without the wrapper's indent."""
    block = [lines[start][indent:]]
    for line in lines[start + 1 : start + max_lines]:
        own = line[indent:] if line[:indent].strip() == "" else line.strip()
        if not own.strip() or own.startswith(("error", "warning", "For more information")):
            break
        block.append(own)
    return block


def first_compiler_error(output: str, max_lines: int = 40) -> str:
    """The text of the first compiler diagnostic in `output` (see :func:`compiler_error`)."""
    return compiler_error(output, max_lines=max_lines).text


def check(exercise: Exercise, state: State, timing: bool = True) -> bool:
    print(f"Checking {exercise.id}: {exercise.title}")
    print(f"  rebuilding {exercise.crate} ...", flush=True)
    complaint = build(exercise, state.root)
    if complaint is not None:
        print(f"\n✗ {exercise.id}: not done: the Rust code does not compile.\n")
        print(complaint.text)
        if complaint.errors and complaint.errors > 1:
            print(f"\n(the first of {complaint.errors} errors: fix it, then check again)")
        if complaint.where():
            print(f"\n{complaint.where()}")
        record_check(exercise, state, done=False)
        return False
    print(f"  running its tests: pytest {' '.join(exercise.tests)} -k {exercise.id}", flush=True)
    outcome = run_tests(exercise)
    done = outcome.passed
    record_check(exercise, state, done)
    if not done:
        print(f"\n✗ {exercise.id}: not done: {explain_failure(exercise, outcome)}")
        print(f"\nStuck? python -m workshop exercises hint {exercise.id}")
        return False
    print(f"\n✓ {exercise.id}: done ({outcome.total} tests pass).\n")
    if timing:
        print(
            f"Timing it against the baseline (the fast `{CHECK_PROFILE}` build of the check; "
            "`make measure` times the release build):",
            flush=True,
        )
        subprocess.run(
            [sys.executable, "measure.py", exercise.benchmark, "--budget", "1"],
            cwd=exercise.py_project,
        )
    return True


def files_digest(exercise: Exercise, state: State) -> str:
    """A fingerprint of the exercise's files as they are now (to tell if a check is stale)."""
    return sha("".join((state.root / rel).read_text(encoding="utf-8") for rel in exercise.files))


def record_check(exercise: Exercise, state: State, done: bool) -> None:
    state.data["checks"][exercise.id] = {"done": done, "sha": files_digest(exercise, state)}
    state.save()


def status(exercise: Exercise, state: State) -> tuple[str, str]:
    """(what the files hold, done or not) for `list`."""
    states = {state.file_state(rel) for rel in exercise.files}
    if states == {"solution"}:
        return "solution", "done (solution)"
    written = [state.data["files"].get(rel) for rel in exercise.files]
    level = next((w["level"] for w in written if w), "?")
    held = f"exercise ({level})" + (", edited" if "edited" in states else "")
    last = state.data["checks"].get(exercise.id)
    if last is not None and last["sha"] == files_digest(exercise, state):
        return held, "done" if last["done"] else "not done"
    return held, "not done" if "edited" not in states else "not checked yet"


def show_list(exercises: list[Exercise], state: State) -> None:
    rows = [("#", "exercise", "files hold", "status", "title")]
    for number, exercise in enumerate(exercises, start=1):
        held, done = status(exercise, state)
        rows.append((str(number), exercise.id, held, done, exercise.title))
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    for row in rows:
        print("  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip())


def show_hint(exercise: Exercise, level: str | None, state: State) -> None:
    if level is None:
        written = [state.data["files"].get(rel) for rel in exercise.files]
        level = next((w["level"] for w in written if w), None)
    levels = [level] if level else list(LEVELS)
    print(f"{exercise.id}: {exercise.title}")
    for name in levels:
        print(f"\nHint ({name}): {exercise.hints.get(name, 'no hint for this level')}")
    print(f"\nLesson: {exercise.lesson}")
    print(f"Files: {', '.join(exercise.files)}")


@dataclass(frozen=True)
class StageFiles:
    """What makes a stage: its Rust files (may be none) and its Python driver (may be none)."""

    name: str
    rust: tuple[str, ...]
    driver: str | None


def driver_of(name: str) -> str | None:
    """``<lesson>/py_project/<name>.py`` of whichever lesson has it."""
    for lesson in lessons():
        driver = lesson.py_project / f"{name}.py"
        if driver.is_file():
            return str(driver.relative_to(ROOT))
    return None


def stage_files(name: str, exercises: list[Exercise]) -> StageFiles:
    """The files of a stage: an exercise, a stage listed under ``[stages]`` in
    exercises.toml (such as the v0 baseline), or any stage script of a lesson's
    py_project (then only its Python driver)."""
    exercise = next((e for e in exercises if e.id == name), None)
    stages = tomllib.loads(METADATA.read_text(encoding="utf-8")).get("stages", {})
    if exercise is not None:
        return StageFiles(name, exercise.files, driver_of(exercise.benchmark))
    if name in stages:
        return StageFiles(name, tuple(stages[name]["files"]), driver_of(name))
    if (driver := driver_of(name)) is not None:
        return StageFiles(name, (), driver)
    known = ", ".join([*(e.id for e in exercises), *stages])
    raise ExerciseError(
        f"unknown stage {name!r}: it is not an exercise, not listed under [stages] in "
        f"exercises.toml, and no lesson has a py_project/{name}.py. Stages with Rust "
        f"files: {known}; any stage script of a lesson's py_project/ can be diffed too "
        "(its Python driver)."
    )


def unified_diff(name_a: str, name_b: str) -> list[str]:
    return list(
        difflib.unified_diff(
            (ROOT / name_a).read_text(encoding="utf-8").splitlines(keepends=True),
            (ROOT / name_b).read_text(encoding="utf-8").splitlines(keepends=True),
            fromfile=name_a,
            tofile=name_b,
        )
    )


def show_diff(a: StageFiles, b: StageFiles) -> None:
    """What changes from stage `a` to stage `b`: their Rust files, then their drivers.

    Two stages can share a Rust file (the two stratified splits, the three text
    versions): there is then no second version of the file to compare, and the tool
    says so instead of printing an empty diff."""
    shared = sorted(set(a.rust) & set(b.rust))
    if shared:
        print(
            f"{a.name} and {b.name} are written in the same Rust file(s): {', '.join(shared)}. "
            "They are different functions of that file, not two versions of it: read them "
            "side by side there."
        )
    only_a = [f for f in a.rust if f not in shared]
    only_b = [f for f in b.rust if f not in shared]
    for name_a, name_b in zip(only_a, only_b, strict=False):
        sys.stdout.writelines(unified_diff(name_a, name_b))
    for extra in only_a[len(only_b) :] + only_b[len(only_a) :]:
        owner = a.name if extra in only_a else b.name
        print(f"(only {owner} has {extra})")
    if a.driver and b.driver:
        sys.stdout.writelines(unified_diff(a.driver, b.driver))
    elif a.driver or b.driver:
        print(f"(only {a.name if a.driver else b.name} has a Python driver)")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m workshop exercises",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("list", help="every exercise with its state")
    p_start = sub.add_parser("start", help="write the exercise files")
    p_start.add_argument("which", help="an exercise id, or all")
    p_start.add_argument("--level", choices=LEVELS, default="intermediate")
    p_start.add_argument("--force", action="store_true", help="overwrite your edits (backed up)")
    p_check = sub.add_parser("check", help="rebuild, run the tests, say done or what failed")
    p_check.add_argument("which", help="an exercise id, or all")
    p_check.add_argument("--no-timing", action="store_true", help="skip the benchmark row")
    p_hint = sub.add_parser("hint", help="the hint of an exercise")
    p_hint.add_argument("which")
    p_hint.add_argument("--level", choices=LEVELS, default=None)
    p_diff = sub.add_parser("diff", help="compare two stages")
    p_diff.add_argument("a")
    p_diff.add_argument("b")
    p_reset = sub.add_parser("reset", help="restore the solution")
    p_reset.add_argument("which", help="an exercise id, or all")
    args = parser.parse_args(argv)

    exercises = load_exercises()
    state = State.load()
    try:
        if args.command == "list":
            show_list(exercises, state)
        elif args.command == "start":
            chosen = select(exercises, args.which)
            written = start(chosen, args.level, args.force, state)
            print(f"Exercise files written ({args.level} level):")
            for rel in written:
                print(f"  {rel}")
            first = chosen[0].id
            print(
                f"\nOpen the TODOs, then run `python -m workshop exercises check {first}`."
                f"\nThe lesson text is in {chosen[0].lesson}."
            )
        elif args.command == "check":
            results = [
                check(e, state, timing=not args.no_timing) for e in select(exercises, args.which)
            ]
            return 0 if all(results) else 1
        elif args.command == "hint":
            show_hint(select(exercises, args.which)[0], args.level, state)
        elif args.command == "diff":
            show_diff(stage_files(args.a, exercises), stage_files(args.b, exercises))
        elif args.command == "reset":
            restored = reset(select(exercises, args.which), state)
            for rel, backup in restored:
                note = f" (your version is saved in {backup.relative_to(ROOT)})" if backup else ""
                print(f"restored the solution of {rel}{note}")
            if not restored:
                print("nothing to restore: the files already hold the solution")
    except ExerciseError as err:
        print(f"error: {err}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    os.environ.setdefault("PYTHONUNBUFFERED", "1")
    sys.exit(main())
