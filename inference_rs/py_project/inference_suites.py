"""What `measure.py` and `measure_all.py` time in the inference lesson (see workshop/bench.py).

- ``inference``: the class probabilities of ``--n-images`` noisy digit images (100,000 by
  default) in one call: the batch, or offline, case;
- ``inference_latency``: one image per call: the serving case, where what a call costs
  around the arithmetic (checks, conversions, crossing into the engine) is most of it.

Every version loads its model before the clock starts and gets the same images (same
seed). The check (the lesson's results rule): probabilities within 1e-4 of
scikit-learn's, and the same most likely class on every row except a float32 near-tie,
a row whose two best probabilities are closer than 1e-4.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from inference_data import noisy_digits

from workshop.bench import Limit, ResultMismatch, Suite

PROBABILITY_ATOL = 1e-4
NEAR_TIE = 1e-4

VERSIONS = [
    "infer_py_sklearn",
    "infer_py_numpy",
    "infer_py_onnxruntime",
    "infer_rust_scratch",
    "infer_rust_tract",
    "infer_rust_ort",
    "infer_wasm_scratch",
]

LABELS = {
    "infer_py_sklearn": "scikit-learn Pipeline.predict_proba (baseline)",
    "infer_py_numpy": "the forward pass by hand in NumPy",
    "infer_py_onnxruntime": "onnxruntime InferenceSession (Python API)",
    "infer_rust_scratch": "forward pass written in Rust, GIL released",
    "infer_rust_tract": "tract (pure-Rust ONNX engine), optimised plan",
    "infer_rust_ort": "ONNX Runtime's C API from Rust (ort crate)",
    "infer_wasm_scratch": "the Rust forward pass as WebAssembly (wasmtime)",
}


def prepare(module, seed: int, n_images: int) -> tuple[Any, np.ndarray]:
    return module.load_model(), noisy_digits(n_images, seed)


def prepare_latency(module, seed: int, images_per_call: int) -> tuple[Any, np.ndarray]:
    return prepare(module, seed, images_per_call)


def run(module, data) -> Any:
    model, X = data
    return module.main(model, X)


def canonical(result, data) -> np.ndarray:
    return np.asarray(result, dtype=np.float32)


def layer_sizes(pipe) -> list[int]:
    """The sizes of an MLP's layers, input first: ``[64, 64, 32, 10]`` for the digits."""
    coefs = pipe.steps[-1][1].coefs_
    return [w.shape[0] for w in coefs] + [coefs[-1].shape[1]]


def arithmetic_floor(data) -> tuple[list[int], int]:
    """The floor's input: the baseline's layer sizes and number of rows."""
    pipe, X = data
    return layer_sizes(pipe), X.shape[0]


def floor_multiply_adds(sizes_and_rows: tuple[list[int], int]) -> float:
    from inference_rs import _inference_rs

    return _inference_rs._floor_multiply_adds(*sizes_and_rows)


def call_floor(data) -> tuple[np.ndarray, int]:
    """The floor's input: the images as the Rust stages get them, and the class count."""
    pipe, X = data
    return np.ascontiguousarray(X, dtype=np.float32), layer_sizes(pipe)[-1]


def floor_array_call(images_and_classes: tuple[np.ndarray, int]) -> np.ndarray:
    from inference_rs import _inference_rs

    return _inference_rs._floor_array_call(*images_and_classes)


def compare(expected: np.ndarray, actual: np.ndarray) -> None:
    check_results(expected, actual)


def check_results(expected: np.ndarray, actual: np.ndarray) -> None:
    """The lesson's results rule; raises ResultMismatch with the first bad row."""
    if actual.shape != expected.shape:
        raise ResultMismatch(f"probabilities of shape {actual.shape}, expected {expected.shape}")
    if not np.isfinite(actual).all():
        raise ResultMismatch("some probabilities are NaN or infinite")
    distance = np.abs(actual - expected).max(axis=1)
    far = np.flatnonzero(distance > PROBABILITY_ATOL)
    if len(far):
        i = far[0]
        raise ResultMismatch(
            f"{len(far)} of {len(expected)} rows have probabilities more than "
            f"{PROBABILITY_ATOL:g} away from the baseline's; the first is row {i}, off by "
            f"{distance[i]:.3g}: {np.round(actual[i], 4)} instead of {np.round(expected[i], 4)}"
        )
    top_two = np.sort(expected, axis=1)[:, -2:]
    near_tie = (top_two[:, 1] - top_two[:, 0]) < NEAR_TIE
    wrong = np.flatnonzero((actual.argmax(axis=1) != expected.argmax(axis=1)) & ~near_tie)
    if len(wrong):
        i = wrong[0]
        raise ResultMismatch(
            f"{len(wrong)} of {len(expected)} rows get another class than the baseline's "
            f"(and are not near-ties); the first is row {i}: class "
            f"{actual[i].argmax()} instead of {expected[i].argmax()}"
        )


INFERENCE = Suite(
    name="inference",
    title="Inference, a batch of images",
    versions=VERSIONS,
    prepare=prepare,
    run=run,
    canonical=canonical,
    compare=compare,
    params={"n_images": 100_000},
    quick_params={"n_images": 2_000},
    describe=lambda n_images: f"{n_images:,} noisy 8x8 digit images in one call",
    labels=LABELS,
    # The multiply-adds of the dense layers alone, at full vector width on every thread
    # the Rust stages use, data in registers: no loads, no scaling, no softmax.
    limit=Limit(
        "the layers' multiply-adds at full SIMD width (no answer)",
        run=floor_multiply_adds,
        prepare=arithmetic_floor,
    ),
)

INFERENCE_LATENCY = Suite(
    name="inference_latency",
    title="Inference latency, one image per call",
    versions=VERSIONS,
    prepare=prepare_latency,
    run=run,
    canonical=canonical,
    compare=compare,
    params={"images_per_call": 1},
    describe=lambda images_per_call: f"{images_per_call} image(s) per call",
    labels=LABELS,
    # A compiled call that takes the image and returns a new array of probabilities'
    # shape: what crossing from Python into compiled code and back costs (the arithmetic
    # of one image, 6,464 multiply-adds, is a tenth of a microsecond on top).
    limit=Limit(
        "one call taking the image, returning a (1, 10) array (no answer)",
        run=floor_array_call,
        prepare=call_floor,
    ),
)

SUITES = [INFERENCE, INFERENCE_LATENCY]
