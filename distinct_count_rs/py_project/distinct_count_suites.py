"""What `measure.py` and `measure_all.py` time in the distinct-count lesson (see
workshop/bench.py): an approximate distinct count (CVM) of `--words` words repeated
`--repeats` times; an estimate must be within `--epsilon` of the exact count (the
algorithm's guarantee), or the version is refused before it is timed.

Two tables, because they have two different floors: ``distinct`` counts a list of
Python strings (the floor: reading each item's hash once), ``distinct_array`` the NumPy
codes behind the same words (the floor: one pass over the array). Both have the exact
``len(set(words))`` as their baseline. ``--data real`` counts the words of Python's own
standard library sources instead (`distinct_data.real_stream`).
"""

from __future__ import annotations

import dataclasses
from typing import Any

from distinct_data import real_stream, word_stream

from workshop import corpus
from workshop.bench import DataSource, Limit, ResultMismatch, Suite

# ------------------------------------------------------------------------------------
# Approximate distinct count (CVM): an estimate is right when it is within the
# algorithm's guarantee of the exact count


def distinct_prepare(module, seed: int, words: int, repeats: int, epsilon: float):
    stream = word_stream(words, repeats, seed)
    return {"stream": stream, "epsilon": epsilon, "seed": seed}


def distinct_prepare_real(module, seed: int, words: int, repeats: int, epsilon: float):
    """The first `words * repeats` real words, in the order they are written (`seed` only
    seeds the estimates: the words are what they are)."""
    return {"stream": real_stream(words * repeats), "epsilon": epsilon, "seed": seed}


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


def words_as_tuple(problem) -> tuple[str, ...]:
    """The floor's input (made untimed): the same string objects, in a tuple."""
    return tuple(problem["stream"].words)


def codes_of(problem):
    return problem["stream"].codes


def one_pass(codes) -> None:
    codes.sum()  # one read of every value, in NumPy's vectorised C loop; no answer


REAL = DataSource(
    f"{corpus.describe()}, in order: the first words x repeats of them, "
    "the corpus repeated when shorter",
    distinct_prepare_real,
)

DISTINCT = Suite(
    name="distinct",
    title="Approximate distinct count (CVM) of a list of words",
    versions=[
        "distinct_py_exact",
        "distinct_py_cvm",
        "distinct_rust_naive",
        "distinct_rust_hashed",
        "distinct_rust_fast",
    ],
    prepare=distinct_prepare,
    run=distinct_run,
    canonical=distinct_canonical,
    compare=distinct_compare,
    params={"words": 100_000, "repeats": 100, "epsilon": 0.5},
    quick_params={"words": 10_000, "repeats": 10, "epsilon": 0.5},
    describe=lambda words, repeats, epsilon: (
        f"{words * repeats:,} items (generated: {words:,} distinct words x {repeats}), "
        f"epsilon {epsilon}"
    ),
    labels={
        "distinct_py_exact": "len(set(items)), exact (baseline)",
        "distinct_py_cvm": "CVM in plain Python",
        "distinct_rust_naive": "CVM in Rust, line by line (Python set)",
        "distinct_rust_hashed": "CVM in Rust, 64-bit keys in a Rust set",
        "distinct_rust_fast": "CVM in Rust, Python's cached hashes, each key keeps its coin",
    },
    # hash() of a tuple of the same objects: CPython's loop reads each item's hash once
    # (a string keeps it in the object) and mixes it in; Python 3.11 caches no tuple hash.
    limit=Limit(
        "reading each item's cached hash once, hash(tuple(items)) in C; no answer",
        run=hash,
        prepare=words_as_tuple,
    ),
    data_sources={"real": REAL},
)

DISTINCT_ARRAY = dataclasses.replace(
    DISTINCT,
    name="distinct_array",
    title="Approximate distinct count (CVM) of the NumPy codes of the words",
    versions=["distinct_py_exact", "distinct_rust_array"],
    labels={
        "distinct_py_exact": "len(set(items)) of the words, exact (baseline)",
        "distinct_rust_array": "CVM in Rust on the int64 codes, GIL released (fast core)",
    },
    limit=Limit(
        "one pass over the int64 codes at memory speed, codes.sum(); no answer",
        run=one_pass,
        prepare=codes_of,
    ),
)

SUITES = [DISTINCT, DISTINCT_ARRAY]
