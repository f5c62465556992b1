"""The original workshop's own commands work as written, with `.venv` activated.

The original text has its readers activate the environment (`source .venv/bin/activate`)
and then run `maturin develop --release` in a lesson folder, `uv sync` at the root,
`python3 measure.py <version>` in `py_project/`, and py-spy on a run of measure.py. This
test runs exactly those commands in this checkout's `.venv` (after `make setup`), in the
environment `activate` gives, and checks what a student would: every command exits 0,
`measure.py` prints the article's `Took an avg of ...` line, every lesson module still
imports afterwards, and every installed package is still at its `requirements.lock` pin
(`uv sync` resolves with the lock's `exclude-newer` date, so it finds the same versions).

`maturin develop` leaves an editable install and a copy of the compiled module in the
lesson's `python/` folder; `uv sync` then puts the lesson packages back as the bootstrap
installs them (not editable), and the test removes the copies, so the next `make setup`
has nothing to rebuild.
"""

from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path

import pytest
from packaging.markers import Marker
from packaging.utils import canonicalize_name

from workshop.lessons import ROOT, lessons

VENV = ROOT / ".venv"
# The original article's profiling command (its output name is git-ignored).
PY_SPY = ["py-spy", "record", "--native", "-o", "graphs/profile.svg"]
pytestmark = pytest.mark.slow


def activated_env() -> dict[str, str]:
    """The environment `source .venv/bin/activate` gives a shell."""
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONHOME", "PYO3_PYTHON")}
    env["VIRTUAL_ENV"] = str(VENV)
    env["PATH"] = f"{VENV / 'bin'}{os.pathsep}{os.environ.get('PATH', '')}"
    return env


def run(command: list[str], cwd: Path) -> subprocess.CompletedProcess:
    done = subprocess.run(
        command, cwd=cwd, env=activated_env(), capture_output=True, text=True, timeout=900
    )
    assert done.returncode == 0, (
        f"`{' '.join(command)}` in {cwd} exited with {done.returncode}:\n"
        f"{done.stdout[-3000:]}\n{done.stderr[-3000:]}"
    )
    return done


def locked_pins() -> dict[str, str]:
    """`requirements.lock`'s version of every package that applies to this Python."""
    pins = {}
    for line in (ROOT / "requirements.lock").read_text().splitlines():
        found = re.match(r"^([A-Za-z0-9._-]+)==([^ ;\\]+)\s*(?:;\s*([^\\]+?))?\s*\\?$", line)
        if found and (found[3] is None or Marker(found[3]).evaluate()):
            pins[canonicalize_name(found[1])] = found[2]
    return pins


def installed() -> dict[str, str]:
    done = run(["uv", "pip", "list", "--format", "freeze"], ROOT)
    versions = {}
    for line in done.stdout.splitlines():
        name, _, version = line.partition("==")
        if version:
            versions[canonicalize_name(name)] = version
    return versions


def off_the_lock() -> list[str]:
    ours = {canonicalize_name(lesson.package) for lesson in lessons()}
    ours.add(canonicalize_name("rust-for-data-science"))
    pins = locked_pins()
    return [
        f"{name} {version} (lock: {pins.get(name, 'not in the lock')})"
        for name, version in sorted(installed().items())
        if name not in ours and pins.get(name) != version
    ]


@pytest.fixture(scope="module")
def compiled_copies():
    """Remove the compiled modules `maturin develop` copies into the lessons' python/."""
    yield
    for lesson in lessons():
        for copy in (lesson.path / "python" / lesson.package).glob(f"_{lesson.package}.*"):
            if copy.suffix in (".so", ".pyd"):
                copy.unlink()


def test_the_environment_starts_on_the_lock():
    assert off_the_lock() == []


def test_maturin_develop_in_lesson_folders_then_measure_py(compiled_copies):
    for folder in ("poly_match_rs", "ml_demos_rs"):
        run(["maturin", "develop", "--release"], ROOT / folder)
    done = run(["python3", "measure.py", "poly_match_v1"], ROOT / "poly_match_rs" / "py_project")
    assert re.search(r"Took an avg of [\d.]+ms per iteration \(\d+ Iterations\)", done.stdout)
    assert "same result as poly_match_v0" in done.stdout


def test_py_spy_on_measure_py_writes_the_ignored_profile():
    py_project = ROOT / "poly_match_rs" / "py_project"
    profile = py_project / "graphs" / "profile.svg"
    profile.unlink(missing_ok=True)
    run(
        [*PY_SPY, "--", "python", "measure.py", "poly_match_v0", "--budget", "0.5"],
        py_project,
    )
    try:
        assert profile.stat().st_size > 1000
        ignored = subprocess.run(["git", "check-ignore", "-q", str(profile)], cwd=ROOT)
        assert ignored.returncode == 0, "graphs/profile.svg is not git-ignored"
    finally:
        profile.unlink(missing_ok=True)


def test_uv_sync_keeps_every_pin_and_every_lesson(compiled_copies):
    run(["uv", "sync"], ROOT)
    imports = "; ".join(f"import {lesson.package}" for lesson in lessons())
    run(["python3", "-c", imports], ROOT)
    assert off_the_lock() == []
