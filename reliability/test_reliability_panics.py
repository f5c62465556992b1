"""A Rust panic reaches Python as an exception, and the interpreter lives on.

PyO3 catches a panic at the border of every ``#[pyfunction]`` and raises
``pyo3_runtime.PanicException`` instead; that only works when panics unwind (the
workspace's release profile says ``panic = "unwind"``; with ``"abort"`` the process would
die). No export may panic on purpose, so each compiled module has a hidden
``_debug_panic(message, where_)`` (not exported by the packages, see docs/errors.md) that
panics on the calling thread, with the GIL released, or in a rayon worker thread. The
checks run in subprocesses, so an abort would fail the test instead of ending pytest.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap

import pytest
from reliability_support import describe_crash, run_isolated

MODULES = [
    "poly_match_rs._poly_match_rs",
    "ml_demos_rs._ml_demos_rs",
    "inference_rs._inference_rs",
]


@pytest.mark.parametrize("module", MODULES)
def test_a_panic_becomes_a_python_exception(module):
    run = run_isolated("panic", module)
    assert run["returncode"] == 0 and run["report"], describe_crash(run)
    report = run["report"]
    assert report["alive"], "the interpreter did not survive the panics"
    assert [r["where"] for r in report["results"]] == ["gil", "detached", "rayon"]
    for result in report["results"]:
        assert result["type"] == "PanicException", result
        assert result["module"] == "pyo3_runtime", result
        # A BaseException, not an Exception: `except Exception` does not catch it.
        assert result["is_base_exception"] and not result["is_exception"], result
        assert f"forced panic ({result['where']})" in result["message"], result


@pytest.mark.parametrize("module", MODULES)
def test_an_uncaught_panic_ends_python_with_a_traceback_not_an_abort(module):
    code = textwrap.dedent(
        f"""
        import {module.split(".")[0]}
        from {module.rsplit(".", 1)[0]} import {module.rsplit(".", 1)[1]} as compiled
        try:
            compiled._debug_panic("caught by except Exception?", "detached")
        except Exception:
            print("CAUGHT-BY-EXCEPT-EXCEPTION")
        """
    )
    completed = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        timeout=120,
        env={"RUST_BACKTRACE": "0", "PATH": "/usr/bin:/bin"},
    )
    # Exit status 1 and a Python traceback: an abort would be -6 (SIGABRT).
    assert completed.returncode == 1, (completed.returncode, completed.stderr[-2000:])
    assert "CAUGHT-BY-EXCEPT-EXCEPTION" not in completed.stdout
    assert "pyo3_runtime.PanicException: caught by except Exception?" in completed.stderr


def test_the_debug_hooks_refuse_a_wrong_argument():
    import ml_demos_rs
    import poly_match_rs

    for compiled in (poly_match_rs._poly_match_rs, ml_demos_rs._ml_demos_rs):
        with pytest.raises(ValueError, match="where_ must be"):
            compiled._debug_panic("x", "elsewhere")
        with pytest.raises(TypeError):
            compiled._debug_panic(3)
    # Not part of the packages' API.
    assert not hasattr(poly_match_rs, "_debug_panic") and not hasattr(ml_demos_rs, "_debug_panic")
    assert "_debug_panic" not in ml_demos_rs.__all__
