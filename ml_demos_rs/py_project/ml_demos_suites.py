"""What `measure.py` and `measure_all.py` time in lesson 2 (see workshop/bench.py). The
benchmarks, each with a plain-Python version as the baseline:

- ``kmeans``: k-means on Gaussian blobs (`--n`, `--d`, `--k`). Every version starts
  from the same k-means++ centroids and runs the same number of iterations; the check
  wants the same labels and iteration count, the same inertia (1e-6) and centroids
  (1e-4: linfa updates its centroids a little differently, see src/kmeans_linfa.rs);
- ``stratif1``: stratified train/test split of `--n` imbalanced labels, 20 % test;
- ``stratif2``: stratified k-fold (`--folds`) of `--n` imbalanced labels.

Every split version returns row indices. Shuffles differ between implementations, so
the check looks at what must agree: indices valid, disjoint and covering the samples,
and per-class counts that follow scikit-learn's rules.
"""

from __future__ import annotations

import math
from collections import Counter
from typing import Any

import numpy as np
from ml_data import class_labels, kmeans_problem, real_class_labels, real_kmeans_problem

from workshop.bench import DataSource, Limit, ResultMismatch, Suite

# ------------------------------------------------------------------------------------
# k-means


def kmeans_prepare(module, seed: int, n: int, d: int, k: int):
    return kmeans_problem(n, d, k, seed)


def kmeans_prepare_real(module, seed: int, n: int, d: int, k: int):
    return real_kmeans_problem(n, d, k, seed)


def kmeans_floor(problem) -> float:
    """The floor: the first iteration's `n x k x d` multiply-adds at full SIMD width on
    all cores (no bound exists yet: every row meets every centroid), then one pass over
    one number per row for each later iteration (src/floors.rs). No answer."""
    import ml_demos_rs

    return ml_demos_rs.kmeans_bounds_floor(problem.data, problem.init, problem.max_iter)


def kmeans_run(module, problem):
    return module.main(problem.data, problem.init, problem.max_iter, problem.tol)


def kmeans_canonical(result, problem) -> dict[str, Any]:
    centroids, labels, inertia, n_iter = result
    return {
        "centroids": np.asarray(centroids, dtype=np.float64),
        "labels": np.asarray(labels, dtype=np.int64),
        "inertia": float(inertia),
        "n_iter": None if n_iter is None else int(n_iter),
    }


CENTROID_RTOL = 1e-4  # relative to the largest centroid coordinate
INERTIA_RTOL = 1e-6


def kmeans_compare(expected: dict[str, Any], actual: dict[str, Any]) -> None:
    if actual["labels"].shape != expected["labels"].shape:
        raise ResultMismatch(
            f"labels have shape {actual['labels'].shape}, expected {expected['labels'].shape}"
        )
    wrong = np.flatnonzero(actual["labels"] != expected["labels"])
    if len(wrong):
        i = wrong[0]
        raise ResultMismatch(
            f"{len(wrong)} of {len(expected['labels'])} labels differ; the first is row {i}: "
            f"{actual['labels'][i]} instead of {expected['labels'][i]}"
        )
    if actual["centroids"].shape != expected["centroids"].shape:
        raise ResultMismatch(
            f"centroids have shape {actual['centroids'].shape}, "
            f"expected {expected['centroids'].shape}"
        )
    # Lloyd's versions agree to ~1e-15; linfa's centroids trail the means a little
    # after the same number of iterations (its update counts the old centroid as a
    # point), hence 1e-4 here. The labels must be identical all the same.
    scale = max(1.0, float(np.abs(expected["centroids"]).max()))
    gap = float(np.abs(actual["centroids"] - expected["centroids"]).max())
    if gap > CENTROID_RTOL * scale:
        raise ResultMismatch(
            f"centroids differ by up to {gap:.3g} (allowed {CENTROID_RTOL * scale:.3g})"
        )
    if not math.isclose(actual["inertia"], expected["inertia"], rel_tol=INERTIA_RTOL):
        raise ResultMismatch(f"inertia {actual['inertia']!r} instead of {expected['inertia']!r}")
    both_known = None not in (actual["n_iter"], expected["n_iter"])
    if both_known and actual["n_iter"] != expected["n_iter"]:
        raise ResultMismatch(f"{actual['n_iter']} iterations instead of {expected['n_iter']}")


KMEANS = Suite(
    name="kmeans",
    title="k-means (Lloyd)",
    versions=[
        "kmeans_py_scratch",
        "kmeans_py_sklearn",
        "kmeans_rust_scratch",
        "kmeans_rust_linfa",
        "kmeans_rust_bounds",
    ],
    prepare=kmeans_prepare,
    run=kmeans_run,
    canonical=kmeans_canonical,
    compare=kmeans_compare,
    params={"n": 10_000, "d": 2, "k": 5},
    quick_params={"n": 2_000, "d": 2, "k": 3},
    describe=lambda n, d, k: f"{n:,} x {d} blobs, k = {k}",
    limit=Limit(
        "n*k*d multiply-adds once (AVX2+FMA, all cores), then one number per row per "
        "iteration; no answer",
        kmeans_floor,
    ),
    data_sources={
        "real": DataSource(
            "scikit-learn's breast-cancer table (569 x 30), standardised, first d columns, "
            "tiled to n rows with 0.05-sd noise on the copies",
            kmeans_prepare_real,
        )
    },
    labels={
        "kmeans_py_scratch": "plain Python loops (baseline)",
        "kmeans_py_sklearn": "scikit-learn KMeans(algorithm='lloyd', n_init=1)",
        "kmeans_rust_scratch": "Rust from scratch (ndarray + rayon)",
        "kmeans_rust_linfa": "Rust, linfa-clustering",
        "kmeans_rust_bounds": "Rust from scratch, Hamerly's bounds skip most distances",
    },
)

# ------------------------------------------------------------------------------------
# Stratified splits: the rules the counts must follow


def class_counts(y: np.ndarray) -> dict[int, int]:
    values, counts = np.unique(y, return_counts=True)
    return dict(zip(values.tolist(), counts.tolist(), strict=True))


def allowed_counts(counts: dict[int, int], n_draws: int) -> dict[int, tuple[int, int]]:
    """Per class, the (fewest, most) samples scikit-learn's `_approximate_mode` can give.

    Its share rounded down, plus one for the classes with the largest remainders; when
    several classes tie for the last extra samples, any of them may get one.
    """
    total = sum(counts.values())
    continuous = {c: n / total * n_draws for c, n in counts.items()}
    floors = {c: math.floor(v) for c, v in continuous.items()}
    missing = n_draws - sum(floors.values())
    remainders = sorted({v - floors[c] for c, v in continuous.items()}, reverse=True)
    allowed = {c: (f, f) for c, f in floors.items()}
    for level in remainders:
        if missing <= 0:
            break
        tied = [c for c, v in continuous.items() if v - floors[c] == level]
        for c in tied:
            allowed[c] = (floors[c] + (len(tied) <= missing), floors[c] + 1)
        missing -= min(len(tied), missing)
    return allowed


def index_problems(parts: list[np.ndarray], n: int) -> list[str]:
    """What is wrong with index arrays meant to be disjoint and to cover 0..n-1."""
    problems = []
    joined = np.concatenate(parts) if parts else np.array([], dtype=np.int64)
    if joined.size and (joined.min() < 0 or joined.max() >= n):
        problems.append(f"indices outside 0..{n - 1}")
    elif len(np.unique(joined)) != len(joined):
        problems.append("a row appears twice (the parts are not disjoint)")
    elif len(joined) != n:
        problems.append(f"{n - len(joined)} of the {n} rows are in no part")
    return problems


def split_prepare(module, seed: int, n: int, folds: int = 5):
    # The labels are drawn from the seed; the seed also seeds each version's shuffle.
    return {"y": class_labels(n, seed), "seed": seed, "folds": folds}


def split_prepare_real(module, seed: int, n: int, folds: int = 5):
    # Real labels, tiled to n; the seed only seeds each version's shuffle.
    return {"y": real_class_labels(n), "seed": seed, "folds": folds}


def split_floor(problem) -> tuple[int, np.ndarray]:
    """The floor of a split: read every label once and write the n output indices once
    (NumPy's max and arange). No answer."""
    y = problem["y"]
    return int(y.max()), np.arange(len(y), dtype=np.int64)


SPLIT_LIMIT = Limit("read the labels once, write n int64 indices once (NumPy)", split_floor)
SPLIT_REAL = {
    "real": DataSource(
        "the class labels of scikit-learn's digits (1,797 labels, 10 classes), tiled to n",
        split_prepare_real,
    )
}


def stratif1_run(module, problem):
    return module.main(problem["y"], 0.2, problem["seed"])


def stratif1_canonical(result, problem) -> dict[str, Any]:
    y = problem["y"]
    train, test = (np.asarray(part, dtype=np.int64) for part in result)
    problems = index_problems([train, test], len(y))
    n_test = math.ceil(0.2 * len(y))
    if problems:
        return {"problems": problems}
    counts = class_counts(y)
    train_counts = Counter(y[train].tolist())
    test_counts = Counter(y[test].tolist())
    for name, got, expected_size, rule in (
        ("train", train_counts, len(y) - n_test, allowed_counts(counts, len(y) - n_test)),
        (
            "test",
            test_counts,
            n_test,
            allowed_counts({c: n - train_counts[c] for c, n in counts.items()}, n_test),
        ),
    ):
        if sum(got.values()) != expected_size:
            problems.append(f"{name} set has {sum(got.values())} rows, expected {expected_size}")
        for c, (low, high) in rule.items():
            if not low <= got[c] <= high:
                problems.append(f"class {c}: {got[c]} {name} rows, expected {low}..{high}")
    return {"problems": problems, "train": dict(train_counts), "test": dict(test_counts)}


def kfold_canonical(result, problem) -> dict[str, Any]:
    y = problem["y"]
    folds = [np.asarray(fold, dtype=np.int64) for fold in result]
    problems = index_problems(folds, len(y))
    if problems:
        return {"problems": problems}
    return {"problems": [], "folds": [dict(Counter(y[fold].tolist())) for fold in folds]}


def split_compare(expected: dict[str, Any], actual: dict[str, Any]) -> None:
    if actual["problems"]:
        raise ResultMismatch("; ".join(actual["problems"]))
    if "folds" in expected and actual["folds"] != expected["folds"]:
        for i, (want, got) in enumerate(zip(expected["folds"], actual["folds"], strict=False)):
            if want != got:
                raise ResultMismatch(f"fold {i} has class counts {got}, expected {want}")
        raise ResultMismatch(f"{len(actual['folds'])} folds instead of {len(expected['folds'])}")


STRATIF1 = Suite(
    name="stratif1",
    title="Stratified train/test split",
    versions=["stratif1_py_scratch", "stratif1_py_sklearn", "stratif1_rust_scratch"],
    prepare=split_prepare,
    run=stratif1_run,
    canonical=stratif1_canonical,
    compare=split_compare,
    params={"n": 100_000},
    quick_params={"n": 5_000},
    describe=lambda n: f"{n:,} imbalanced labels, 20 % test, index arrays",
    limit=SPLIT_LIMIT,
    data_sources=SPLIT_REAL,
    labels={
        "stratif1_py_scratch": "plain Python loops (baseline)",
        "stratif1_py_sklearn": "scikit-learn train_test_split(stratify=y)",
        "stratif1_rust_scratch": "Rust from scratch",
    },
)

STRATIF2 = Suite(
    name="stratif2",
    title="Stratified k-fold",
    versions=["stratif2_py_scratch", "stratif2_py_sklearn", "stratif2_rust_scratch"],
    prepare=split_prepare,
    run=lambda module, problem: module.main(problem["y"], problem["folds"], problem["seed"]),
    canonical=kfold_canonical,
    compare=split_compare,
    params={"n": 100_000, "folds": 5},
    quick_params={"n": 5_000, "folds": 5},
    describe=lambda n, folds: f"{n:,} imbalanced labels, {folds} folds, index arrays",
    limit=SPLIT_LIMIT,
    data_sources=SPLIT_REAL,
    labels={
        "stratif2_py_scratch": "plain Python loops (baseline)",
        "stratif2_py_sklearn": "scikit-learn StratifiedKFold(shuffle=True)",
        "stratif2_rust_scratch": "Rust from scratch",
    },
)

SUITES = [KMEANS, STRATIF1, STRATIF2]
