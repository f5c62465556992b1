"""What `measure.py` and `measure_all.py` time in the distinct-count lesson (see
workshop/bench.py): ``distinct`` is an approximate distinct count (CVM) of `--words`
words repeated `--repeats` times; an estimate must be within `--epsilon` of the exact
count (the algorithm's guarantee), or the version is refused before it is timed.
"""

from __future__ import annotations

from typing import Any

from distinct_data import word_stream

from workshop.bench import ResultMismatch, Suite

# ------------------------------------------------------------------------------------
# Approximate distinct count (CVM): an estimate is right when it is within the
# algorithm's guarantee of the exact count


def distinct_prepare(module, seed: int, words: int, repeats: int, epsilon: float):
    stream = word_stream(words, repeats, seed)
    return {"stream": stream, "epsilon": epsilon, "seed": seed}


def distinct_run(module, problem):
    stream = problem["stream"]
    # The NumPy version reads the numbers behind the words; the others, the words.
    items = stream.codes if module.__name__ == "distinct_rust_array" else stream.words
    return module.main(items, problem["epsilon"], problem["seed"])


def distinct_canonical(result, problem) -> dict[str, Any]:
    return {"count": int(result), "epsilon": problem["epsilon"]}


def distinct_compare(expected: dict[str, Any], actual: dict[str, Any]) -> None:
    """CVM's guarantee: |estimate - exact| <= epsilon * exact, except with probability
    below delta (0.001). With the default seeds (0 for measure_all) every version is
    well inside it: the errors are a few percent."""
    exact, estimate, epsilon = expected["count"], actual["count"], actual["epsilon"]
    if abs(estimate - exact) > epsilon * exact:
        raise ResultMismatch(
            f"estimate {estimate:,} is off by {abs(estimate - exact) / exact:.1%} from the "
            f"exact count {exact:,}; the guarantee is {epsilon:.0%}"
        )


DISTINCT = Suite(
    name="distinct",
    title="Approximate distinct count (CVM)",
    versions=[
        "distinct_py_exact",
        "distinct_py_cvm",
        "distinct_rust_naive",
        "distinct_rust_hashed",
        "distinct_rust_array",
    ],
    prepare=distinct_prepare,
    run=distinct_run,
    canonical=distinct_canonical,
    compare=distinct_compare,
    params={"words": 100_000, "repeats": 100, "epsilon": 0.5},
    quick_params={"words": 10_000, "repeats": 10, "epsilon": 0.5},
    describe=lambda words, repeats, epsilon: (
        f"{words:,} distinct words x {repeats} = {words * repeats:,} items, epsilon {epsilon}"
    ),
    labels={
        "distinct_py_exact": "len(set(items)), exact (baseline)",
        "distinct_py_cvm": "CVM in plain Python",
        "distinct_rust_naive": "CVM in Rust, line by line (Python set)",
        "distinct_rust_hashed": "CVM in Rust, 64-bit keys in a Rust set",
        "distinct_rust_array": "CVM in Rust on a NumPy int64 array",
    },
)

SUITES = [DISTINCT]
