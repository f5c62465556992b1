"""Bad input gets a clear TypeError/ValueError (FileNotFoundError for a missing model),
naming what was expected; a trap in the WebAssembly module is a Python error."""

from __future__ import annotations

import re

import numpy as np
import pytest
from inference_data import digits_onnx, digits_pipeline, noisy_digits
from inference_testing import ENGINES, engine

import inference_rs
from inference_rs.wasm import WasmMlp, WasmTrap


@pytest.fixture(scope="module")
def models():
    pipe = digits_pipeline()
    return {stage: engine(stage, pipe, "digits_mlp") for stage in ENGINES}


GOOD = noisy_digits(3, seed=0)
BAD_X = [
    pytest.param([[0.0] * 64], TypeError, "NumPy array of float32", id="list"),
    pytest.param(GOOD.astype(np.float64), TypeError, "dtype float32", id="float64"),
    pytest.param(GOOD.astype(np.int64), TypeError, "dtype float32", id="int64"),
    pytest.param(GOOD[0], ValueError, "reshape(1, -1)", id="1d"),
    pytest.param(GOOD.reshape(3, 8, 8), ValueError, "2-D", id="3d"),
    pytest.param(GOOD[:, :63], ValueError, "64 features", id="63-features"),
    pytest.param(np.zeros((0, 64), np.float32), ValueError, "at least one image", id="empty"),
]


@pytest.mark.parametrize("stage", ENGINES)
@pytest.mark.parametrize(("X", "error", "words"), BAD_X)
def test_bad_x_is_refused_with_a_clear_message(stage, X, error, words, models):
    for method in ("predict_proba", "predict"):
        with pytest.raises(error, match=re.escape(words)):
            getattr(models[stage], method)(X)


@pytest.mark.parametrize("stage", ENGINES)
@pytest.mark.parametrize("bad", [np.nan, np.inf, -np.inf])
def test_nan_or_infinity_is_refused_naming_the_row(stage, bad, models):
    X = noisy_digits(2000, seed=1)  # large enough for the parallel path of ScratchMlp
    X[1234, 7] = bad
    before = X.copy()
    with pytest.raises(ValueError, match=r"X\[1234\] holds NaN or infinity"):
        models[stage].predict_proba(X)
    np.testing.assert_array_equal(X, before)  # not modified
    models[stage].predict_proba(GOOD)  # and the model still works


BAD_WEIGHTS = [
    pytest.param({"activation": "softplus"}, ValueError, "activation must be one of", id="act"),
    pytest.param({"mean": [0.0] * 64}, TypeError, "mean must be", id="mean-list"),
    pytest.param({"scale": np.ones(63)}, ValueError, "one value per feature", id="scale"),
    pytest.param({"scale": np.zeros(64)}, ValueError, "scale must not be 0", id="zero"),
    pytest.param({"coefs": "weights"}, TypeError, "coefs must be a list", id="coefs-str"),
    pytest.param({"coefs": []}, ValueError, "one array per layer", id="no-layer"),
    pytest.param({"mean": np.full(64, np.nan)}, ValueError, "must be finite", id="nan-mean"),
    pytest.param({"mean": np.zeros(64, np.int32)}, TypeError, "float32 or float64", id="int"),
]


@pytest.mark.parametrize("stage", ["infer_rust_scratch", "infer_wasm_scratch"])
@pytest.mark.parametrize(("change", "error", "words"), BAD_WEIGHTS)
def test_bad_weights_are_refused(stage, change, error, words):
    args, kwargs = inference_rs.scratch_arguments(digits_pipeline())
    mean, scale, coefs, intercepts = args
    given = {"mean": mean, "scale": scale, "coefs": coefs, "intercepts": intercepts, **kwargs}
    given.update(change)
    cls = inference_rs.ScratchMlp if stage == "infer_rust_scratch" else WasmMlp
    with pytest.raises(error, match=words):
        cls(**given)


@pytest.mark.parametrize("stage", ["infer_rust_scratch", "infer_wasm_scratch"])
def test_layers_that_do_not_chain_are_refused_naming_the_layer(stage):
    args, kwargs = inference_rs.scratch_arguments(digits_pipeline())
    mean, scale, coefs, intercepts = args
    cls = inference_rs.ScratchMlp if stage == "infer_rust_scratch" else WasmMlp
    with pytest.raises(ValueError, match=r"coefs\[1\] must have shape \(64, n_units\)"):
        cls(mean, scale, [coefs[0], coefs[1].T, coefs[2]], intercepts, **kwargs)
    with pytest.raises(ValueError, match=r"intercepts\[0\]"):
        cls(mean, scale, coefs, [intercepts[1], *intercepts[1:]], **kwargs)


def model_classes():
    return [
        pytest.param(inference_rs.TractModel, id="infer_rust_tract"),
        pytest.param(inference_rs.OrtModel, id="infer_rust_ort"),
    ]


@pytest.mark.parametrize("cls", model_classes())
def test_a_missing_model_file_is_file_not_found_naming_it(cls, tmp_path):
    missing = tmp_path / "nowhere.onnx"
    with pytest.raises(FileNotFoundError, match=re.escape("nowhere.onnx")):
        cls(missing)
    with pytest.raises(ValueError, match="is not a file"):
        cls(tmp_path)


@pytest.mark.parametrize("cls", model_classes())
@pytest.mark.parametrize("damage", ["truncated", "garbage", "empty", "other-model"])
def test_a_damaged_model_file_is_a_value_error_naming_it(cls, damage, tmp_path):
    good = digits_onnx().read_bytes()
    path = tmp_path / f"{damage}.onnx"
    if damage == "truncated":
        path.write_bytes(good[: len(good) // 2])
    elif damage == "garbage":
        path.write_bytes(np.random.default_rng(0).integers(0, 256, 5000, np.uint8).tobytes())
    elif damage == "empty":
        path.write_bytes(b"")
    else:  # a valid ONNX graph that is not an exported classifier (no probabilities)
        import onnx
        from onnx import TensorProto, helper

        graph = helper.make_graph(
            [helper.make_node("Relu", ["X"], ["Y"])],
            "relu",
            [helper.make_tensor_value_info("X", TensorProto.FLOAT, [None, 64])],
            [helper.make_tensor_value_info("Y", TensorProto.FLOAT, [None, 64])],
        )
        onnx.save(helper.make_model(graph), path)
    with pytest.raises(ValueError, match=re.escape(f"{damage}.onnx")):
        cls(path)


def test_ort_model_with_a_library_that_is_not_onnxruntime_is_an_error(tmp_path):
    """Only the first OrtModel of a process loads the library; a bad path then is an
    error, later models share the environment already loaded."""
    fake = tmp_path / "libonnxruntime.so.0"
    fake.write_bytes(b"not a library")
    try:
        inference_rs.OrtModel(digits_onnx(), library=fake)
    except RuntimeError as err:
        assert "libonnxruntime.so.0" in str(err)


@pytest.mark.parametrize("cls", model_classes())
def test_threads_must_be_positive(cls):
    for bad in (0, -1, 10**30):
        with pytest.raises(ValueError, match="threads must be from 1 to 1024"):
            cls(digits_onnx(), threads=bad)
    for bad in (1.5, "2", True):
        with pytest.raises(TypeError, match="threads must be an integer"):
            cls(digits_onnx(), threads=bad)


def test_infer_wasm_scratch_trap_is_a_python_error_and_the_model_still_works(models):
    model = models["infer_wasm_scratch"]
    with pytest.raises(WasmTrap, match="trapped in debug_trap"):
        model._call("debug_trap")
    expected = models["infer_rust_scratch"].predict_proba(GOOD)
    np.testing.assert_allclose(model.predict_proba(GOOD), expected, atol=1e-5)


def test_infer_wasm_scratch_module_refuses_calls_out_of_order(models):
    """Memory in and out: the module checks what the host asks of it."""
    model = models["infer_wasm_scratch"]
    assert model._call("predict_proba", 10_000) == 1
    with pytest.raises(ValueError, match="needs an input_buffer of at least"):
        raise model._error()
    model._rows = -1
    np.testing.assert_allclose(
        model.predict_proba(GOOD), models["infer_rust_scratch"].predict_proba(GOOD), atol=1e-5
    )
