"""Bad inputs by kind of argument, memory layouts, and the check of one bad call.

A *kind* (``"point"``, ``"float_matrix"``, ``"labels"``, ...) lists the values that must be
refused for an argument of that kind, each with the exception classes allowed. Every
export's argument has a kind (see ``reliability_exports.REGISTRY``), so its bad inputs
are generated, not written by hand. ``check_bad_call`` runs one call and says what, if
anything, went wrong: no exception, the wrong exception (a ``PanicException`` above all),
a message that does not name the argument, or an input changed by the call.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp
from reliability_exports import (
    MSGPACK_DIM,
    REGISTRY,
    Export,
    msgpack_file,
    stage_polygons,
    vector_bytes,
)

import poly_match_rs

TYPE = (TypeError,)
VALUE = (ValueError,)
EITHER = (TypeError, ValueError)


@dataclass
class BadCase:
    """One bad call: ``make()`` builds fresh arguments; the error must be one of
    ``errors`` and its text (message and notes) must contain ``names`` as a word."""

    export: str
    case: str
    make: Callable[[], tuple[tuple, dict]]
    errors: tuple[type[BaseException], ...]
    names: str


def _wrong_dtypes(shape: tuple[int, ...], fill: float = 1.0) -> list[tuple[str, Any, tuple]]:
    values = np.full(shape, fill)
    return [
        ("int64", values.astype(np.int64), EITHER),
        ("float32", values.astype(np.float32), EITHER),
        ("complex", values.astype(np.complex128), EITHER),
        ("bool", values.astype(bool), EITHER),
        ("object", values.astype(object), EITHER),
        ("big-endian-float64", values.astype(">f8"), EITHER),
        ("strings", values.astype(str), EITHER),
    ]


def _wrong_types(example_list: Any) -> list[tuple[str, Any, tuple]]:
    return [
        ("python-list", example_list, TYPE),
        ("python-tuple", tuple(example_list), TYPE),
        ("none", None, TYPE),
        ("text", "1.0, 2.0", TYPE),
        ("float", 1.5, TYPE),
        ("dict", {"x": 1.0}, TYPE),
    ]


def _non_finite(shape: tuple[int, ...], fill: float = 0.5) -> list[tuple[str, Any, tuple]]:
    cases = []
    for label, bad in (("nan", np.nan), ("inf", np.inf), ("minus-inf", -np.inf)):
        values = np.full(shape, fill)
        values.flat[values.size // 2] = bad
        cases.append((label, values, VALUE))
    return cases


def point_values() -> list[tuple[str, Any, tuple]]:
    return [
        *_wrong_dtypes((2,)),
        ("2d", np.array([[0.5, 0.5]]), VALUE),
        ("0d", np.array(0.5), VALUE),
        ("3-values", np.array([0.5, 0.5, 0.5]), VALUE),
        ("1-value", np.array([0.5]), VALUE),
        ("empty", np.array([]), VALUE),
        *_non_finite((2,)),
        ("nan-first", np.array([np.nan, 0.5]), VALUE),
        *_wrong_types([0.5, 0.5]),
        ("strided-3-values", np.arange(6.0)[::2], VALUE),
        ("reversed-with-nan", np.array([np.nan, 0.5, 0.5])[::-1], VALUE),
        ("fortran-2d", np.asfortranarray(np.ones((2, 2))), VALUE),
    ]


def float_vector_values() -> list[tuple[str, Any, tuple]]:
    return [
        *_wrong_dtypes((4,)),
        ("2d", np.ones((4, 1)), VALUE),
        ("0d", np.array(1.0), VALUE),
        ("empty", np.array([]), VALUE),
        *_non_finite((4,)),
        *_wrong_types([0.0, 1.0, 1.0, 0.0]),
        ("strided-with-inf", np.array([0.0, 1.0, np.inf, 0.0, 1.0, 0.0, 0.0, 1.0])[::2], VALUE),
    ]


def max_dist_values() -> list[tuple[str, Any, tuple]]:
    return [
        ("zero", 0.0, VALUE),
        ("negative", -1.0, VALUE),
        ("nan", float("nan"), VALUE),
        ("numpy-nan", np.float64("nan"), VALUE),
        ("inf", float("inf"), VALUE),
        ("minus-inf", float("-inf"), VALUE),
        ("tiny", 1e-200, VALUE),
        ("huge", 1e200, VALUE),
        ("int-too-big-for-float", 10**400, VALUE),
        ("negative-int-too-big", -(10**400), VALUE),
        ("text", "10", TYPE),
        ("none", None, TYPE),
        ("list", [1.0], TYPE),
        ("complex", 1j, TYPE),
        ("array", np.array([1.0, 2.0]), TYPE),
    ]


def polygon_list_values(stage: str) -> list[tuple[str, Any, tuple]]:
    """`polygons` arguments that must be refused; a bad element is at index 1."""
    one = stage_polygons(stage, 1)
    return [
        ("empty-list", [], VALUE),
        ("empty-tuple", (), VALUE),
        ("none", None, TYPE),
        ("text", "polygons", TYPE),
        ("int", 3, TYPE),
        ("generator", (p for p in stage_polygons(stage, 2)), TYPE),
        ("dict", {0: one[0]}, TYPE),
        ("element-none", [*one, None], TYPE),
        ("element-int", [*one, 7], TYPE),
        ("element-array", [*one, np.array([0.5, 0.5])], TYPE),
        ("element-text", [*one, "polygon"], TYPE),
    ]


class _Centered:
    def __init__(self, center: Any):
        self.center = center


class _RaisingCenter:
    @property
    def center(self):
        raise ValueError("polygons[1] has no centre today")


def center_polygon_values() -> list[tuple[str, Any, tuple]]:
    """v1 reads `center` from any object: objects whose `center` is bad must be refused."""
    base = polygon_list_values("v1")
    one = stage_polygons("v1", 1)
    for label, center, errors in point_values():
        if label in {"fortran-2d"}:
            continue
        base.append((f"center-{label}", [*one, _Centered(center)], errors))
    base.append(("center-raises", [*one, _RaisingCenter()], VALUE))
    return base


def points_values() -> list[tuple[str, Any, tuple]]:
    """`points` arguments that must be refused; a bad point is at index 1."""
    good = np.array([0.5, 0.5])
    cases = [
        ("empty-list", [], VALUE),
        ("none", None, TYPE),
        ("text", "points", TYPE),
        ("int", 3, TYPE),
        ("generator", (p for p in [good, good]), TYPE),
    ]
    for label, point, errors in point_values():
        cases.append((f"point-{label}", [good.copy(), point], errors))
    return cases


def float_matrix_values() -> list[tuple[str, Any, tuple]]:
    data = np.random.default_rng(0).normal(size=(30, 2))
    return [
        *_wrong_dtypes((30, 2)),
        ("1d", np.ones(30), VALUE),
        ("3d", np.ones((30, 2, 1)), VALUE),
        ("0d", np.array(1.0), VALUE),
        ("no-rows", np.zeros((0, 2)), VALUE),
        ("no-columns", np.zeros((30, 0)), VALUE),
        *_non_finite((30, 2)),
        ("huge-values", data * 1e200, VALUE),
        ("max-float", np.full((30, 2), np.finfo(float).max), VALUE),
        *_wrong_types(data.tolist()),
        ("fortran-with-nan", np.asfortranarray(_with_bad_value((data, 7, np.nan))), VALUE),
        ("strided-with-inf", strided(_with_bad_value((data, 11, np.inf))), VALUE),
        ("negative-stride-with-nan", _with_bad_value((data, 3, np.nan))[::-1], VALUE),
    ]


def count_values() -> list[tuple[str, Any, tuple]]:
    return [
        ("zero", 0, VALUE),
        ("negative", -1, VALUE),
        ("int-too-big-for-64-bits", 10**30, VALUE),
        ("negative-int-too-big", -(10**30), VALUE),
        ("float", 2.5, TYPE),
        ("numpy-float", np.float64(3.0), TYPE),
        ("text", "3", TYPE),
        ("none", None, TYPE),
        ("list", [3], TYPE),
    ]


def folds_values() -> list[tuple[str, Any, tuple]]:
    return [*count_values(), ("one", 1, VALUE)]


def tol_values() -> list[tuple[str, Any, tuple]]:
    return [
        ("negative", -1e-4, VALUE),
        ("nan", float("nan"), VALUE),
        ("inf", float("inf"), VALUE),
        ("minus-inf", float("-inf"), VALUE),
        ("int-too-big-for-float", 10**400, VALUE),
        ("text", "0.1", TYPE),
        ("none", None, TYPE),
    ]


def seed_values() -> list[tuple[str, Any, tuple]]:
    return [
        ("negative", -1, VALUE),
        ("2-to-the-64", 2**64, VALUE),
        ("int-too-big", 2**200, VALUE),
        ("negative-int-too-big", -(2**200), VALUE),
        ("float", 1.5, TYPE),
        ("text", "1", TYPE),
        ("list", [1], TYPE),
    ]


def fraction_values() -> list[tuple[str, Any, tuple]]:
    return [
        ("zero", 0.0, VALUE),
        ("one", 1.0, VALUE),
        ("negative", -0.1, VALUE),
        ("above-one", 1.5, VALUE),
        ("nan", float("nan"), VALUE),
        ("inf", float("inf"), VALUE),
        ("int-too-big-for-float", 10**400, VALUE),
        ("negative-int-too-big", -(10**400), VALUE),
        ("text", "0.2", TYPE),
        ("list", [0.2], TYPE),
    ]


def labels_values() -> list[tuple[str, Any, tuple]]:
    labels = np.arange(30) % 3
    return [
        ("float64", labels.astype(float), TYPE),
        ("float32", labels.astype(np.float32), TYPE),
        ("complex", labels.astype(complex), TYPE),
        ("strings", labels.astype(str), TYPE),
        ("object", labels.astype(object), TYPE),
        ("uint64-above-int64", np.full(30, 2**63, dtype=np.uint64), TYPE),
        ("2d", labels.reshape(15, 2), VALUE),
        ("0d", np.array(1), VALUE),
        ("empty", np.array([], dtype=np.int64), VALUE),
        *_wrong_types(labels.tolist()),
    ]


def text_values() -> list[tuple[str, Any, tuple]]:
    return [
        ("bytes", b"some words here", TYPE),
        ("bytearray", bytearray(b"some words"), TYPE),
        ("none", None, TYPE),
        ("int", 5, TYPE),
        ("list-of-str", ["some", "words"], TYPE),
        ("lone-surrogate", "some \ud800 words", VALUE),
        ("only-a-surrogate", "\udfff", VALUE),
    ]


def hashable_items_values() -> list[tuple[str, Any, tuple]]:
    """`items` of the distinct counts: a collection with a length, of hashable items."""
    return [
        ("empty-list", [], VALUE),
        ("empty-tuple", (), VALUE),
        ("empty-set", set(), VALUE),
        ("none", None, TYPE),
        ("int", 3, TYPE),
        ("float", 1.5, TYPE),
        ("generator", (str(i) for i in range(10)), TYPE),
        ("iterator", iter(["a", "b"]), TYPE),
        ("element-list", ["a", ["b"], "c"], TYPE),
        ("element-dict", ["a", {"b": 1}], TYPE),
        ("element-array", ["a", np.arange(3)], TYPE),
    ]


def integer_array_values() -> list[tuple[str, Any, tuple]]:
    """`items` of count_approx_array: a 1-D NumPy array of integers."""
    values = np.arange(12) % 5
    return [
        ("float64", values.astype(np.float64), TYPE),
        ("float32", values.astype(np.float32), TYPE),
        ("complex", values.astype(np.complex128), TYPE),
        ("bool", values.astype(bool), TYPE),
        ("object", values.astype(object), TYPE),
        ("strings", values.astype(str), TYPE),
        ("2d", values.reshape(3, 4), VALUE),
        ("0d", np.array(3), VALUE),
        ("empty", np.array([], dtype=np.int64), VALUE),
        *_wrong_types(values.tolist()),
    ]


def bytes_iterable_values() -> list[tuple[str, Any, tuple]]:
    """`iterator` arguments of take_iter that must be refused; a bad item is at index 1.
    (Items of the wrong length are skipped, not refused: see the export's own cases.)"""
    good = vector_bytes(1)[0]
    return [
        ("none", None, TYPE),
        ("int", 3, TYPE),
        ("float", 1.5, TYPE),
        ("text", "vectors", TYPE),  # iterable, but of str
        ("bytes-object", good, TYPE),  # iterable, but of int
        ("dict-of-ints", {0: good}, TYPE),
        ("item-none", [good, None], TYPE),
        ("item-int", [good, 7], TYPE),
        ("item-text", [good, "vector"], TYPE),
        ("item-bytearray", [good, bytearray(good)], TYPE),
        ("item-array", [good, np.zeros(MSGPACK_DIM, np.float32)], TYPE),
        ("generator-item-float", (x for x in [good, 1.5]), TYPE),
    ]


def _rows(shape: tuple[int, ...] = (4, MSGPACK_DIM), dtype: Any = np.float32) -> np.ndarray:
    return np.zeros(shape, dtype=dtype)


def float32_rows_values() -> list[tuple[str, Any, tuple]]:
    """`np_vectors` arguments that must be refused (before anything is written)."""
    return [
        ("float64", _rows(dtype=np.float64), TYPE),
        ("float16", _rows(dtype=np.float16), TYPE),
        ("int32", _rows(dtype=np.int32), TYPE),
        ("complex64", _rows(dtype=np.complex64), TYPE),
        ("object", _rows(dtype=object), TYPE),
        ("big-endian-float32", _rows(dtype=">f4"), TYPE),
        ("1d", _rows((4 * MSGPACK_DIM,)), VALUE),
        ("3d", _rows((4, MSGPACK_DIM, 1)), VALUE),
        ("0d", np.float32(0.0), TYPE),
        ("no-columns", _rows((4, 0)), VALUE),
        ("too-few-rows", _rows((2, MSGPACK_DIM)), VALUE),
        ("strided", strided(_rows()), VALUE),
        ("column-slice", _rows((4, 2 * MSGPACK_DIM))[:, :MSGPACK_DIM], VALUE),
        ("negative-stride", reversed_view(_rows()), VALUE),
        ("fortran", fortran(_rows()), VALUE),
        ("read-only", read_only(_rows()), VALUE),
        *_wrong_types(_rows().tolist()),
    ]


def flag_values() -> list[tuple[str, Any, tuple]]:
    return [
        ("int", 1, TYPE),
        ("zero", 0, TYPE),
        ("text", "yes", TYPE),
        ("none", None, TYPE),
        ("float", 1.0, TYPE),
        ("list", [True], TYPE),
    ]


def msgpack_path_values() -> list[tuple[str, Any, tuple]]:
    return [
        ("none", None, TYPE),
        ("int", 3, TYPE),
        ("float", 1.5, TYPE),
        ("list", [msgpack_file()], TYPE),
        ("dict", {"path": msgpack_file()}, TYPE),
        ("array", np.zeros(3), TYPE),
    ]


# --- the inference lesson -------------------------------------------------------------


def _images(n: int = 3, features: int = 64, dtype: Any = np.float32) -> np.ndarray:
    return np.full((n, features), 3.0, dtype=dtype)


def images_values() -> list[tuple[str, Any, tuple]]:
    """`X` of predict/predict_proba: float32 (n, 64), n >= 1, finite values."""
    return [
        ("float64", _images(dtype=np.float64), TYPE),
        ("float16", _images(dtype=np.float16), TYPE),
        ("int64", _images(dtype=np.int64), TYPE),
        ("bool", _images(dtype=bool), TYPE),
        ("object", _images(dtype=object), TYPE),
        ("big-endian-float32", _images(dtype=">f4"), TYPE),
        ("1d", _images()[0], VALUE),
        ("3d", _images().reshape(3, 8, 8), VALUE),
        ("0d", np.float32(3.0), TYPE),
        ("63-features", _images(features=63), VALUE),
        ("65-features", _images(features=65), VALUE),
        ("no-rows", _images(n=0), VALUE),
        *((label, bad.astype(np.float32), errors) for label, bad, errors in _non_finite((3, 64))),
        *_wrong_types(_images().tolist()),
    ]


def weights_vector_values() -> list[tuple[str, Any, tuple]]:
    """`mean`/`scale`: float32 or float64, 1-D, as long as the first layer's input."""
    good = np.ones(64)
    return [
        ("int64", good.astype(np.int64), TYPE),
        ("complex", good.astype(np.complex128), TYPE),
        ("bool", good.astype(bool), TYPE),
        ("2d", good.reshape(8, 8), VALUE),
        ("too-short", good[:63].copy(), VALUE),
        ("empty", np.zeros(0), VALUE),
        ("nan", np.full(64, np.nan), VALUE),
        ("inf", np.full(64, np.inf), VALUE),
        *_wrong_types(good.tolist()),
    ]


def layer_list_values() -> list[tuple[str, Any, tuple]]:
    """`coefs`/`intercepts`: a list of float arrays, one per layer."""
    return [
        ("empty-list", [], VALUE),
        ("an-array", np.ones((64, 10)), TYPE),
        ("text", "weights", TYPE),
        ("none", None, TYPE),
        ("int", 3, TYPE),
        ("dict", {"0": np.ones(3)}, TYPE),
        ("item-int-dtype", [np.ones((64, 16), np.int64), np.ones((16, 10), np.int64)], EITHER),
        ("item-nan", [np.full((64, 16), np.nan), np.full((16, 10), np.nan)], VALUE),
        ("item-list", [[1.0, 2.0], [3.0]], TYPE),
        ("item-none", [None, None], TYPE),
        ("item-3d", [np.ones((64, 16, 1)), np.ones((16, 10, 1))], VALUE),
    ]


def activation_values() -> list[tuple[str, Any, tuple]]:
    return [
        ("unknown", "softplus", VALUE),
        ("empty", "", VALUE),
        ("capitalised", "ReLU", VALUE),
        ("none", None, TYPE),
        ("int", 3, TYPE),
        ("bytes", b"relu", TYPE),
        ("list", ["relu"], TYPE),
    ]


def onnx_path_values() -> list[tuple[str, Any, tuple]]:
    return [
        ("none", None, TYPE),
        ("int", 3, TYPE),
        ("float", 1.5, TYPE),
        ("list", ["model.onnx"], TYPE),
        ("dict", {"path": "model.onnx"}, TYPE),
        ("array", np.zeros(3), TYPE),
    ]


def threads_values() -> list[tuple[str, Any, tuple]]:
    """An integer from 1 to 1024 (None is allowed: as many as rayon's pool)."""
    return [case for case in count_values() if case[0] != "none"] + [
        ("too-many", 100_000, VALUE),
        ("bool", True, TYPE),
    ]


def pipeline_values() -> list[tuple[str, Any, tuple]]:
    from sklearn.neural_network import MLPClassifier
    from sklearn.pipeline import Pipeline
    from sklearn.preprocessing import StandardScaler

    unfitted = Pipeline([("scaler", StandardScaler()), ("mlp", MLPClassifier())])
    return [
        ("none", None, TYPE),
        ("int", 3, TYPE),
        ("list", [StandardScaler(), MLPClassifier()], TYPE),
        ("unfitted", unfitted, VALUE),
        ("one-step", Pipeline([("mlp", MLPClassifier())]), TYPE),
    ]


KINDS: dict[str, Callable[[], list[tuple[str, Any, tuple]]]] = {
    "point": point_values,
    "points": points_values,
    "float_vector": float_vector_values,
    "max_dist": max_dist_values,
    "center_polygons": center_polygon_values,
    **{
        f"polygons_{stage}": (lambda s=stage: polygon_list_values(s))
        for stage in ["v2", "v3", "v4", "v5", "v6"]
    },
    "float_matrix": float_matrix_values,
    "count": count_values,
    "folds": folds_values,
    "tol": tol_values,
    "seed": seed_values,
    "fraction": fraction_values,
    "labels": labels_values,
    "text": text_values,
    "hashable_items": hashable_items_values,
    "integer_array": integer_array_values,
    "bytes_iterable": bytes_iterable_values,
    "float32_rows": float32_rows_values,
    "flag": flag_values,
    "msgpack_path": msgpack_path_values,
    "images": images_values,
    "weights_vector": weights_vector_values,
    "layer_list": layer_list_values,
    "activation": activation_values,
    "onnx_path": onnx_path_values,
    # OrtModel's library: None means the installed wheel's, so it is not bad input.
    "library": lambda: [case for case in onnx_path_values() if case[0] != "none"],
    "threads": threads_values,
    "pipeline": pipeline_values,
}

# A bad element of a list argument is named by its index in the message.
ELEMENT_NAMES = {"points": "points[1]", "polygons": "polygons[1]", "items": "items[1]"}


def _substitute(export: Export, where: str | int, value: Any) -> tuple[tuple, dict]:
    args, kwargs = export.valid()
    if isinstance(where, int):
        args = (*args[:where], value, *args[where + 1 :])
    else:
        kwargs = {**kwargs, where: value}
    return args, kwargs


def bad_cases(export: Export) -> list[BadCase]:
    """Every bad call of `export`: each bad value of each argument's kind, then the
    export's own cases."""
    cases = []
    for where, (argument, kind) in export.arguments.items():
        for label, _value, errors in KINDS[kind]():
            name = argument
            if label.startswith(("point-", "element-", "center-")) and argument in ELEMENT_NAMES:
                name = ELEMENT_NAMES[argument]

            def make(where=where, kind=kind, label=label):
                # Fresh values for every call (a generator can only be read once).
                fresh = dict((lab, val) for lab, val, _ in KINDS[kind]())[label]
                return _substitute(export, where, fresh)

            cases.append(BadCase(export.name, f"{argument}-{label}", make, errors, name))
    for label, _args, _kwargs, errors, name in export.extra_bad():

        def make(label=label):
            fresh = {case[0]: case for case in export.extra_bad()}[label]
            return fresh[1], fresh[2]

        cases.append(BadCase(export.name, label, make, errors, name))
    return cases


# --- the checks of one call ----------------------------------------------------------


def _arrays_in(value: Any, found: list[np.ndarray], depth: int = 0) -> None:
    """The NumPy arrays a call can see: arguments, list elements, polygon attributes."""
    if depth > 3:
        return
    if isinstance(value, np.ndarray):
        found.append(value)
    elif isinstance(value, list | tuple):
        for item in value:
            _arrays_in(item, found, depth + 1)
    elif isinstance(value, dict):
        for item in value.values():
            _arrays_in(item, found, depth + 1)
    elif value is not None and not isinstance(value, str | bytes | int | float | complex):
        for attribute in ("x", "y", "center"):
            try:
                item = getattr(value, attribute)
            except Exception:
                continue
            if isinstance(item, np.ndarray):
                found.append(item)


class Snapshot:
    """Copies of every array an export can see, to prove that a call changed none."""

    def __init__(self, args: tuple, kwargs: dict):
        self.args, self.kwargs = args, kwargs
        self.before = self._state()

    def _state(self) -> list[tuple[Any, ...]]:
        arrays: list[np.ndarray] = []
        _arrays_in(list(self.args), arrays)
        _arrays_in(self.kwargs, arrays)
        return [(a.shape, a.dtype.str, a.flags.writeable, a.tobytes()) for a in arrays]

    def changed(self) -> bool:
        return self._state() != self.before


def error_text(error: BaseException) -> str:
    """The message a user reads: the exception's text and its notes (PyO3 adds a note
    "while processing 'argument'" to the errors of argument conversion)."""
    return " ".join([str(error), *getattr(error, "__notes__", [])])


def names_argument(error: BaseException, name: str) -> bool:
    pattern = r"(?<![A-Za-z0-9_])" + re.escape(name) + r"(?![A-Za-z0-9_])"
    return re.search(pattern, error_text(error)) is not None


def is_panic(error: BaseException) -> bool:
    return type(error).__name__ == "PanicException"


@dataclass
class Outcome:
    """What a bad call did; ``problem`` is empty when it behaved."""

    error: str
    message: str
    panic: bool
    mutated: bool
    problem: str


def check_bad_call(
    call: Callable[..., Any],
    args: tuple,
    kwargs: dict,
    errors: tuple[type[BaseException], ...],
    name: str,
) -> Outcome:
    snapshot = Snapshot(args, kwargs)
    try:
        call(*args, **kwargs)
    except BaseException as error:  # PanicException is a BaseException: catch it too
        if isinstance(error, KeyboardInterrupt | SystemExit):
            raise
        mutated = snapshot.changed()
        problem = ""
        if is_panic(error):
            problem = f"a Rust panic reached Python: {error}"
        elif not isinstance(error, errors):
            expected = " or ".join(e.__name__ for e in errors)
            problem = f"raised {type(error).__name__} instead of {expected}: {error}"
        elif not names_argument(error, name):
            problem = f"the message does not name {name!r}: {error_text(error)!r}"
        if mutated:
            problem = (problem + "; " if problem else "") + "the call changed an input array"
        return Outcome(
            type(error).__name__, error_text(error)[:300], is_panic(error), mutated, problem
        )
    mutated = snapshot.changed()
    return Outcome(
        "",
        "",
        False,
        mutated,
        "no exception was raised" + ("; an input changed" if mutated else ""),
    )


# --- memory layouts ------------------------------------------------------------------


def strided(array: np.ndarray) -> np.ndarray:
    """The same values as a non-contiguous view (every other element of a bigger array)."""
    bigger = np.zeros((array.shape[0] * 2, *array.shape[1:]), dtype=array.dtype)
    bigger[::2] = array
    return bigger[::2]


def reversed_view(array: np.ndarray) -> np.ndarray:
    """The same values as a negative-stride view."""
    return array[::-1].copy()[::-1]


def fortran(array: np.ndarray) -> np.ndarray:
    return np.asfortranarray(array)


def read_only(array: np.ndarray) -> np.ndarray:
    copy = array.copy()
    copy.setflags(write=False)
    return copy


LAYOUTS: dict[str, Callable[[np.ndarray], np.ndarray]] = {
    "strided": strided,
    "negative-stride": reversed_view,
    "fortran": fortran,
    "read-only": read_only,
}


# --- hypothesis: random invalid values ---------------------------------------------

WRONG_DTYPES = [np.int64, np.int32, np.float32, np.float16, np.complex128, np.bool_, np.uint8]


def invalid_float_arrays(
    ndim: int, min_len: int, exact_len: int | None = None
) -> st.SearchStrategy:
    """Arrays that a float64 argument of `ndim` dimensions must refuse: a wrong dtype, a
    wrong number of dimensions, a wrong length, or a NaN/infinity among finite values;
    in any memory layout."""
    shapes = hnp.array_shapes(min_dims=0, max_dims=3, min_side=0, max_side=5)
    wrong_dtype = st.tuples(st.sampled_from(WRONG_DTYPES), shapes).flatmap(
        lambda ds: hnp.arrays(ds[0], ds[1])
    )
    wrong_ndim = hnp.arrays(
        np.float64,
        shapes.filter(lambda s: len(s) != ndim),
        elements=st.floats(-10, 10),
    )
    if ndim == 1:
        lengths = st.integers(0, 6).filter(
            lambda n: n < min_len or (exact_len is not None and n != exact_len)
        )
        wrong_shape = lengths.flatmap(
            lambda n: hnp.arrays(np.float64, (n,), elements=st.floats(-10, 10))
        )
    else:
        wrong_shape = st.sampled_from([(0, 2), (4, 0), (0, 0)]).map(np.zeros)
    good_len = exact_len or max(min_len, 3)
    good_shape = (good_len,) if ndim == 1 else (30, 2)
    non_finite = st.tuples(
        hnp.arrays(np.float64, good_shape, elements=st.floats(-1e3, 1e3)),
        st.integers(0, int(np.prod(good_shape)) - 1),
        st.sampled_from([np.nan, np.inf, -np.inf]),
    ).map(_with_bad_value)
    return st.tuples(
        st.one_of(wrong_dtype, wrong_ndim, wrong_shape, non_finite),
        st.sampled_from([None, *LAYOUTS]),
    ).map(_in_layout)


def _with_bad_value(drawn: tuple[np.ndarray, int, float]) -> np.ndarray:
    values, position, bad = drawn
    values = values.copy()
    values.flat[position] = bad
    return values


def _in_layout(drawn: tuple[np.ndarray, str | None]) -> np.ndarray:
    array, layout = drawn
    if layout is None or array.ndim == 0 or array.shape[0] == 0:
        return array
    return LAYOUTS[layout](array)


def invalid_labels() -> st.SearchStrategy:
    float_labels = hnp.arrays(
        st.sampled_from([np.float64, np.float32, np.complex128]),
        st.integers(1, 8),
        elements=st.integers(0, 3),
    )
    wrong_ndim = hnp.arrays(
        np.int64, hnp.array_shapes(min_dims=2, max_dims=3, max_side=4), elements=st.integers(0, 3)
    )
    empty = st.sampled_from([np.int64, np.int32, np.int8]).map(lambda d: np.zeros(0, d))
    return st.tuples(
        st.one_of(float_labels, wrong_ndim, empty), st.sampled_from([None, *LAYOUTS])
    ).map(_in_layout)


def wrong_python_types() -> st.SearchStrategy:
    return st.one_of(
        st.none(),
        st.text(max_size=5),
        st.binary(max_size=5),
        st.lists(st.floats(allow_nan=False), max_size=3),
        st.dictionaries(st.text(max_size=2), st.integers(), max_size=2),
    )


def invalid_positive_float() -> st.SearchStrategy:
    return st.one_of(
        st.floats(max_value=0.0),
        st.floats(min_value=0.0, max_value=1e-155, exclude_min=True),
        st.floats(min_value=1e155),
        st.just(float("nan")),
        st.integers(max_value=0),
        st.integers(min_value=2**1030, max_value=2**1100),
    )


def invalid_count(minimum: int) -> st.SearchStrategy:
    return st.one_of(
        st.integers(max_value=minimum - 1),
        st.integers(min_value=2**63),
        st.integers(max_value=-(2**63) - 1),
    )


def invalid_fraction() -> st.SearchStrategy:
    return st.one_of(
        st.floats(max_value=0.0),
        st.floats(min_value=1.0),
        st.just(float("nan")),
        st.integers(min_value=2**1030, max_value=2**1100),
    )


def invalid_seed() -> st.SearchStrategy:
    return st.one_of(st.integers(max_value=-1), st.integers(min_value=2**64), st.floats())


def invalid_tol() -> st.SearchStrategy:
    return st.one_of(
        st.floats(max_value=0.0, exclude_max=True),
        st.sampled_from([float("nan"), float("inf")]),
        st.integers(min_value=2**1030, max_value=2**1100),
    )


def invalid_hashable_items() -> st.SearchStrategy:
    """Not a collection, empty, without a length, or with an unhashable item at index 1.
    (A str or a list of floats is a valid collection: its items are counted.)"""
    unhashable = st.one_of(
        st.lists(st.integers(), max_size=3),
        st.dictionaries(st.text(max_size=2), st.integers(), max_size=2),
        st.sets(st.integers(), max_size=3),
    )
    return st.one_of(
        st.none(),
        st.integers(),
        st.floats(),
        st.sampled_from([[], (), frozenset()]),
        st.lists(st.integers(), max_size=4).map(lambda xs: (x for x in xs)),
        unhashable.map(lambda bad: ["a", bad]),
    )


def invalid_integer_arrays() -> st.SearchStrategy:
    """Arrays of another dtype, of another number of dimensions, empty; non-arrays."""
    other_dtype = hnp.arrays(
        st.sampled_from([np.float64, np.float32, np.complex128, np.bool_]), st.integers(1, 8)
    )
    wrong_ndim = hnp.arrays(np.int64, hnp.array_shapes(min_dims=2, max_dims=3, max_side=4))
    empty = st.sampled_from([np.int64, np.int32, np.uint8]).map(lambda d: np.zeros(0, d))
    return st.one_of(other_dtype, wrong_ndim, empty, wrong_python_types())


# For each kind: a hypothesis strategy of values that must be refused with a
# TypeError or ValueError. Element kinds put the bad value at index 1 of a list.
def _list_with_bad_point(point_strategy: st.SearchStrategy) -> st.SearchStrategy:
    return point_strategy.map(lambda point: [np.array([0.5, 0.5]), point])


def _polygons_with_bad_element(stage: str) -> st.SearchStrategy:
    element = st.one_of(wrong_python_types(), st.integers(), invalid_float_arrays(1, 2, 2))
    return element.map(lambda bad: [*stage_polygons(stage, 1), bad])


def _v1_polygons_with_bad_center() -> st.SearchStrategy:
    center = st.one_of(invalid_float_arrays(1, 2, exact_len=2), wrong_python_types())
    return center.map(lambda bad: [*stage_polygons("v1", 1), _Centered(bad)])


def invalid_bytes_iterables() -> st.SearchStrategy:
    """Non-iterables, iterables of something else than bytes, and lists whose item 1 is
    not bytes (any length of bytes is accepted: wrong lengths are skipped)."""
    good = vector_bytes(1)[0]
    not_bytes = st.one_of(
        st.none(), st.integers(), st.floats(), st.text(max_size=3), st.lists(st.integers())
    )
    return st.one_of(
        st.none(),
        st.integers(),
        st.floats(),
        st.text(min_size=1, max_size=5),
        st.binary(min_size=1, max_size=5),
        not_bytes.map(lambda bad: [good, bad]),
    )


def invalid_float32_rows() -> st.SearchStrategy:
    """Arrays take_iter must refuse before writing: a dtype other than float32, not 2-D,
    no columns, fewer rows than the 3 vectors, or not C-contiguous and writeable."""
    dtypes = [np.float64, np.float16, np.int32, np.int64, np.uint8, np.bool_, np.complex64]
    shapes = hnp.array_shapes(min_dims=0, max_dims=3, min_side=0, max_side=5)
    wrong_dtype = st.tuples(st.sampled_from(dtypes), shapes).map(lambda ds: np.zeros(ds[1], ds[0]))
    wrong_ndim = shapes.filter(lambda s: len(s) != 2).map(lambda s: np.zeros(s, np.float32))
    no_room = st.sampled_from([(0, MSGPACK_DIM), (2, MSGPACK_DIM), (4, 0), (0, 0)])
    bad_layout = st.sampled_from(list(LAYOUTS)).map(
        lambda layout: LAYOUTS[layout](np.zeros((4, MSGPACK_DIM), np.float32))
    )
    return st.one_of(
        wrong_dtype, wrong_ndim, no_room.map(lambda s: np.zeros(s, np.float32)), bad_layout
    )


def invalid_images() -> st.SearchStrategy:
    """X a model must refuse: another dtype, not 2-D, not 64 columns, no row, or a
    NaN/infinity somewhere."""
    shapes = hnp.array_shapes(min_dims=0, max_dims=3, min_side=0, max_side=4)
    dtypes = [np.float64, np.float16, np.int32, np.int64, np.uint8, np.bool_, np.complex64]
    wrong_dtype = st.tuples(st.sampled_from(dtypes), st.integers(1, 3)).map(
        lambda dn: np.ones((dn[1], 64), dn[0])
    )
    wrong_ndim = shapes.filter(lambda s: len(s) != 2).map(lambda s: np.ones(s, np.float32))
    wrong_columns = st.tuples(st.integers(0, 3), st.integers(0, 130).filter(lambda c: c != 64))
    no_rows = st.just(np.zeros((0, 64), np.float32))
    non_finite = st.tuples(
        st.integers(1, 5), st.integers(0, 63), st.sampled_from([np.nan, np.inf, -np.inf])
    ).map(lambda rcv: _images_with(rcv[0], rcv[1], rcv[2]))
    return st.one_of(
        wrong_dtype,
        wrong_ndim,
        wrong_columns.map(lambda rc: np.ones(rc, np.float32)),
        no_rows,
        non_finite,
    )


def _images_with(rows: int, column: int, value: float) -> np.ndarray:
    X = np.full((rows, 64), 2.0, np.float32)
    X[rows - 1, column] = value
    return X


def invalid_weights_vectors() -> st.SearchStrategy:
    lengths = st.integers(0, 70).filter(lambda n: n != 64)
    return st.one_of(
        lengths.map(np.ones),
        st.sampled_from([np.int64, np.bool_, np.complex128]).map(lambda d: np.ones(64, d)),
        st.integers(0, 63).map(lambda i: np.where(np.arange(64) == i, np.nan, 1.0)),
    )


FUZZ: dict[str, Callable[[], st.SearchStrategy]] = {
    "point": lambda: st.one_of(invalid_float_arrays(1, 2, exact_len=2), wrong_python_types()),
    "points": lambda: st.one_of(
        _list_with_bad_point(
            st.one_of(invalid_float_arrays(1, 2, exact_len=2), wrong_python_types())
        ),
        st.just([]),
    ),
    "float_vector": lambda: st.one_of(invalid_float_arrays(1, 3), wrong_python_types()),
    "max_dist": lambda: st.one_of(invalid_positive_float(), wrong_python_types()),
    "center_polygons": _v1_polygons_with_bad_center,
    **{
        f"polygons_{stage}": (lambda s=stage: _polygons_with_bad_element(s))
        for stage in ["v2", "v3", "v4", "v5", "v6"]
    },
    "float_matrix": lambda: st.one_of(invalid_float_arrays(2, 1), wrong_python_types()),
    "count": lambda: st.one_of(invalid_count(1), st.floats(), st.text(max_size=3), st.none()),
    "folds": lambda: st.one_of(invalid_count(2), st.floats(), st.text(max_size=3), st.none()),
    "tol": lambda: st.one_of(invalid_tol(), st.text(max_size=3), st.none()),
    "seed": lambda: st.one_of(invalid_seed(), st.text(max_size=3)),
    "fraction": lambda: st.one_of(invalid_fraction(), st.text(max_size=3)),
    "labels": lambda: st.one_of(invalid_labels(), wrong_python_types()),
    "text": lambda: st.one_of(
        st.none(),
        st.integers(),
        st.binary(max_size=8),
        st.lists(st.text(max_size=3), max_size=3),
        # A str with a lone surrogate somewhere: no UTF-8 form.
        st.tuples(st.text(max_size=5), st.characters(categories=["Cs"]), st.text(max_size=5)).map(
            "".join
        ),
    ),
    "hashable_items": lambda: invalid_hashable_items(),
    "integer_array": lambda: invalid_integer_arrays(),
    "bytes_iterable": invalid_bytes_iterables,
    "float32_rows": lambda: st.one_of(invalid_float32_rows(), wrong_python_types()),
    "flag": lambda: st.one_of(st.integers(), st.floats(), st.text(max_size=3), st.none()),
    "msgpack_path": lambda: st.one_of(
        st.none(), st.integers(), st.floats(), st.lists(st.integers(), max_size=2)
    ),
    "images": lambda: st.one_of(invalid_images(), wrong_python_types()),
    "weights_vector": lambda: st.one_of(invalid_weights_vectors(), wrong_python_types()),
    "layer_list": lambda: st.one_of(
        st.none(),
        st.integers(),
        st.text(max_size=3),
        st.just([]),
        st.lists(st.one_of(st.none(), st.integers()), min_size=1, max_size=3),
    ),
    "activation": lambda: st.one_of(
        st.text(max_size=8).filter(lambda s: s not in ("identity", "logistic", "tanh", "relu")),
        st.none(),
        st.integers(),
        st.binary(max_size=4),
    ),
    "onnx_path": lambda: st.one_of(
        st.none(), st.integers(), st.floats(), st.lists(st.integers(), max_size=2)
    ),
    "library": lambda: st.one_of(st.integers(), st.floats(), st.lists(st.integers(), max_size=2)),
    "threads": lambda: st.one_of(
        st.integers(max_value=0), st.integers(min_value=1025), st.floats(), st.text(max_size=3)
    ),
    "pipeline": lambda: st.one_of(st.none(), st.integers(), st.text(max_size=3)),
}


def fuzz_argument(export: Export) -> st.SearchStrategy:
    """(where, argument name, name in the message, bad value) for one argument of `export`."""
    choices = []
    for where, (argument, kind) in export.arguments.items():
        name = argument
        strategy = FUZZ[kind]()
        choices.append(strategy.map(lambda value, w=where, a=argument, n=name: (w, a, n, value)))
    return st.one_of(*choices)


def substitute(export: Export, where: str | int, value: Any) -> tuple[tuple, dict]:
    return _substitute(export, where, value)


def all_bad_cases() -> dict[str, list[BadCase]]:
    return {name: bad_cases(export) for name, export in REGISTRY.items()}


__all__ = [
    "EITHER",
    "LAYOUTS",
    "BadCase",
    "Outcome",
    "all_bad_cases",
    "bad_cases",
    "check_bad_call",
    "error_text",
    "fuzz_argument",
    "is_panic",
    "names_argument",
    "poly_match_rs",
    "substitute",
]
