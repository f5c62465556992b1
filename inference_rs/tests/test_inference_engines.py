"""Every engine against scikit-learn: the lesson's model, a model it never trained (other
data set, layer sizes, activation, binary), every activation, any batch size."""

from __future__ import annotations

import numpy as np
import pytest
from inference_data import (
    breast_cancer_pipeline,
    digits_pipeline,
    noisy_digits,
    train,
)
from inference_testing import ENGINES, assert_results_rule, engine, version
from sklearn.datasets import make_classification
from sklearn.neural_network import MLPClassifier
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import StandardScaler


@pytest.fixture(scope="module")
def digits():
    return digits_pipeline()


@pytest.mark.parametrize("stage", ENGINES)
@pytest.mark.parametrize("rows", [1, 2, 4, 5, 1023, 3000])
def test_engine_matches_sklearn_on_the_digits_model(stage, rows, digits):
    model = engine(stage, digits, "digits_mlp")
    X = noisy_digits(rows, seed=rows)
    expected = digits.predict_proba(X)
    probabilities = model.predict_proba(X)
    assert probabilities.dtype == np.float32 and probabilities.shape == (rows, 10)
    assert_results_rule(expected, probabilities)
    labels = model.predict(X)
    assert labels.dtype == np.int64 and labels.shape == (rows,)
    np.testing.assert_array_equal(labels, probabilities.argmax(axis=1))


@pytest.mark.parametrize("stage", ENGINES)
def test_engine_runs_a_binary_tanh_model_it_never_saw(stage):
    """Breast cancer: 30 features, layers of 24, 12 and 6 tanh units, one logistic output."""
    from sklearn.datasets import load_breast_cancer

    pipe = breast_cancer_pipeline()
    X = load_breast_cancer().data.astype(np.float32)
    model = engine(stage, pipe, "breast_cancer_mlp")
    probabilities = model.predict_proba(X)
    assert probabilities.shape == (len(X), 2)
    assert_results_rule(pipe.predict_proba(X), probabilities)
    np.testing.assert_array_equal(model.predict(X), pipe.predict(X))


def small_pipeline(activation: str, hidden: tuple[int, ...], n_classes: int, seed: int):
    X, y = make_classification(
        n_samples=300,
        n_features=13,
        n_informative=8,
        n_classes=n_classes,
        random_state=seed,
    )
    mlp = MLPClassifier(
        hidden_layer_sizes=hidden, activation=activation, max_iter=50, random_state=seed
    )
    pipe = Pipeline([("scaler", StandardScaler()), ("mlp", mlp)])
    X = (X * 3 + 5).astype(np.float32)  # a mean and a scale that matter
    return train(pipe, X, y), X


@pytest.mark.parametrize("stage", ENGINES)
@pytest.mark.parametrize(
    ("activation", "hidden", "n_classes"),
    [
        ("relu", (17, 5), 3),
        ("tanh", (40,), 4),
        ("logistic", (9, 33, 16), 2),
        ("identity", (20,), 5),
    ],
)
def test_engine_follows_every_activation_and_layer_shape(
    stage, activation, hidden, n_classes, tmp_path
):
    pipe, X = small_pipeline(activation, hidden, n_classes, seed=len(hidden))
    model = engine(stage, pipe, f"small_{activation}", folder=tmp_path)
    assert_results_rule(pipe.predict_proba(X), model.predict_proba(X))


@pytest.mark.parametrize("stage", ENGINES)
def test_engine_reads_strided_input_and_leaves_it_unchanged(stage, digits):
    model = engine(stage, digits, "digits_mlp")
    wide = np.asfortranarray(noisy_digits(50, seed=3))
    before = wide.copy()
    expected = digits.predict_proba(np.ascontiguousarray(wide))
    assert_results_rule(expected, model.predict_proba(wide))
    np.testing.assert_array_equal(wide, before)
    every_other = noisy_digits(100, seed=4)[::2]
    assert_results_rule(digits.predict_proba(every_other), model.predict_proba(every_other))


@pytest.mark.parametrize(
    "stage",
    [
        "infer_py_numpy",
        "infer_py_onnxruntime",
        "infer_rust_scratch",
        "infer_rust_tract",
        "infer_rust_ort",
        "infer_wasm_scratch",
    ],
)
def test_stage_script_matches_the_baseline(stage):
    baseline, module = version("infer_py_sklearn"), version(stage)
    X = noisy_digits(777, seed=11)
    expected = baseline.main(baseline.load_model(), X)
    assert_results_rule(expected, np.asarray(module.main(module.load_model(), X)))


def test_infer_rust_scratch_releases_the_gil_and_runs_beside_a_python_thread(digits):
    """A Python thread keeps counting while the batch runs (py.detach)."""
    import threading

    model = engine("infer_rust_scratch", digits)
    X = noisy_digits(200_000, seed=0)
    ticks, stop = [0], threading.Event()

    def count():
        while not stop.is_set():
            ticks[0] += 1

    thread = threading.Thread(target=count)
    thread.start()
    try:
        model.predict_proba(X)
        during = ticks[0]
    finally:
        stop.set()
        thread.join()
    assert during > 1000, f"the Python thread ran only {during} times during the call"


def test_infer_rust_scratch_parallel_and_serial_paths_agree(digits):
    """Large batches are split across rayon's threads; the split must not change a bit."""
    model = engine("infer_rust_scratch", digits)
    X = noisy_digits(5000, seed=5)
    whole = model.predict_proba(X)
    by_row = np.vstack([model.predict_proba(X[i : i + 1]) for i in range(0, 5000, 97)])
    np.testing.assert_array_equal(whole[::97], by_row)
