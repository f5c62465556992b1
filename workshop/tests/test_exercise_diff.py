"""`python -m workshop exercises diff A B`: what a student sees for each kind of pair."""

from __future__ import annotations

import pytest

from workshop import exercises as ex


def diff(capsys, a: str, b: str) -> str:
    assert ex.main(["diff", a, b]) == 0
    return capsys.readouterr().out


def test_two_stage_files_are_diffed(capsys):
    out = diff(capsys, "poly_match_v1", "poly_match_v2")
    assert "--- poly_match_rs/src/lib_v1.rs" in out and "+++ poly_match_rs/src/lib_v2.rs" in out
    assert "--- poly_match_rs/py_project/poly_match_v1.py" in out


def test_stages_sharing_a_file_say_so_instead_of_an_empty_diff(capsys):
    out = diff(capsys, "stratif1_rust_scratch", "stratif2_rust_scratch")
    assert "written in the same Rust file(s): ml_demos_rs/src/stratified.rs" in out
    assert "--- ml_demos_rs/src/stratified.rs" not in out  # no diff of a file with itself
    assert "+++ ml_demos_rs/py_project/stratif2_rust_scratch.py" in out


def test_a_stage_with_only_a_driver_is_diffed_by_its_driver(capsys):
    out = diff(capsys, "kmeans_py_scratch", "kmeans_py_sklearn")
    assert "+++ ml_demos_rs/py_project/kmeans_py_sklearn.py" in out


def test_an_unknown_stage_says_what_can_be_diffed(capsys):
    assert ex.main(["diff", "text_rust_port", "no_such_stage"]) == 1
    err = capsys.readouterr().err
    assert "unknown stage 'no_such_stage'" in err
    assert "poly_match_v1" in err and "stage script of a lesson's py_project" in err


@pytest.mark.parametrize("name", ["text_rust_buffered", "text_rust_interned", "poly_match_v0"])
def test_every_listed_stage_has_its_files(name):
    found = ex.stage_files(name, ex.load_exercises())
    assert found.rust and all((ex.ROOT / rel).is_file() for rel in found.rust)
    assert found.driver is not None
