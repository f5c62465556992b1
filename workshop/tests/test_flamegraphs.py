"""`python -m workshop flamegraphs` records a graph again only when its code changed.

A toy lesson in a temporary folder (an exercises.toml, a crate with shared and per-stage
Rust files, a Python package, drivers, a helper module and a suites module) and a fake
recorder that writes an SVG and counts its calls: py-spy itself is not run here.
"""

from __future__ import annotations

import json
import sys
import textwrap
from pathlib import Path

import pytest

from workshop import flamegraphs as fg

EXERCISES_TOML = """
[[exercise]]
id = "demo_v1"
title = "the first Rust stage"
crate = "demo_rs"
files = ["demo_rs/src/lib_v1.rs"]
tests = ["demo_rs/tests"]
lesson = "nowhere"

[stages]
demo_v0 = { crate = "demo_rs", files = ["demo_rs/src/lib_v0.rs"] }
"""

FILES = {
    "demo_rs/src/lib.rs": "mod lib_v0;\nmod lib_v1;\nmod shared;\n",
    "demo_rs/src/lib_v0.rs": "// the baseline's Rust twin\n",
    "demo_rs/src/lib_v1.rs": "pub fn v1() {}\n",
    "demo_rs/src/lib_v2.rs": "pub fn v2() {}\n",  # a stage exercises.toml does not list
    "demo_rs/src/shared.rs": "pub fn helper() {}\n",
    "demo_rs/python/demo_rs/__init__.py": "",
    "demo_rs/py_project/demo_data.py": "def make(n):\n    return list(range(n))\n",
    "demo_rs/py_project/demo_v0.py": "import demo_data\n\n\ndef main(x):\n    return sum(x)\n",
    "demo_rs/py_project/demo_v1.py": "import demo_rs\n\n\ndef main(x):\n    return sum(x)\n",
    "demo_rs/py_project/demo_v2.py": "from demo_rs import v2\n\n\ndef main(x):\n    return 0\n",
    "demo_rs/py_project/demo_suites.py": textwrap.dedent(
        """
        from workshop.bench import Suite

        SUITES = [
            Suite(
                name="demo",
                title="Demo",
                versions=["demo_v0", "demo_v1", "demo_v2"],
                prepare=lambda module, seed: [1, 2, 3],
                run=lambda module, data: module.main(data),
                compare=lambda expected, actual: None,
            )
        ]
        """
    ),
}
VERSIONS = ["demo_v0", "demo_v1", "demo_v2"]
OPTIONS = {"seconds": 3.0, "rate": 200, "native": True}


@pytest.fixture
def lesson(tmp_path):
    for rel, text in FILES.items():
        path = tmp_path / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    (tmp_path / "exercises.toml").write_text(EXERCISES_TOML)
    py_project = tmp_path / "demo_rs" / "py_project"
    return fg.Lesson(py_project, root=tmp_path, suites_module="demo_suites")


class FakeRecorder:
    """Writes an SVG naming the version and the run, instead of running py-spy."""

    def __init__(self, fail: set[str] = frozenset()):
        self.calls: list[str] = []
        self.fail = fail

    def __call__(self, version: str, out: Path, options: dict) -> None:
        self.calls.append(version)
        if version in self.fail:
            raise fg.RecordingFailed(f"exercise {version} is not done yet")
        out.write_text(f"<svg>{version} {len(self.calls)}</svg>")


def run(lesson, recorder=None, lines=None, **kwargs):
    recorder = recorder or FakeRecorder()
    status = fg.run(
        lesson,
        kwargs.pop("versions", VERSIONS),
        kwargs.pop("options", OPTIONS),
        lesson.py_project / "graphs",
        recorder=recorder,
        metadata=lesson.root / "exercises.toml",
        say=(lines.append if lines is not None else lambda line: None),
        **kwargs,
    )
    return status, recorder.calls


def edit(lesson, rel: str, extra: str = "# changed\n") -> None:
    path = lesson.root / rel
    path.write_text(path.read_text() + extra)


def test_first_run_records_everything_and_a_second_run_nothing(lesson):
    assert run(lesson) == (0, VERSIONS)
    record = lesson.py_project / "graphs" / "sources.json"
    written = record.read_bytes()
    stages = json.loads(written)["stages"]
    assert set(stages) == set(VERSIONS)
    assert stages["demo_v1"]["options"] == OPTIONS
    assert run(lesson) == (0, [])
    assert record.read_bytes() == written  # untouched: git stays clean


def test_each_stage_depends_on_its_own_files(lesson):
    sources = {
        v: set(
            fg.digests(
                lesson, lesson.sources(v, fg.declared_stage_files(lesson.root / "exercises.toml"))
            )
        )
        for v in VERSIONS
    }
    # demo_v0 is pure Python: its driver, the helper it imports, the suites module.
    assert sources["demo_v0"] == {
        "py_project/demo_v0.py",
        "py_project/demo_data.py",
        "py_project/demo_suites.py",
    }
    # demo_v1 is listed in exercises.toml: its file, and the crate's files no stage lists.
    assert {f for f in sources["demo_v1"] if f.startswith("src/")} == {
        "src/lib_v1.rs",
        "src/lib.rs",
        "src/shared.rs",
        "src/lib_v2.rs",  # no stage lists it, so it counts as shared
    }
    assert "python/demo_rs/__init__.py" in sources["demo_v1"]
    # demo_v2 is not listed: all of the crate's Rust.
    assert {f for f in sources["demo_v2"] if f.startswith("src/")} == {
        "src/lib.rs",
        "src/lib_v0.rs",
        "src/lib_v1.rs",
        "src/lib_v2.rs",
        "src/shared.rs",
    }


@pytest.mark.parametrize(
    ("changed", "recorded"),
    [
        ("demo_rs/src/lib_v1.rs", ["demo_v1", "demo_v2"]),  # v2 is not listed: all the crate
        ("demo_rs/src/shared.rs", ["demo_v1", "demo_v2"]),  # not v0: it uses no Rust
        ("demo_rs/src/lib_v0.rs", ["demo_v2"]),  # v0's driver does not import the crate
        ("demo_rs/py_project/demo_v1.py", ["demo_v1"]),
        ("demo_rs/py_project/demo_data.py", ["demo_v0"]),  # only v0 imports the helper
        ("demo_rs/py_project/demo_suites.py", VERSIONS),  # the suites module: every stage
        ("demo_rs/python/demo_rs/__init__.py", ["demo_v1", "demo_v2"]),
    ],
)
def test_a_changed_file_records_the_stages_that_depend_on_it(lesson, changed, recorded):
    run(lesson)
    edit(lesson, changed)
    lines: list[str] = []
    assert run(lesson, lines=lines) == (0, recorded)
    assert f"changed: {changed.removeprefix('demo_rs/')}" in lines[1]
    assert run(lesson) == (0, [])  # recorded: up to date again


def test_all_records_everything_and_named_versions_are_recorded(lesson):
    run(lesson)
    assert run(lesson, everything=True) == (0, VERSIONS)
    assert run(lesson, versions=["demo_v1"], named=["demo_v1"], known_versions=VERSIONS) == (
        0,
        ["demo_v1"],
    )
    stages = json.loads((lesson.py_project / "graphs" / "sources.json").read_text())["stages"]
    assert set(stages) == set(VERSIONS)  # a partial run keeps the other stages' records


def test_a_missing_graph_or_other_settings_are_recorded_again(lesson):
    run(lesson)
    (lesson.py_project / "graphs" / "demo_v0.svg").unlink()
    assert run(lesson) == (0, ["demo_v0"])
    assert run(lesson, options={**OPTIONS, "seconds": 5.0}) == (0, VERSIONS)


def test_a_failed_recording_keeps_the_old_graph_and_is_tried_again(lesson):
    run(lesson)
    graph = lesson.py_project / "graphs" / "demo_v1.svg"
    before = graph.read_text()
    edit(lesson, "demo_rs/src/lib_v1.rs")
    lines: list[str] = []
    status, calls = run(lesson, recorder=FakeRecorder(fail={"demo_v1"}), lines=lines)
    assert status == 1 and calls == ["demo_v1", "demo_v2"]
    assert graph.read_text() == before
    assert any("not recorded, the old graph is kept: exercise demo_v1" in line for line in lines)
    assert run(lesson) == (0, ["demo_v1"])  # its sources were not marked as recorded


def test_progress_shows_a_counter_and_an_estimate(lesson):
    lines: list[str] = []
    run(lesson, lines=lines)
    assert lines[0] == "demo_rs: 3 flamegraph(s), 0 up to date, 3 to record (about 35 s)"
    assert lines[1].startswith("[1/3] demo_v0 (no graph yet; about 35 s left)")
    assert lines[3].startswith("[3/3] demo_v2 (")
    assert lines[3].endswith(" left)")


def test_main_reads_the_lessons_suites_module(lesson, monkeypatch):
    recorded = []
    monkeypatch.chdir(lesson.py_project)
    monkeypatch.syspath_prepend(str(lesson.py_project))
    monkeypatch.setattr(fg, "METADATA", lesson.root / "exercises.toml")
    monkeypatch.setattr(fg, "record", lambda v, out, options: recorded.append(v))
    monkeypatch.setattr(fg, "suites_module_name", lambda py_project: "demo_suites")
    try:
        assert fg.main(["demo_v2", "--seconds", "1"]) == 0
    finally:
        sys.modules.pop("demo_suites", None)
    assert recorded == ["demo_v2"]
    with pytest.raises(SystemExit):
        fg.main(["demo_nope"])


# --------------------------------------------------------------------------------------
# One real recording: py-spy exits with 0 whatever the profiled run did, so `record`
# reads measure.py's result to tell a timed version from an unfinished one.

MEASURE_PY = (
    "from workshop.bench import measure_main\n\nraise SystemExit(measure_main('demo_suites'))\n"
)


def test_record_profiles_a_version_and_refuses_an_unfinished_one(lesson, monkeypatch):
    py_project = lesson.py_project
    (py_project / "measure.py").write_text(MEASURE_PY)
    (py_project / "demo_v1.py").write_text(
        "def main(x):\n    raise NotImplementedError('exercise demo_v1 is not done yet: sum')\n"
    )
    monkeypatch.chdir(py_project)
    options = {"seconds": 0.3, "rate": 50, "native": False}
    graphs = py_project / "graphs"
    graphs.mkdir()
    fg.record("demo_v0", graphs / "demo_v0.svg", options)
    assert graphs.joinpath("demo_v0.svg").read_text().lstrip().startswith("<?xml")
    with pytest.raises(fg.RecordingFailed, match="exercise demo_v1 is not done yet"):
        fg.record("demo_v1", graphs / "demo_v1.svg", options)
    assert not (graphs / "demo_v1.svg").exists()


def test_a_failing_py_spy_is_a_failed_recording(lesson, monkeypatch, tmp_path):
    fake = tmp_path / "py-spy"
    fake.write_text("#!/bin/sh\necho 'Permission denied: try running as root' >&2\nexit 1\n")
    fake.chmod(0o755)
    monkeypatch.setattr(fg, "py_spy", lambda: str(fake))
    monkeypatch.chdir(lesson.py_project)
    with pytest.raises(fg.RecordingFailed, match="exited with 1:\n    Permission denied"):
        fg.record("demo_v0", tmp_path / "demo_v0.svg", OPTIONS)
