"""Tests of the marker format (workshop/stubs.py) and of the exercise tool's start/reset/list."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from workshop import exercises as ex
from workshop.stubs import MarkerError, has_markers, make_exercise, parse, regions, render

SOLUTION = textwrap.dedent(
    """\
    //! A stage.
    use pyo3::prelude::*;

    /// Adds the squares.
    fn sum_squares(v: &[f64]) -> PyResult<f64> {
        // exercise: demo hard: write the whole function
        let mut total = 0.0;
        for x in v {
            // exercise: demo easy: add the square of x
            total += x * x;
            // stub:
            // let _ = x;
            // end exercise: demo easy
        }
        // exercise: demo intermediate: return the total
        Ok(total)
        // stub:
        // todo_exercise!("demo", "return the total")
        // end exercise: demo intermediate
        // stub:
        // todo_exercise!("demo", "write the whole function")
        // end exercise: demo hard
    }

    fn other() -> PyResult<()> {
        // exercise: other hard: write other
        Ok(())
        // stub:
        // end exercise: other hard
    }
    """
)


def body_of(text: str) -> str:
    """The file without the generated header."""
    return "\n".join(line for line in text.splitlines() if not line.startswith(("// ", "#!")))


def test_parse_finds_nested_regions_in_order():
    found = regions(parse(SOLUTION))
    assert [(r.exercise, r.level) for r in found] == [
        ("demo", "hard"),
        ("demo", "easy"),
        ("demo", "intermediate"),
        ("other", "hard"),
    ]
    assert found[0].line == 6


def test_easy_level_removes_only_easy_regions():
    out = make_exercise(SOLUTION, "easy", {"demo"})
    assert "// TODO(demo): add the square of x" in out
    assert "let _ = x;" in out
    assert "total += x * x;" not in out
    assert "Ok(total)" in out  # intermediate region kept at the easy level
    assert "// exercise:" not in out and "// stub:" not in out and "// end exercise" not in out


def test_intermediate_level_removes_easy_and_intermediate_regions():
    out = make_exercise(SOLUTION, "intermediate", {"demo"})
    assert "total += x * x;" not in out
    assert "Ok(total)" not in out
    assert 'todo_exercise!("demo", "return the total")' in out
    assert "let mut total = 0.0;" in out


def test_hard_level_keeps_signature_and_doc_only():
    out = make_exercise(SOLUTION, "hard", {"demo"})
    assert "/// Adds the squares." in out
    assert "fn sum_squares(v: &[f64]) -> PyResult<f64> {" in out
    assert "let mut total" not in out
    assert 'todo_exercise!("demo", "write the whole function")' in out
    assert "return the total" not in out  # inner regions go with the outer one


def test_other_exercises_stay_solutions():
    out = make_exercise(SOLUTION, "hard", {"demo"})
    assert "Ok(())" in out  # `other` is not started
    assert 'todo_exercise!("other"' not in out
    both = make_exercise(SOLUTION, "hard")  # None means every exercise of the file
    assert 'todo_exercise!("other"' in both


def test_header_names_the_exercise_and_silences_unfinished_code_warnings():
    out = make_exercise(SOLUTION, "hard", {"demo"})
    assert out.startswith("// Exercise demo (hard level)")
    assert "#![allow(unreachable_code" in out
    assert not has_markers(out)


def test_stub_lines_are_uncommented_with_their_indentation():
    out = make_exercise(SOLUTION, "easy", {"demo"})
    assert "\n        // TODO(demo): add the square of x\n        let _ = x;\n" in out


def test_an_empty_stub_becomes_the_exercise_placeholder():
    out = make_exercise(SOLUTION, "hard", {"other"})
    assert 'todo_exercise!("other", "write other");' in out
    assert "Ok(())" not in out


def test_rendering_without_removing_anything_gives_the_solution_minus_markers():
    kept = render(parse(SOLUTION), "hard", set())
    assert kept.count("\n") < SOLUTION.count("\n")
    assert "total += x * x;" in kept and "Ok(())" in kept
    assert not has_markers(kept)


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("// exercise: a hard: x\nfoo\n", "is not closed"),
        ("foo\n// end exercise: a hard\n", "without an opening marker"),
        ("// exercise: a hard: x\n// end exercise\n", "names the region it closes"),
        ("// exercise: a hard: x\n// end exercise: a easy\n", "which is a hard: write"),
        ("// exercise: a hard: x\n// end exercise: b hard\n", "which is a hard: write"),
        ("// stub:\n", "outside an exercise region"),
        ("// exercise: a medium: x\n// end exercise: a medium\n", "unknown level 'medium'"),
        (
            "// exercise: a hard: x\n// stub:\nnot commented\n// end exercise: a hard\n",
            "commented out",
        ),
        ("// exercise: a hard x\n", "malformed exercise marker"),
        ("// exercise: a hard: x\n// stub:\n// exercise: b easy: y\n", "inside a stub"),
    ],
)
def test_malformed_markers_are_reported_with_file_and_line(text, problem):
    with pytest.raises(MarkerError, match=problem) as info:
        parse(text, "lib_demo.rs")
    assert "lib_demo.rs:" in str(info.value)


# --------------------------------------------------------------------------------------
# start / reset / list on a throwaway tree


@pytest.fixture
def tree(tmp_path):
    (tmp_path / "src").mkdir()
    (tmp_path / "src" / "lib_demo.rs").write_text(SOLUTION)
    demo = ex.Exercise(
        id="demo",
        title="Demo",
        crate="democrate",
        files=("src/lib_demo.rs",),
        tests=("tests",),
        benchmark="demo",
        lesson="nowhere",
        hints={"hard": "think"},
    )
    return tmp_path, demo, ex.State.load(tmp_path)


def test_start_then_reset_round_trip(tree):
    root, demo, state = tree
    path = root / "src" / "lib_demo.rs"
    assert ex.status(demo, state) == ("solution", "done (solution)")
    ex.start([demo], "hard", force=False, state=state)
    assert 'todo_exercise!("demo", "write the whole function")' in path.read_text()
    assert ex.status(demo, state) == ("exercise (hard)", "not done")
    assert ex.reset([demo], state) == [("src/lib_demo.rs", None)]
    assert path.read_text() == SOLUTION


def test_start_refuses_to_overwrite_student_work_without_force(tree):
    root, demo, state = tree
    path = root / "src" / "lib_demo.rs"
    ex.start([demo], "easy", force=False, state=state)
    path.write_text(path.read_text() + "\n// my work\n")
    assert ex.status(demo, state)[0] == "exercise (easy), edited"
    with pytest.raises(ex.ExerciseError, match="your own edits"):
        ex.start([demo], "hard", force=False, state=state)
    assert path.read_text().endswith("// my work\n")  # untouched
    ex.start([demo], "hard", force=True, state=state)
    backups = list((root / ".exercises" / "backup" / "src").iterdir())
    assert len(backups) == 1 and backups[0].read_text().endswith("// my work\n")


def test_restarting_an_untouched_exercise_changes_its_level(tree):
    root, demo, state = tree
    ex.start([demo], "easy", force=False, state=state)
    ex.start([demo], "hard", force=False, state=state)
    text = (root / "src" / "lib_demo.rs").read_text()
    assert "(hard level)" in text and "let mut total" not in text


def test_reset_backs_up_edited_files(tree):
    root, demo, state = tree
    path = root / "src" / "lib_demo.rs"
    ex.start([demo], "hard", force=False, state=state)
    path.write_text("// half done\n")
    [(_file, backup)] = ex.reset([demo], state)
    assert path.read_text() == SOLUTION
    assert backup is not None and backup.read_text() == "// half done\n"


def test_missing_solution_copy_is_explained(tree):
    root, demo, state = tree
    (root / "src" / "lib_demo.rs").write_text("// no markers, no copy\n")
    with pytest.raises(ex.ExerciseError, match="git checkout"):
        ex.reset([demo], state)


def test_first_compiler_error_extracts_the_error_block():
    output = (
        "   Compiling x\nwarning: unused\n"
        "error[E0425]: cannot find value `y`\n --> a.rs:3\n  |\nmore\n"
    )
    block = ex.first_compiler_error(output)
    assert block.startswith("error[E0425]: cannot find value `y`")
    assert "--> a.rs:3" in block and "warning" not in block


def test_compiler_error_skips_the_wrappers_and_finds_the_location():
    # The shape of uv's report (its own `error:` first, the backend's output indented),
    # shortened; the real output is tested in test_exercises.py.
    output = (
        "error: Failed to build `demo @ file:///x/demo`\n"
        "  cause: The build backend returned an error\n"
        "         [stderr]\n"
        "            Compiling demo v0.1.0 (/x/demo)\n"
        "         warning: unused variable: `z`\n"
        "          --> demo/src/lib.rs:2:9\n"
        "\n"
        "         error[E0425]: cannot find value `y` in this scope\n"
        "          --> demo/src/lib.rs:3:5\n"
        "           |\n"
        "         3 |     y\n"
        "           |     ^ not found in this scope\n"
        "\n"
        "         error: could not compile `demo` (lib) due to 2 previous errors\n"
    )
    found = ex.compiler_error(output, Path("/x"))
    assert found.text.splitlines()[0] == "error[E0425]: cannot find value `y` in this scope"
    assert found.text.splitlines()[-1] == "  |     ^ not found in this scope"
    assert (found.file, found.line, found.column, found.errors) == ("demo/src/lib.rs", 3, 5, 2)
    assert found.where() == "Open demo/src/lib.rs at line 3, column 5."


def test_compiler_error_without_a_location_and_in_short_format():
    linker = (
        "   Compiling x\nerror: linking with `cc` failed: exit status: 1\n  = note: ld: -lfoo\n"
    )
    found = ex.compiler_error(linker)
    assert found.text.startswith("error: linking with `cc` failed")
    assert found.file is None and found.where() == ""
    short = ex.compiler_error("src/lib.rs:7:3: error[E0308]: mismatched types\n")
    assert (short.file, short.line, short.column) == ("src/lib.rs", 7, 3)
    nothing = ex.compiler_error("Killed\n")
    assert nothing.text == "Killed" and nothing.file is None
