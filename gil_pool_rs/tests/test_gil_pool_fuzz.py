"""A short run of the msgpack reader's fuzz target (gil_pool_rs/fuzz, see
docs/gil_thread_pool.md): 30 seconds of coverage-guided inputs from the seed corpus,
with no crash, no hang and no allocation past the memory limit.

It needs cargo-fuzz (``cargo install cargo-fuzz``; CI's .ci/run installs it). Without it
the test is skipped, with a message that says the fuzzing did not happen.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

FUZZ = Path(__file__).resolve().parents[1] / "fuzz"
SECONDS = 30


def cargo_fuzz_installed() -> bool:
    if shutil.which("cargo") is None:
        return False
    found = subprocess.run(["cargo", "fuzz", "--version"], capture_output=True, check=False)
    return found.returncode == 0


@pytest.mark.slow
@pytest.mark.skipif(
    not cargo_fuzz_installed(),
    reason="NOT FUZZED: cargo-fuzz is not installed (cargo install cargo-fuzz), so the "
    "msgpack reader's fuzz target did not run",
)
def test_the_msgpack_reader_survives_a_short_fuzz_run(tmp_path):
    seeds, corpus = tmp_path / "seeds", tmp_path / "corpus"
    subprocess.run([sys.executable, str(FUZZ / "make_corpus.py"), str(seeds)], check=True)
    corpus.mkdir()
    # cargo-fuzz needs nightly features of rustc; RUSTC_BOOTSTRAP lets the stable one
    # provide them (the sanitizer and the coverage instrumentation).
    env = {**os.environ, "RUSTC_BOOTSTRAP": "1"}
    command = [
        "cargo",
        "fuzz",
        "run",
        "decode_stream",
        str(corpus),
        str(seeds),
        "--",
        f"-max_total_time={SECONDS}",
        "-rss_limit_mb=1024",
        "-malloc_limit_mb=256",
        "-timeout=10",
        f"-artifact_prefix={tmp_path}/",
    ]
    run = subprocess.run(
        command, cwd=FUZZ, env=env, capture_output=True, text=True, check=False, timeout=1800
    )
    output = run.stdout + run.stderr
    found = sorted(
        p.name for p in tmp_path.iterdir() if p.name.startswith(("crash", "oom", "timeout", "leak"))
    )
    assert run.returncode == 0 and not found, f"the fuzzer found {found}:\n{output[-4000:]}"
    done = re.search(r"Done (\d+) runs in (\d+) second", output)
    assert done and int(done.group(1)) > 1000, output[-4000:]
