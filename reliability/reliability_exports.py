"""The exports of every lesson package, found by walking the modules, and how to call each.

``discover_exports()`` lists every public function and class of every lesson (the list
in pyproject.toml, read by ``workshop.lessons``), with the public methods of its classes
(the model classes of the inference lesson take the user's input there), walking each
package's ``__all__`` and its public submodules (the stages ``poly_match_rs.v1`` ...,
``inference_rs.wasm``), so a new export or a new lesson shows up without editing anything
here. ``REGISTRY`` says, for each export, how to
call it with a small valid input and which arguments it takes (each argument has a kind;
``reliability_inputs.py`` turns kinds into bad values). ``test_reliability_inventory.py``
fails when the two disagree: an export without bad-input cases is a failing test.
"""

from __future__ import annotations

import atexit
import functools
import importlib
import importlib.util
import inspect
import pkgutil
import shutil
import sys
import tempfile
import types
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import Any

import numpy as np

import distinct_count_rs
import gil_pool_rs
import inference_rs
import inference_rs.wasm
import ml_demos_rs
import poly_match_rs
import text_prep_rs
from workshop.lessons import lessons

ROOT = Path(__file__).resolve().parent.parent
LESSON_PACKAGES = [importlib.import_module(lesson.package) for lesson in lessons()]
COMPILED = [importlib.import_module(lesson.compiled_module) for lesson in lessons()]

# The hidden functions that panic on purpose (see docs/errors.md): not part of the API,
# checked by test_reliability_panics.py instead.
DEBUG_HOOKS = {f"{module.__name__}._debug_panic": module._debug_panic for module in COMPILED}
# The hidden kernels that the limit rows of the tables time (`_floor_...`, see
# `workshop.bench.Limit`): they compute no answer and take no user data.
FLOOR_KERNELS = {
    f"{module.__name__}.{name}": getattr(module, name)
    for module in COMPILED
    for name in getattr(module, "__all__", [])
    if name.startswith("_floor_")
}


def _public(module: ModuleType) -> list[str]:
    """Names a user can import from `module`: its `__all__`, else what it defines."""
    names = getattr(module, "__all__", None)
    if names is None:
        names = [name for name in dir(module) if not name.startswith("_")]
    return sorted(names)


def _exports_of(module: ModuleType, prefix: str) -> dict[str, Any]:
    """The public names of `module` (its `__all__`, else what it defines), its public
    submodules' (a stage of lesson 1: ``poly_match_rs.v1``; ``inference_rs.wasm``), and
    the public methods of its classes."""
    found: dict[str, Any] = {}
    names = set(_public(module))
    if hasattr(module, "__path__"):  # a package: its public submodules too
        names |= {
            info.name
            for info in pkgutil.iter_modules(module.__path__)
            if not info.name.startswith("_")
        }
    for name in sorted(names):
        obj = getattr(module, name, None)
        if obj is None:
            obj = importlib.import_module(f"{module.__name__}.{name}")
        if isinstance(obj, ModuleType):
            if _is_own_submodule(module, obj, name):
                found |= _exports_of(obj, f"{prefix}.{name}")
            continue
        if inspect.isclass(obj) and issubclass(obj, BaseException):
            continue  # an error a caller catches, never called with the caller's data
        found[f"{prefix}.{name}"] = obj
        if inspect.isclass(obj):  # methods take user input too
            for method in _public_methods(obj):
                found[f"{prefix}.{name}.{method}"] = getattr(obj, method)
    return found


def _is_own_submodule(parent: Any, module: ModuleType, name: str) -> bool:
    """Whether `module`, found as ``parent.name``, is part of the lesson (a submodule of
    the package, or a submodule PyO3 made in the compiled module, which has no file), not
    a module it imported (``np``, ``ctypes``): walking those never ends."""
    parent_name = getattr(parent, "__name__", None)
    if parent_name and module.__name__ == f"{parent_name}.{name}":
        return True
    return module.__name__ == name and getattr(module, "__file__", None) is None


def discover_exports() -> dict[str, Any]:
    """Every public function, class and constant, as ``{"package.module.name": object}``."""
    found: dict[str, Any] = {}
    for package in LESSON_PACKAGES:
        found |= _exports_of(package, package.__name__)
    return found


def _public_methods(cls: type) -> list[str]:
    return sorted(
        name
        for name in dir(cls)
        if not name.startswith("_")
        and callable(getattr(cls, name))
        and not isinstance(inspect.getattr_static(cls, name), property)
    )


def compiled_exports() -> dict[str, Any]:
    """What the compiled Rust modules export (public names), by the name a user imports.

    Every one of them must be reachable through the package (checked by the inventory
    test), so that nothing written in Rust escapes the bad-input tests.
    """
    found: dict[str, Any] = {}
    for module in COMPILED:
        package = module.__name__.split(".")[0]
        public = {n: getattr(module, n) for n in _public(module) if not n.startswith("_")}
        found |= _exports_of(types.SimpleNamespace(**public), package)  # type: ignore[arg-type]
    return found


def compiled_private() -> set[str]:
    """The underscore names the compiled modules export: only the debug hooks and the
    floor kernels may be."""
    found = set()
    for module in COMPILED:
        for name in _public(module):
            if name.startswith("_"):
                found.add(f"{module.__name__}.{name}")
    return found


def is_constant(obj: Any) -> bool:
    return not callable(obj)


# --- the lesson's baselines (py_project modules) -------------------------------------


def project_module(folder: str, name: str) -> ModuleType:
    """A module of a lesson's py_project (its folder on sys.path)."""
    lesson = next(found for found in lessons() if found.folder == folder)
    if str(lesson.py_project) not in sys.path:
        sys.path.append(str(lesson.py_project))
    return importlib.import_module(name)


def poly_project(name: str) -> ModuleType:
    """A module of poly_match_rs/py_project (``poly_match_v0`` is the baseline)."""
    return project_module("poly_match_rs", name)


def ml_suites() -> ModuleType:
    """ml_demos_rs/py_project/ml_demos_suites.py (its scikit-learn counting rule)."""
    return next(found for found in lessons() if found.folder == "ml_demos_rs").suites()


# --- small valid inputs ---------------------------------------------------------------

SQUARE_X = np.array([0.0, 1.0, 1.0, 0.0])
SQUARE_Y = np.array([0.0, 0.0, 1.0, 1.0])


class CenterPolygon:
    """What v1 reads: any object with a float64 ``center`` array."""

    def __init__(self, x: np.ndarray, y: np.ndarray):
        self.x, self.y = x, y
        self.center = np.array([x.mean(), y.mean()])


def stage_polygons(stage: str, n: int = 3) -> list[Any]:
    """`n` unit squares one unit apart, of the class the stage's function expects."""
    make = CenterPolygon if stage == "v1" else getattr(poly_match_rs, stage).Polygon
    return [make(SQUARE_X + 1.5 * i, SQUARE_Y.copy()) for i in range(n)]


def small_points(n: int = 4) -> list[np.ndarray]:
    return [np.array([0.5 + 1.5 * i, 0.5]) for i in range(n)]


def small_data(n: int = 30, d: int = 2, seed: int = 0) -> np.ndarray:
    rng = np.random.default_rng(seed)
    centers = np.array([[0.0] * d, [5.0] * d, [-5.0] + [5.0] * (d - 1)])
    return centers[np.arange(n) % 3] + rng.normal(size=(n, d))


def small_labels(n: int = 30) -> np.ndarray:
    return (np.arange(n) % 3).astype(np.int64)


# --- the registry -------------------------------------------------------------------


@dataclass
class Export:
    """How to call one export.

    ``valid()`` returns fresh ``(args, kwargs)`` of a small correct call; ``arguments``
    maps each argument (a key of kwargs, or a position in args) to its kind (see
    reliability_inputs.KINDS). ``extra_bad()`` adds cases that need several arguments
    at once (mismatched lengths, k larger than the data, ...).
    """

    name: str
    call: Callable[..., Any]
    valid: Callable[[], tuple[tuple, dict]]
    arguments: dict[str | int, tuple[str, str]]  # where -> (argument name, kind)
    extra_bad: Callable[[], list[tuple[str, tuple, dict, tuple, str]]] = lambda: []
    releases_gil: bool = False
    notes: str = ""
    tags: list[str] = field(default_factory=list)


def _polygon_class(stage: str) -> Export:
    cls = getattr(poly_match_rs, stage).Polygon

    def extra():
        return [
            (
                "x-and-y-lengths-differ",
                (np.zeros(4), np.zeros(5)),
                {},
                (ValueError,),
                "x and y",
            ),
            ("two-vertices", (np.zeros(2), np.zeros(2)), {}, (ValueError,), "vertices"),
            ("no-arguments", (), {}, (TypeError,), "x"),
            ("keyword-typo", (SQUARE_X.copy(),), {"yy": SQUARE_Y.copy()}, (TypeError,), "yy"),
        ]

    return Export(
        name=f"poly_match_rs.{stage}.Polygon",
        call=cls,
        valid=lambda: ((SQUARE_X.copy(), SQUARE_Y.copy()), {}),
        arguments={0: ("x", "float_vector"), 1: ("y", "float_vector")},
        extra_bad=extra,
    )


def _close_polygons(stage: str) -> Export:
    module = getattr(poly_match_rs, stage)
    other = {"v1": "v2", "v2": "v3", "v3": "v2"}[stage]

    def extra():
        cases = [
            (
                "polygon-of-another-stage" if stage != "v1" else "object-without-center",
                ([*stage_polygons(stage, 1), object()], np.array([0.5, 0.5]), 10.0),
                {},
                (TypeError,),
                "polygons[1]",
            )
        ]
        if stage != "v1":
            cases.append(
                (
                    f"{other}-polygon",
                    ([*stage_polygons(stage, 1), *stage_polygons(other, 1)], np.zeros(2), 1.0),
                    {},
                    (TypeError,),
                    "polygons[1]",
                )
            )
        return cases

    return Export(
        name=f"poly_match_rs.{stage}.find_close_polygons",
        call=module.find_close_polygons,
        valid=lambda: ((stage_polygons(stage), np.array([0.5, 0.5]), 2.0), {}),
        arguments={
            0: ("polygons", "center_polygons" if stage == "v1" else f"polygons_{stage}"),
            1: ("point", "point"),
            2: ("max_dist", "max_dist"),
        },
        extra_bad=extra,
    )


def _many_points(stage: str, function: str) -> Export:
    module = getattr(poly_match_rs, stage)
    return Export(
        name=f"poly_match_rs.{stage}.{function}",
        call=getattr(module, function),
        valid=lambda: ((stage_polygons(stage), small_points(), 2.0), {}),
        arguments={
            0: ("polygons", f"polygons_{stage}"),
            1: ("points", "points"),
            2: ("max_dist", "max_dist"),
        },
        extra_bad=lambda: [
            (
                "v2-polygon",
                ([*stage_polygons(stage, 1), *stage_polygons("v2", 1)], small_points(), 1.0),
                {},
                (TypeError,),
                "polygons[1]",
            )
        ],
        releases_gil=stage in ("v5", "v6"),
    )


def algorithm_cases(data: np.ndarray) -> list[tuple]:
    # Only kmeans() has two algorithms (Lloyd's and Hamerly's).
    return [
        ("algorithm-unknown-name", (data, 2), {"algorithm": "elkan"}, (ValueError,), "algorithm"),
        ("algorithm-upper-case", (data, 2), {"algorithm": "LLOYD"}, (ValueError,), "algorithm"),
        ("algorithm-int", (data, 2), {"algorithm": 1}, (TypeError,), "algorithm"),
    ]


def _kmeans(name: str, call: Callable[..., Any], positional: bool) -> Export:
    def valid():
        data = small_data()
        if positional:  # kmeans_alamano(data, n_clusters, max_iter, tol, init, seed)
            return (data, 3), {"max_iter": 50, "tol": 0.0, "init": data[:3].copy(), "seed": 1}
        return (data, 3), {"max_iter": 50, "tol": 0.0, "init": "kmeans++", "seed": 1}

    def extra():
        data = small_data(n=5)
        return [
            ("more-clusters-than-rows", (data, 6), {"seed": 1}, (ValueError,), "n_clusters"),
            (
                "init-rows-differ-from-n_clusters",
                (data, 2),
                {"init": data[:3].copy()},
                (ValueError,),
                "init",
            ),
            (
                "init-columns-differ-from-data",
                (data, 2),
                {"init": np.zeros((2, 3))},
                (ValueError,),
                "init",
            ),
            (
                "init-huge-values",
                (data, 2),
                {"init": np.full((2, 2), 1e200)},
                (ValueError,),
                "init",
            ),
            ("init-unknown-name", (data, 2), {"init": "kmeans"}, (ValueError,), "init"),
            ("init-int", (data, 2), {"init": 3}, (TypeError,), "init"),
            ("init-int-dtype", (data, 2), {"init": np.zeros((2, 2), int)}, (TypeError,), "init"),
            ("init-nan", (data, 2), {"init": np.full((2, 2), np.nan)}, (ValueError,), "init"),
            ("init-1d", (data, 2), {"init": np.zeros(2)}, (ValueError,), "init"),
            ("unknown-keyword", (data, 2), {"k": 3}, (TypeError,), "k"),
            *(algorithm_cases(data) if name == "kmeans" else []),
        ]

    return Export(
        name=f"ml_demos_rs.{name}",
        call=call,
        valid=valid,
        arguments={
            0: ("data", "float_matrix"),
            1: ("n_clusters", "count"),
            "max_iter": ("max_iter", "count"),
            "tol": ("tol", "tol"),
            "seed": ("seed", "seed"),
        },
        extra_bad=extra,
        releases_gil=True,
    )


def _kmeans_floor(function: str) -> Export:
    def extra():
        data = small_data(n=5)
        return [
            (
                "centroid-columns-differ-from-data",
                (data, np.zeros((2, 3)), 2),
                {},
                (ValueError,),
                "centroids",
            ),
            ("unknown-keyword", (data, data[:2].copy(), 2), {"k": 3}, (TypeError,), "k"),
        ]

    return Export(
        name=f"ml_demos_rs.{function}",
        call=getattr(ml_demos_rs, function),
        valid=lambda: ((small_data(), small_data()[:3].copy(), 2), {}),
        arguments={
            0: ("data", "float_matrix"),
            1: ("centroids", "float_matrix"),
            2: ("n_iter", "count"),
        },
        extra_bad=extra,
        releases_gil=True,
        notes="the floor of the k-means benchmark: returns a meaningless number, no answer",
    )


def _split_indices() -> Export:
    def extra():
        y = small_labels()
        return [
            (
                "class-with-one-member",
                (np.array([0, 0, 1, 1, 2]),),
                {},
                (ValueError,),
                "y",
            ),
            (
                "sizes-add-above-1",
                (y,),
                {"test_size": 0.6, "train_size": 0.6},
                (ValueError,),
                "train_size",
            ),
            ("both-sizes-none", (y,), {"test_size": None}, (ValueError,), "test_size"),
            ("test-set-smaller-than-classes", (y,), {"test_size": 0.05}, (ValueError,), "test set"),
        ]

    return Export(
        name="ml_demos_rs.stratified_train_test_indices",
        call=ml_demos_rs.stratified_train_test_indices,
        valid=lambda: ((small_labels(),), {"test_size": 0.3, "seed": 1}),
        arguments={
            0: ("y", "labels"),
            "test_size": ("test_size", "fraction"),
            "train_size": ("train_size", "fraction"),
            "seed": ("seed", "seed"),
        },
        extra_bad=extra,
        releases_gil=True,
    )


def _kfold_indices() -> Export:
    def extra():
        y = small_labels(9)
        return [
            ("k-larger-than-every-class", (y, 4), {}, (ValueError,), "k"),
            ("k-larger-than-samples", (y, 10), {}, (ValueError,), "k"),
        ]

    return Export(
        name="ml_demos_rs.stratified_kfold_indices",
        call=ml_demos_rs.stratified_kfold_indices,
        valid=lambda: ((small_labels(), 3), {"seed": 1}),
        arguments={0: ("y", "labels"), 1: ("k", "folds"), "seed": ("seed", "seed")},
        extra_bad=extra,
        releases_gil=True,
    )


def _split_rows() -> Export:
    def extra():
        y = small_labels()
        return [
            ("data-rows-differ-from-y", (small_data(n=29), y), {}, (ValueError,), "data"),
            ("data-scalar", (5.0, y), {}, (ValueError,), "data"),
            (
                "class-with-one-member",
                (np.zeros((5, 2)), np.array([0, 0, 1, 1, 2])),
                {},
                (ValueError,),
                "y",
            ),
        ]

    return Export(
        name="ml_demos_rs.stratified_train_test_split",
        call=ml_demos_rs.stratified_train_test_split,
        valid=lambda: ((small_data(), small_labels()), {"test_size": 0.3, "seed": 1}),
        arguments={
            1: ("y", "labels"),
            "test_size": ("test_size", "fraction"),
            "train_size": ("train_size", "fraction"),
            "seed": ("seed", "seed"),
        },
        extra_bad=extra,
        releases_gil=True,
    )


def _kfold_rows() -> Export:
    def extra():
        y = small_labels()
        return [
            ("data-rows-differ-from-y", (small_data(n=31), y, 3), {}, (ValueError,), "data"),
            ("data-scalar", (5.0, y, 3), {}, (ValueError,), "data"),
            (
                "k-larger-than-every-class",
                (small_data(9), small_labels(9), 4),
                {},
                (ValueError,),
                "k",
            ),
        ]

    return Export(
        name="ml_demos_rs.stratified_kfold_split",
        call=ml_demos_rs.stratified_kfold_split,
        valid=lambda: ((small_data(), small_labels(), 3), {"seed": 1}),
        arguments={1: ("y", "labels"), 2: ("k", "folds"), "seed": ("seed", "seed")},
        extra_bad=extra,
        releases_gil=True,
    )


def _kmeans_result() -> Export:
    # A result type: Python code gets one from kmeans(); it has no constructor.
    return Export(
        name="ml_demos_rs.KMeansResult",
        call=ml_demos_rs.KMeansResult,
        valid=lambda: ((), {}),
        arguments={},
        extra_bad=lambda: [
            ("no-constructor", (), {}, (TypeError,), "KMeansResult"),
            (
                "no-constructor-with-arguments",
                (np.zeros((2, 2)),),
                {},
                (TypeError,),
                "KMeansResult",
            ),
        ],
        notes="built only by kmeans/kmeans_linfa; calling the class is a TypeError",
        tags=["no-valid-call"],
    )


def _text(name: str, releases_gil: bool) -> Export:
    return Export(
        name=f"text_prep_rs.{name}",
        call=getattr(text_prep_rs, name),
        valid=lambda: (("The QUICK brown foxes jump over été ΟΔΟΣ",), {}),
        arguments={0: ("text", "text")},
        releases_gil=releases_gil,
    )


def small_words(n: int = 200) -> list[str]:
    return [str(i % 50) for i in range(n)]


def _distinct_count(name: str, on_array: bool) -> Export:
    """The CVM distinct counts: `(items, epsilon, delta, seed)`."""
    call = getattr(distinct_count_rs, name)

    def valid():
        items = (np.arange(200) % 50).astype(np.int64) if on_array else small_words()
        return (items,), {"epsilon": 0.5, "delta": 0.001, "seed": 1}

    def extra():
        return [("unknown-keyword", (small_words(),), {"eps": 0.1}, (TypeError,), "eps")]

    return Export(
        name=f"distinct_count_rs.{name}",
        call=call,
        valid=valid,
        arguments={
            0: ("items", "integer_array" if on_array else "hashable_items"),
            "epsilon": ("epsilon", "fraction"),
            "delta": ("delta", "fraction"),
            "seed": ("seed", "seed"),
        },
        extra_bad=extra,
        releases_gil=on_array,
    )


# --- the msgpack lesson: take_iter writes into np_vectors, the reader reads files ----

MSGPACK_DIM = 8


def vector_bytes(n: int = 3, dim: int = MSGPACK_DIM, seed: int = 0) -> list[bytes]:
    """`n` float32 vectors of `dim` values, as the bytes items take_iter reads."""
    values = np.random.default_rng(seed).standard_normal((n, dim)).astype(np.float32)
    return [row.tobytes() for row in values]


@functools.cache
def msgpack_folder() -> Path:
    """A temporary folder of msgpack files (made once per process, deleted at exit)."""
    folder = Path(tempfile.mkdtemp(prefix="reliability_msgpack_"))
    atexit.register(shutil.rmtree, folder, ignore_errors=True)
    return folder


@functools.cache
def msgpack_file(name: str = "good", n: int = 3, dim: int = MSGPACK_DIM) -> str:
    """The path of a small msgpack file: ``good`` (n vectors), ``truncated``, ``corrupt``
    (an integer among the items), or ``missing`` (no file)."""
    import msgpack

    data = b"".join(msgpack.packb(item) for item in vector_bytes(n, dim))
    path = msgpack_folder() / f"{name}_{n}x{dim}.msgpack"
    if name == "truncated":
        data = data[:-5]
    elif name == "corrupt":
        data = data + msgpack.packb(42)
    if name != "missing":
        path.write_bytes(data)
    return str(path)


def _take_iter() -> Export:
    def extra():
        short = vector_bytes(3)
        short[1] = short[1][:-4]
        return [
            (
                "more-vectors-than-rows",
                (vector_bytes(5), np.zeros((4, MSGPACK_DIM), np.float32)),
                {},
                (ValueError,),
                "np_vectors",
            ),
            (
                "wrong-length-not-skipped",
                (short, np.zeros((4, MSGPACK_DIM), np.float32)),
                {"skip_wrong_length": False},
                (ValueError,),
                "skip_wrong_length",
            ),
            ("no-arguments", (), {}, (TypeError,), "iterator"),
        ]

    return Export(
        name="gil_pool_rs.take_iter",
        call=gil_pool_rs.take_iter,
        # A fresh array per call: writing into it is take_iter's purpose.
        valid=lambda: ((vector_bytes(3), np.zeros((4, MSGPACK_DIM), np.float32)), {}),
        arguments={
            0: ("iterator", "bytes_iterable"),
            1: ("np_vectors", "float32_rows"),
            "skip_wrong_length": ("skip_wrong_length", "flag"),
        },
        extra_bad=extra,
        releases_gil=True,
        notes="writes into np_vectors (its purpose); every other input is left unchanged",
        tags=["writes-an-argument"],
    )


def _read_msgpack_vectors() -> Export:
    def extra():
        return [
            (label, (msgpack_file(label), MSGPACK_DIM), {}, errors, msgpack_file(label))
            for label, errors in (
                ("missing", (OSError,)),
                ("truncated", (ValueError,)),
                ("corrupt", (ValueError,)),
            )
        ] + [
            (
                "a-folder",
                (str(msgpack_folder()), MSGPACK_DIM),
                {},
                (OSError,),
                str(msgpack_folder()),
            ),
            (
                "wrong-length-not-skipped",
                (msgpack_file(), MSGPACK_DIM + 1),
                {"skip_wrong_length": False},
                (ValueError,),
                "skip_wrong_length",
            ),
        ]

    return Export(
        name="gil_pool_rs.read_msgpack_vectors",
        call=gil_pool_rs.read_msgpack_vectors,
        valid=lambda: ((msgpack_file(), MSGPACK_DIM), {}),
        arguments={
            0: ("path", "msgpack_path"),
            1: ("dim", "count"),
            "skip_wrong_length": ("skip_wrong_length", "flag"),
        },
        extra_bad=extra,
        releases_gil=True,
    )


# --- the inference lesson: the model classes, their methods, the helpers ----------


def inference_project(name: str) -> ModuleType:
    """A module of inference_rs/py_project (``inference_data`` makes the models)."""
    return project_module("inference_rs", name)


@functools.cache
def small_pipeline():
    """A quick, seeded model of the digits (64 features, 16 hidden units, 10 classes)."""
    from sklearn.datasets import load_digits
    from sklearn.neural_network import MLPClassifier
    from sklearn.pipeline import Pipeline
    from sklearn.preprocessing import StandardScaler

    data = inference_project("inference_data")
    X, y = load_digits(return_X_y=True)
    mlp = MLPClassifier(hidden_layer_sizes=(16,), max_iter=5, random_state=0)
    pipe = Pipeline([("scaler", StandardScaler()), ("mlp", mlp)])
    return data.train(pipe, X.astype(np.float32), y)


@functools.cache
def small_onnx() -> str:
    """The small model as an ONNX file (in the lesson's cache, made once per weights)."""
    return str(inference_project("inference_data").export_onnx(small_pipeline(), "reliability"))


def small_images(n: int = 3) -> np.ndarray:
    return inference_project("inference_data").noisy_digits(n, seed=0)


def scratch_valid() -> tuple[tuple, dict]:
    args, kwargs = inference_rs.scratch_arguments(small_pipeline())
    mean, scale, coefs, intercepts = args
    # Fresh copies for every call (a check must see that none is modified).
    return (
        mean.copy(),
        scale.copy(),
        [c.copy() for c in coefs],
        [b.copy() for b in intercepts],
    ), dict(kwargs)


@functools.cache
def inference_models() -> dict[str, Any]:
    """One model of each class, shared by the calls of its methods."""
    args, kwargs = scratch_valid()
    return {
        "inference_rs.ScratchMlp": inference_rs.ScratchMlp(*args, **kwargs),
        "inference_rs.wasm.WasmMlp": inference_rs.wasm.WasmMlp(*args, **kwargs),
        "inference_rs.TractModel": inference_rs.TractModel(small_onnx(), threads=1),
        "inference_rs.OrtModel": inference_rs.OrtModel(small_onnx(), threads=1),
    }


def damaged_onnx(kind: str) -> str:
    """``missing``, ``truncated``, ``garbage``, ``empty`` or ``folder``: a model file that
    cannot be loaded (made once per process, in a temporary folder)."""
    folder = msgpack_folder()  # the temporary folder of this process
    path = folder / f"{kind}.onnx"
    if kind == "folder":
        path.mkdir(exist_ok=True)
    elif kind == "truncated":
        good = Path(small_onnx()).read_bytes()
        path.write_bytes(good[: len(good) // 2])
    elif kind == "garbage":
        path.write_bytes(bytes(range(256)) * 8)
    elif kind == "empty":
        path.write_bytes(b"")
    return str(path)


def _inference_class(name: str, cls: Any, rust: bool) -> Export:
    args_of = {
        0: ("mean", "weights_vector"),
        1: ("scale", "weights_vector"),
        2: ("coefs", "layer_list"),
        3: ("intercepts", "layer_list"),
        "activation": ("activation", "activation"),
    }

    def extra():
        (mean, scale, coefs, intercepts), kwargs = scratch_valid()
        return [
            (
                "layers-do-not-chain",
                (mean, scale, [c.T.copy() for c in coefs], intercepts),
                kwargs,
                (ValueError,),
                "coefs[0]",
            ),
            (
                "one-intercept-too-many",
                (mean, scale, coefs, [*intercepts, intercepts[-1]]),
                kwargs,
                (ValueError,),
                "intercepts",
            ),
            (
                "mean-shorter-than-scale",
                (mean[:-1].copy(), scale, coefs, intercepts),
                kwargs,
                (ValueError,),
                "mean",
            ),
            ("no-arguments", (), {}, (TypeError,), "mean"),
        ]

    return Export(
        name=name,
        call=cls,
        valid=scratch_valid,
        arguments=args_of,
        extra_bad=extra,
        notes="" if rust else "Python class over the WebAssembly module (wasmtime)",
        tags=["slow-call"] if not rust else [],
    )


def _onnx_class(name: str, cls: Any) -> Export:
    arguments = {0: ("path", "onnx_path"), "threads": ("threads", "threads")}
    if name.endswith("OrtModel"):
        arguments["library"] = ("library", "library")

    def extra():
        return [
            (kind, (damaged_onnx(kind),), {}, errors, damaged_onnx(kind))
            for kind, errors in (
                ("missing", (FileNotFoundError,)),
                ("folder", (ValueError,)),
                ("truncated", (ValueError,)),
                ("garbage", (ValueError,)),
                ("empty", (ValueError,)),
            )
        ]

    return Export(
        name=name,
        call=cls,
        valid=lambda: ((small_onnx(),), {"threads": 1}),
        arguments=arguments,
        extra_bad=extra,
        releases_gil=True,
        notes="loads and optimises a model: each call takes milliseconds",
        tags=["slow-call"],
    )


def _model_method(cls_name: str, method: str, rust: bool) -> Export:
    def call(X):  # the argument's name, as the methods call it
        return getattr(inference_models()[cls_name], method)(X)

    return Export(
        name=f"{cls_name}.{method}",
        call=call,
        valid=lambda: ((small_images(),), {}),
        arguments={0: ("X", "images")},
        extra_bad=lambda: [("no-arguments", (), {}, (TypeError,), "X")],
        releases_gil=rust,
    )


def _scratch_arguments() -> Export:
    return Export(
        name="inference_rs.scratch_arguments",
        call=inference_rs.scratch_arguments,
        valid=lambda: ((small_pipeline(),), {}),
        arguments={0: ("pipe", "pipeline")},
        notes="Python helper: the ScratchMlp arguments of a fitted pipeline",
    )


def _onnxruntime_library() -> Export:
    return Export(
        name="inference_rs.onnxruntime_library",
        call=inference_rs.onnxruntime_library,
        valid=lambda: ((), {}),
        arguments={},
        extra_bad=lambda: [
            ("an-argument", ("onnxruntime",), {}, (TypeError,), "onnxruntime_library"),
            ("a-keyword", (), {"path": "x"}, (TypeError,), "path"),
        ],
        notes="Python helper: the path of the installed onnxruntime's shared library",
    )


def inference_exports() -> list[Export]:
    exports = [
        _inference_class("inference_rs.ScratchMlp", inference_rs.ScratchMlp, rust=True),
        _inference_class("inference_rs.wasm.WasmMlp", inference_rs.wasm.WasmMlp, rust=False),
        _onnx_class("inference_rs.TractModel", inference_rs.TractModel),
        _onnx_class("inference_rs.OrtModel", inference_rs.OrtModel),
        _scratch_arguments(),
        _onnxruntime_library(),
    ]
    for cls_name, rust in (
        ("inference_rs.ScratchMlp", True),
        ("inference_rs.wasm.WasmMlp", False),
        ("inference_rs.TractModel", True),
        ("inference_rs.OrtModel", True),
    ):
        exports += [_model_method(cls_name, m, rust) for m in ("predict", "predict_proba")]
    return exports


def build_registry() -> dict[str, Export]:
    exports = [
        _close_polygons("v1"),
        _polygon_class("v2"),
        _close_polygons("v2"),
        _polygon_class("v3"),
        _close_polygons("v3"),
        _polygon_class("v4"),
        _many_points("v4", "find_all_close_polygons"),
        _polygon_class("v5"),
        _many_points("v5", "find_best_polygons"),
        _polygon_class("v6"),
        _many_points("v6", "find_best_polygons"),
        _kmeans("kmeans", ml_demos_rs.kmeans, positional=False),
        _kmeans("kmeans_alamano", ml_demos_rs.kmeans_alamano, positional=True),
        _kmeans("kmeans_linfa", ml_demos_rs.kmeans_linfa, positional=False),
        _kmeans_floor("kmeans_distance_floor"),
        _kmeans_floor("kmeans_bounds_floor"),
        _split_indices(),
        _kfold_indices(),
        _split_rows(),
        _kfold_rows(),
        _kmeans_result(),
        _text("preprocess_text", releases_gil=True),
        _text("preprocess_text_buffered", releases_gil=False),
        _text("preprocess_text_interned", releases_gil=False),
        _text("preprocess_text_ascii", releases_gil=False),
        _distinct_count("count_approx_rust_naive", on_array=False),
        _distinct_count("count_approx_rust", on_array=False),
        _distinct_count("count_approx_fast", on_array=False),
        _distinct_count("count_approx_array", on_array=True),
        _take_iter(),
        _read_msgpack_vectors(),
        *inference_exports(),
    ]
    return {export.name: export for export in exports}


REGISTRY = build_registry()

# Constants: no input, so no bad input; each is checked against the baseline instead.
CONSTANTS = {"poly_match_rs.v5.AREA_RTOL", "poly_match_rs.v6.AREA_RTOL"}


def signature_text(obj: Any) -> str:
    try:
        return str(inspect.signature(obj))
    except (TypeError, ValueError):
        return "(...)"


def main() -> None:
    """Print the inventory: ``python reliability/reliability_exports.py``."""
    from reliability_inputs import bad_cases

    for name, obj in sorted(discover_exports().items()):
        if is_constant(obj):
            print(f"{name} = {obj!r} (constant)")
            continue
        export = REGISTRY.get(name)
        cases = len(bad_cases(export)) if export else 0
        gil = ", releases the GIL" if export and export.releases_gil else ""
        print(f"{name}{signature_text(obj)}: {cases} bad inputs{gil}")


if __name__ == "__main__":
    main()
