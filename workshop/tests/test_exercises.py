"""The exercises hold together (run by `make test`, as CI requires):

- every exercise in exercises.toml has marked regions, and its three levels differ;
- for every level, the stubs of every exercise, generated in a temporary copy of the
  repository, compile without warnings, and every exercise's check fails on its stub
  with the exercise's own NotImplementedError;
- every exercise's check passes on the solutions (the installed build of the tree);
- a compile error in an exercise file reaches the student: `check` prints rustc's first
  diagnostic from the real output of its build (uv, maturin and cargo), and where to look.

The stub builds use cargo's debug profile in their own target folder
(`target/exercise-stubs/`): the check's verdict comes from the same `run_tests` the
`check` command uses, only the build is faster than the release build students get.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest

from workshop import exercises as ex
from workshop.stubs import HEADER, LEVELS, has_markers, make_exercise, parse, regions

EXERCISES = ex.load_exercises()
IDS = [e.id for e in EXERCISES]
ROOT = ex.ROOT


def test_exercise_ids_are_unique_and_files_exist():
    assert len(IDS) == len(set(IDS))
    for exercise in EXERCISES:
        for rel in exercise.files:
            assert (ROOT / rel).is_file(), f"{exercise.id}: missing {rel}"
        assert (exercise.py_project / f"{exercise.benchmark}.py").is_file()
        assert set(exercise.hints) == set(LEVELS), f"{exercise.id}: one hint per level"


@pytest.mark.parametrize("exercise", EXERCISES, ids=IDS)
def test_every_level_removes_more_code(exercise):
    """Each file of the exercise holds some of its regions; over all its files there is a
    region of every level, and each level keeps fewer lines than the one before (a
    core and its Python wrapper may share the regions of one exercise)."""
    found: set[str] = set()
    kept = [0, 0, 0]
    for rel in exercise.files:
        solution = (ROOT / rel).read_text(encoding="utf-8")
        assert has_markers(solution), f"{rel} holds no exercise markers"
        found |= {r.level for r in regions(parse(solution, rel)) if r.exercise == exercise.id}
        for i, level in enumerate(LEVELS):
            written = make_exercise(solution, level, {exercise.id}, rel)
            header = HEADER.format(ids=exercise.id, level=level)
            kept[i] += len(written.removeprefix(header).splitlines())  # the code, not the header
    assert "hard" in found, f"{exercise.id}: no hard region"
    assert kept[0] > kept[1] > kept[2], f"{exercise.id}: lines kept per level {kept}"


def test_every_marked_region_belongs_to_a_known_exercise():
    for rust_file in sorted(ROOT.glob("*_rs/src/**/*.rs")):
        rel = str(rust_file.relative_to(ROOT))
        for region in regions(parse(rust_file.read_text(encoding="utf-8"), rel)):
            assert region.exercise in IDS, f"{rel}:{region.line}: unknown {region.exercise}"
            owner = next(e for e in EXERCISES if e.id == region.exercise)
            assert rel in owner.files, f"{rel} is not listed in the files of {owner.id}"


@pytest.mark.parametrize("exercise", EXERCISES, ids=IDS)
def test_check_passes_on_the_solution(exercise):
    outcome = ex.run_tests(exercise)
    assert outcome.passed, ex.explain_failure(exercise, outcome) + "\n" + outcome.output[-3000:]


# --------------------------------------------------------------------------------------
# The stubs, built and checked in a copy of the repository


def repository_files() -> list[str]:
    listed = subprocess.run(
        ["git", "ls-files", "--cached", "--others", "--exclude-standard"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.splitlines()
    return [f for f in listed if (ROOT / f).is_file()]


@pytest.fixture(scope="module")
def copy_of_repository(tmp_path_factory):
    copy = tmp_path_factory.mktemp("exercise-stubs") / "repo"
    for rel in repository_files():
        target = copy / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(ROOT / rel, target)
    return copy


def build_stub_modules(copy: Path, site: Path) -> None:
    """Compile every crate of the copy (debug) and lay its Python package out in `site`."""
    env = {
        **os.environ,
        "CARGO_TARGET_DIR": str(ROOT / "target" / "exercise-stubs"),
        "PYO3_PYTHON": sys.executable,
        "PYO3_BUILD_EXTENSION_MODULE": "1",  # an extension module, as maturin builds it
    }
    suffix = sysconfig.get_config_var("EXT_SUFFIX")
    for crate in sorted({e.crate for e in EXERCISES}):
        proc = subprocess.run(
            ["cargo", "build", "--quiet", "-p", crate, "--lib", "--message-format", "short"],
            cwd=copy,
            env=env,
            capture_output=True,
            text=True,
        )
        assert proc.returncode == 0, f"the {crate} stubs do not compile:\n{proc.stderr}"
        warnings = [line for line in proc.stderr.splitlines() if "warning" in line]
        assert not warnings, f"the {crate} stubs compile with warnings:\n{proc.stderr}"
        package = site / crate
        shutil.rmtree(package, ignore_errors=True)
        shutil.copytree(copy / crate / "python" / crate, package)
        lib_dir = Path(env["CARGO_TARGET_DIR"]) / "debug"
        built = next(
            p for p in lib_dir.iterdir() if p.name in (f"lib_{crate}.so", f"lib_{crate}.dylib")
        )
        shutil.copy2(built, package / f"_{crate}{suffix}")
        # A lesson whose package also holds a WebAssembly module (the inference lesson)
        # builds it from the copy's sources too, as the setup does.
        wasm_build = copy / crate / "wasm" / "build_wasm.py"
        if wasm_build.exists():
            proc = subprocess.run(
                [sys.executable, str(wasm_build), "--out", str(package), "--quiet"],
                capture_output=True,
                text=True,
            )
            assert proc.returncode == 0, f"the {crate} wasm stubs do not compile:\n{proc.stderr}"
            assert (package / "inference_wasm.wasm").exists(), proc.stderr


@pytest.mark.slow
@pytest.mark.parametrize("level", LEVELS)
def test_stubs_compile_and_every_check_fails_on_its_stub(level, copy_of_repository, tmp_path):
    copy = copy_of_repository
    state = ex.State.load(copy)
    ex.start(EXERCISES, level, force=True, state=state)
    for exercise in EXERCISES:
        for rel in exercise.files:
            assert not has_markers((copy / rel).read_text(encoding="utf-8"))
    site = tmp_path / "site"
    site.mkdir()
    build_stub_modules(copy, site)
    env = {**os.environ, "PYTHONPATH": str(site)}
    probe = subprocess.run(
        [sys.executable, "-c", "import poly_match_rs; print(poly_match_rs.__file__)"],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    assert probe.stdout.startswith(str(site)), "the stub build must shadow the installed one"
    for exercise in EXERCISES:
        outcome = ex.run_tests(exercise, env=env, cwd=copy)
        assert outcome.total > 0, f"{exercise.id}: no test selected"
        assert not outcome.passed, f"{exercise.id}: its check passes on the {level} stub"
        messages = " ".join(message for _, message in outcome.failures)
        assert f"exercise {exercise.id} is not done yet" in messages or (
            f"exercise {exercise.id} is not done yet" in outcome.output
        ), f"{exercise.id}: the failures do not come from its own stub:\n{outcome.output[-3000:]}"


# --------------------------------------------------------------------------------------
# A compile error reaches the student: the real output of `check`'s build, wrapped by uv
# and maturin around cargo, with the typo of a student's first edit


def typo_copy(tmp_path: Path) -> tuple[Path, int]:
    """A copy of the repository whose lib_v1.rs lost a `?` (the line number returned)."""
    copy = tmp_path / "repo"
    for rel in repository_files():
        target = copy / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(ROOT / rel, target)
    lib_v1 = copy / "poly_match_rs" / "src" / "lib_v1.rs"
    text = lib_v1.read_text(encoding="utf-8")
    assert text.count("? <") == 1, "the test's typo no longer fits lib_v1.rs"
    line = text[: text.index("? <")].count("\n") + 1
    lib_v1.write_text(text.replace("? <", " <"), encoding="utf-8")
    return copy, line


@pytest.mark.slow
def test_check_shows_the_real_compiler_error_and_where_to_look(tmp_path, capsys, monkeypatch):
    copy, line = typo_copy(tmp_path)
    # The same setup script as `check` runs, in the copy (its own .venv, from uv's cache),
    # with cargo's debug profile in a target folder of its own: the error comes before any
    # optimisation, and the release build of the tree is untouched.
    monkeypatch.setenv("CARGO_TARGET_DIR", str(ROOT / "target" / "compile-error-check"))
    monkeypatch.setenv("MATURIN_PEP517_ARGS", "--profile dev")
    uv = ROOT / ".venv-setup" / "uv" / "bin" / "uv"
    if uv.exists():
        monkeypatch.setenv("WORKSHOP_UV", str(uv))  # no second install of the pinned uv
    exercise = next(e for e in EXERCISES if e.id == "poly_match_v1")
    state = ex.State.load(copy)
    assert not ex.check(exercise, state, timing=False)
    out = capsys.readouterr().out
    assert "✗ poly_match_v1: not done: the Rust code does not compile." in out
    shown = out[out.index("does not compile.") :]
    assert "error[E0369]: binary operation `<` cannot be applied" in shown
    assert f"--> poly_match_rs/src/lib_v1.rs:{line}:" in shown
    assert f"{line} |" in shown  # the source excerpt, with the line's number
    assert "Failed to build" not in shown  # uv's wrapper is not the error
    assert f"Open poly_match_rs/src/lib_v1.rs at line {line}, column " in shown
    assert state.data["checks"]["poly_match_v1"]["done"] is False
