"""The largest allocation of one call of each export on big inputs: a generated report.

    .venv/bin/python reliability/memory_report.py            # writes memory_report.md
    .venv/bin/python reliability/memory_report.py --quick    # small inputs, prints only

Each export runs once in a fresh process, after its inputs are built. Two numbers:

- **traced peak**: the largest amount of memory allocated through Python's allocator
  during the call (``tracemalloc``; NumPy reports its array buffers there, so the
  arrays a function returns are counted; Rust's own allocations are not);
- **peak RSS rise**: how far the process's peak resident memory (``VmHWM``, reset before
  the call through ``/proc/self/clear_refs``) rose above its resident memory before the
  call: every allocation touched during the call, Rust's included.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPORT = HERE / "memory_report.md"

# name -> (setup code building `call`, with a size placeholder `{n}`; big size; quick size)
CASES = {
    "poly_match_rs.v1.find_close_polygons, one point": (
        "polygons, points = project('poly_match_v1').generate_example(seed=0, scale={n})\n"
        "call = lambda: poly_match_rs.v1.find_close_polygons(polygons, points[0], 10.0)",
        10,
        1,
    ),
    "poly_match_rs.v4.find_all_close_polygons": (
        "polygons, points = project('poly_match_v4').generate_example(seed=0, scale={n})\n"
        "call = lambda: poly_match_rs.v4.find_all_close_polygons(polygons, points, 10.0)",
        10,
        1,
    ),
    "poly_match_rs.v5.find_best_polygons": (
        "polygons, points = project('poly_match_v5').generate_example(seed=0, scale={n})\n"
        "call = lambda: poly_match_rs.v5.find_best_polygons(polygons, points, 10.0)",
        10,
        1,
    ),
    "poly_match_rs.v6.find_best_polygons": (
        "polygons, points = project('poly_match_v6').generate_example(seed=0, scale={n})\n"
        "call = lambda: poly_match_rs.v6.find_best_polygons(polygons, points, 10.0)",
        10,
        1,
    ),
    "poly_match_rs.v5.Polygon (n vertices)": (
        "x = np.cos(np.linspace(0, 6.28, {n})); y = np.sin(np.linspace(0, 6.28, {n}))\n"
        "call = lambda: poly_match_rs.v5.Polygon(x, y)",
        1_000_000,
        1_000,
    ),
    "ml_demos_rs.kmeans (n x 2, k=5)": (
        "data = np.random.default_rng(0).normal(size=({n}, 2))\n"
        "call = lambda: ml_demos_rs.kmeans(data, 5, seed=0, max_iter=20)",
        1_000_000,
        10_000,
    ),
    "ml_demos_rs.kmeans_alamano (n x 2, k=5)": (
        "data = np.random.default_rng(0).normal(size=({n}, 2))\n"
        "call = lambda: ml_demos_rs.kmeans_alamano(data, 5, max_iter=20, seed=0)",
        1_000_000,
        10_000,
    ),
    "ml_demos_rs.kmeans_linfa (n x 2, k=5)": (
        "data = np.random.default_rng(0).normal(size=({n}, 2))\n"
        "call = lambda: ml_demos_rs.kmeans_linfa(data, 5, seed=0, max_iter=20)",
        1_000_000,
        10_000,
    ),
    "ml_demos_rs.stratified_train_test_indices (n labels)": (
        "y = np.random.default_rng(0).integers(0, 5, size={n})\n"
        "call = lambda: ml_demos_rs.stratified_train_test_indices(y, 0.2, seed=0)",
        1_000_000,
        10_000,
    ),
    "ml_demos_rs.stratified_kfold_indices (n labels, k=5)": (
        "y = np.random.default_rng(0).integers(0, 5, size={n})\n"
        "call = lambda: ml_demos_rs.stratified_kfold_indices(y, 5, seed=0)",
        1_000_000,
        10_000,
    ),
    "ml_demos_rs.stratified_train_test_split (n x 2 rows)": (
        "y = np.random.default_rng(0).integers(0, 5, size={n}); data = np.zeros(({n}, 2))\n"
        "call = lambda: ml_demos_rs.stratified_train_test_split(data, y, 0.2, seed=0)",
        1_000_000,
        10_000,
    ),
    "ml_demos_rs.stratified_kfold_split (n x 2 rows, k=5)": (
        "y = np.random.default_rng(0).integers(0, 5, size={n}); data = np.zeros(({n}, 2))\n"
        "call = lambda: ml_demos_rs.stratified_kfold_split(data, y, 5, seed=0)",
        1_000_000,
        10_000,
    ),
    "text_prep_rs.preprocess_text (n words)": (
        "text = ' '.join(['Word', 'ab', 'Straße', 'quick'] * ({n} // 4))\n"
        "call = lambda: text_prep_rs.preprocess_text(text)",
        1_000_000,
        10_000,
    ),
    "text_prep_rs.preprocess_text_interned (n words)": (
        "text = ' '.join(['Word', 'ab', 'Straße', 'quick'] * ({n} // 4))\n"
        "call = lambda: text_prep_rs.preprocess_text_interned(text)",
        1_000_000,
        10_000,
    ),
    "distinct_count_rs.count_approx_rust (n words)": (
        "words = [str(i % 100_000) for i in range({n})]\n"
        "call = lambda: distinct_count_rs.count_approx_rust(words, seed=0)",
        1_000_000,
        10_000,
    ),
    "distinct_count_rs.count_approx_array (n integers)": (
        "codes = np.arange({n}, dtype=np.int64) % 100_000\n"
        "call = lambda: distinct_count_rs.count_approx_array(codes, seed=0)",
        1_000_000,
        10_000,
    ),
    "gil_pool_rs.take_iter (n vectors of 512 float32)": (
        "items = [np.ones(512, np.float32).tobytes()] * {n}\n"
        "out = np.empty(({n}, 512), np.float32)\n"
        "call = lambda: gil_pool_rs.take_iter(items, out)",
        100_000,
        1_000,
    ),
    "gil_pool_rs.read_msgpack_vectors (n vectors of 512 float32)": (
        "from reliability_exports import msgpack_file\n"
        "path = msgpack_file('good', {n}, 512)\n"
        "call = lambda: gil_pool_rs.read_msgpack_vectors(path, 512)",
        100_000,
        1_000,
    ),
}


def label(name: str, setup: str, size: int) -> str:
    """The report's row label of case `name` at `size`."""
    text = name.replace(" n ", f" {size:,} ").replace("(n ", f"({size:,} ")
    if "scale" in setup:
        text += f" (scale={size}: {1000 * size:,} polygons, {100 * size:,} points)"
    return text


def report_labels() -> list[str]:
    """The row labels memory_report.md has when it is current (one per case, big sizes)."""
    return [label(name, setup, big) for name, (setup, big, _) in CASES.items()]


PROBE = """
import gc, json, sys, tracemalloc
import numpy as np
import distinct_count_rs, gil_pool_rs, ml_demos_rs, poly_match_rs, text_prep_rs
sys.path.insert(0, {here!r})
from reliability_exports import poly_project as project

def status(field):
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1]) * 1024

{setup}
input_bytes = status("VmRSS")
call()  # warm-up: lazy imports, thread pools
gc.collect()
rss_before = status("VmRSS")
with open("/proc/self/clear_refs", "w") as f:
    f.write("5")  # reset the peak (VmHWM) to the current resident size
tracemalloc.start()
result = call()
traced_current, traced_peak = tracemalloc.get_traced_memory()
tracemalloc.stop()
print(json.dumps({{"traced_peak": traced_peak, "rss_before": rss_before,
                  "peak_rss_rise": status("VmHWM") - rss_before}}))
"""


def measure(setup: str) -> dict:
    code = PROBE.format(here=str(HERE), setup=setup)
    completed = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=600, check=True
    )
    return json.loads(completed.stdout.strip().splitlines()[-1])


def mib(n: int) -> str:
    return f"{n / 2**20:.1f} MiB" if n >= 2**20 else f"{n / 2**10:.0f} KiB"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small inputs, print only")
    options = parser.parse_args()
    rows = []
    for name, (setup, big, small) in CASES.items():
        size = small if options.quick else big
        numbers = measure(setup.format(n=size))
        row = label(name, setup, size)
        rows.append((row, numbers))
        traced, rise = mib(numbers["traced_peak"]), mib(numbers["peak_rss_rise"])
        print(f"{row}: traced peak {traced}, peak RSS rise {rise}")
    if options.quick:
        return 0
    lines = [
        "# Largest allocation per call (generated by `reliability/memory_report.py`)",
        "",
        "One call of each export on a big input, in a fresh process, after a warm-up call.",
        "*Traced peak*: the most memory allocated through Python's allocator during the",
        "call (tracemalloc; NumPy arrays included, Rust's own vectors not). *Peak RSS",
        "rise*: how far the peak resident memory rose above the resident memory before the",
        "call (every allocation touched, Rust's included).",
        "",
        "| export and input | traced peak | peak RSS rise |",
        "|---|---:|---:|",
    ]
    for row, numbers in rows:
        traced, rise = mib(numbers["traced_peak"]), mib(numbers["peak_rss_rise"])
        lines.append(f"| {row} | {traced} | {rise} |")
    REPORT.write_text("\n".join(lines) + "\n")
    print(f"wrote {REPORT}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
