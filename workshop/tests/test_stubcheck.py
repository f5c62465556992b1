"""`make lint`'s stub check (workshop/stubcheck.py) sees every lesson's stubs and fails
on a stub that no longer matches its module."""

from __future__ import annotations

import os
import subprocess
import sys

from workshop.lessons import lessons
from workshop.stubcheck import ALLOWLIST, stub_modules


def test_every_lesson_has_checked_stubs():
    modules = stub_modules()
    for lesson in lessons():
        assert any(m.startswith(f"{lesson.package}.") for m in modules), lesson.folder


def test_a_renamed_function_in_a_stub_fails_the_check(tmp_path):
    lesson = next(found for found in lessons() if found.folder == "text_prep_rs")
    stub = lesson.path / "python" / lesson.package / f"_{lesson.package}.pyi"
    renamed = stub.read_text().replace("def preprocess_text(", "def preprocess_texts(")
    assert renamed != stub.read_text()
    package = tmp_path / lesson.package
    package.mkdir()
    (package / "__init__.pyi").write_text("")
    (package / stub.name).write_text(renamed)
    # MYPYPATH comes before site-packages: stubtest reads the renamed stub.
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "mypy.stubtest",
            "--allowlist",
            str(ALLOWLIST),
            lesson.compiled_module,
        ],
        env={**os.environ, "MYPYPATH": str(tmp_path)},
        capture_output=True,
        text=True,
    )
    assert done.returncode != 0
    assert f"{lesson.compiled_module}.preprocess_text is not present in stub" in done.stdout
