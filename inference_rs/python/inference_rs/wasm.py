"""The hand-written forward pass compiled to WebAssembly, run by the ``wasmtime`` package.

``WasmMlp`` takes the same arguments as :class:`inference_rs.ScratchMlp` and gives the same
answers; the module is ``inference_wasm.wasm`` next to this file, built by the setup from
``inference_rs/wasm/`` (see its ``build_wasm.py``).

A WebAssembly module shares only numbers and its linear memory with the host, so each
call goes: ask the module for a buffer (an address in its memory), write the numbers
there, call the export, read the answer back from memory. The NumPy views of that
memory are made once per buffer and reused while the module's memory stays the same.
"""

from __future__ import annotations

import atexit
import ctypes
import threading
import weakref
from pathlib import Path

import numpy as np

__all__ = ["WasmMlp", "WasmNotBuilt", "WasmTrap"]

MODULE = Path(__file__).resolve().parent / "inference_wasm.wasm"
ACTIVATIONS = ("identity", "logistic", "tanh", "relu")  # their codes: the positions
INVALID, UNFINISHED = 1, 2  # the module's error kinds


class WasmNotBuilt(NotImplementedError):
    """No module was built (no Rust compiler here has the wasm32 target)."""


class WasmTrap(RuntimeError):
    """The module trapped (a panic inside it): the call failed, the interpreter is fine."""


def module_path() -> Path:
    if not MODULE.exists():
        raise WasmNotBuilt(
            f"the WebAssembly module {MODULE.name} is not built: no Rust compiler here has "
            "the wasm32-unknown-unknown target. Add it with `rustup target add "
            "wasm32-unknown-unknown` (Debian without rustup: apt install rustc "
            "libstd-rust-dev-wasm32 lld-14), then run `make setup` again."
        )
    return MODULE


_COMPILED: dict[Path, tuple] = {}
# The stores of the live models: closed at exit, before the interpreter tears modules
# down (wasmtime's finalisers need its own module; run later, they print a TypeError).
_STORES: weakref.WeakSet = weakref.WeakSet()


@atexit.register
def _release_at_exit() -> None:
    # Stores first, then the modules and engines they were made from: a wasmtime object
    # still alive at teardown is freed after the package's own functions are gone.
    for store in list(_STORES):
        store.close()
    for engine, module in _COMPILED.values():
        module.close()
        engine.close()
    _COMPILED.clear()


def compiled_module():
    """The wasmtime engine and compiled module, compiled once per process."""
    import wasmtime

    path = module_path()
    if path not in _COMPILED:
        engine = wasmtime.Engine()
        _COMPILED[path] = (engine, wasmtime.Module.from_file(engine, str(path)))
    return _COMPILED[path]


def float32_vector(value, what: str) -> np.ndarray:
    return float32_array(value, what, 1)


def float32_array(value, what: str, ndim: int) -> np.ndarray:
    if not isinstance(value, np.ndarray):
        raise TypeError(
            f"{what} must be a {ndim}-D NumPy array of float32 or float64, "
            f"got {type(value).__name__}"
        )
    if value.ndim != ndim:
        raise ValueError(f"{what} must be a {ndim}-D array, got shape {value.shape}")
    if value.dtype not in (np.float32, np.float64):
        raise TypeError(f"{what} must have dtype float32 or float64, got {value.dtype}")
    return np.ascontiguousarray(value, dtype=np.float32)


class I32Export:
    """A call of an exported function of i32 arguments and one i32 result (or none).

    ``wasmtime.Func.__call__`` works out the function's type and converts every
    argument on each call, then checks for a trap in a context manager: some 10 to 30
    microseconds here, more than the model itself takes for one image. This calls the
    same C function (``wasmtime_func_call``) through the package's own ctypes
    bindings, with the argument, result and trap cells made once, and raises the
    package's own ``Trap``/``WasmtimeError``. Where those bindings are missing (another
    wasmtime version), it falls back to ``Func.__call__``.
    """

    def __init__(self, store, func, n_params: int, n_results: int):
        self.store, self.func = store, func
        try:
            from wasmtime import _ffi as ffi

            self._call_c = ffi.wasmtime_func_call
            self._context = store._context()
            self._params = (ffi.wasmtime_val_t * max(n_params, 1))()
            for cell in self._params:
                cell.kind = ffi.WASMTIME_I32.value
            self._results = (ffi.wasmtime_val_t * max(n_results, 1))()
            self._n_params, self._n_results = n_params, n_results
            self._raw = ctypes.byref(func._func)
            # The union inside each cell, kept: writing to it writes into the array.
            self._arguments = [cell.of for cell in self._params[:n_params]]
            self._result = self._results[0].of
            self._trap_type = ctypes.POINTER(ffi.wasm_trap_t)
            self._trap = self._trap_type()
            self._trap_ref = ctypes.byref(self._trap)
        except (ImportError, AttributeError):  # pragma: no cover - another wasmtime
            self._call_c = None

    def __call__(self, *args: int):
        if self._call_c is None:  # pragma: no cover - another wasmtime
            return self.func(self.store, *args)
        for cell, value in zip(self._arguments, args, strict=True):
            cell.i32 = value
        error = self._call_c(
            self._context,
            self._raw,
            self._params,
            self._n_params,
            self._results,
            self._n_results,
            self._trap_ref,
        )
        if error or self._trap:
            self._raise(error)
        return self._result.i32 if self._n_results else None

    def _raise(self, error) -> None:
        import wasmtime

        if error:
            raise wasmtime.WasmtimeError._from_ptr(error)
        trap = wasmtime.Trap._from_ptr(self._trap)  # takes ownership of the trap
        self._trap = self._trap_type()  # a fresh, empty cell for the next call
        self._trap_ref = ctypes.byref(self._trap)
        raise trap


class WasmMlp:
    """A ``Pipeline(StandardScaler, MLPClassifier)`` run as WebAssembly (see the module doc)."""

    def __init__(self, mean, scale, coefs, intercepts, activation: str = "relu"):
        if not isinstance(activation, str):
            raise TypeError(f"activation must be a str, got {type(activation).__name__}")
        if activation not in ACTIVATIONS:
            raise ValueError(
                f"activation must be one of {', '.join(ACTIVATIONS)}, got {activation!r}"
            )
        for what, layers in (("coefs", coefs), ("intercepts", intercepts)):
            if not isinstance(layers, (list, tuple)):
                raise TypeError(
                    f"{what} must be a list of NumPy arrays (one per layer), "
                    f"got {type(layers).__name__}"
                )
        if len(coefs) != len(intercepts):
            raise ValueError(
                "coefs and intercepts must have one array per layer each, "
                f"got {len(coefs)} and {len(intercepts)}"
            )
        mean = float32_vector(mean, "mean")
        scale = float32_vector(scale, "scale")
        weights = [float32_array(w, f"coefs[{i}]", 2) for i, w in enumerate(coefs)]
        biases = [float32_vector(b, f"intercepts[{i}]") for i, b in enumerate(intercepts)]
        if len(scale) != len(mean):
            raise ValueError(
                "mean and scale must have one value per feature each, "
                f"got {len(mean)} and {len(scale)}"
            )
        self.n_features = len(mean)
        # The module checks that the layers chain (and names the one that does not):
        # it gets every size, [activation, features, (inputs, units, biases) per layer].
        layers = [(w.shape[0], w.shape[1], len(b)) for w, b in zip(weights, biases, strict=True)]
        self._layout = np.array(
            [
                ACTIVATIONS.index(activation),
                self.n_features,
                *(n for layer in layers for n in layer),
            ],
            dtype=np.uint32,
        )
        sizes = [self.n_features] + [w.shape[1] for w in weights]
        pieces = [mean, scale]
        for w, b in zip(weights, biases, strict=True):
            pieces += [w.ravel(), b]
        self._params = np.concatenate(pieces).astype(np.float32)
        self.n_classes = max(sizes[-1], 2)
        # One call at a time: wasmtime's calls release the GIL, and a store must not be
        # entered by two threads at once.
        self._lock = threading.Lock()
        self._instantiate()

    # -- the module's memory ----------------------------------------------------------

    def _instantiate(self) -> None:
        """A fresh instance (also after a trap, which may leave the old one unusable)."""
        import wasmtime

        engine, module = compiled_module()
        self._store = wasmtime.Store(engine)
        _STORES.add(self._store)
        instance = wasmtime.Instance(self._store, module, [])
        exports = instance.exports(self._store)
        self._memory = exports["memory"]
        self._exports = {
            name: I32Export(self._store, exports[name], n_params, n_results)
            for name, (n_params, n_results) in EXPORTS.items()
        }
        self._rows = -1  # no input buffer yet
        params = self._buffer("params_buffer", len(self._params))
        self._bytes()[params : params + self._params.nbytes] = self._params.view(np.uint8)
        layout = self._buffer("layout_buffer", len(self._layout))
        self._bytes()[layout : layout + self._layout.nbytes] = self._layout.view(np.uint8)
        self._status(self._call("load_model"))

    def _bytes(self) -> np.ndarray:
        """The module's whole memory as a NumPy byte array (a view, no copy)."""
        size = self._memory.data_len(self._store)
        pointer = ctypes.cast(self._memory.data_ptr(self._store), ctypes.POINTER(ctypes.c_ubyte))
        return np.ctypeslib.as_array(pointer, shape=(size,))

    def _call(self, name: str, *args):
        import wasmtime

        try:
            return self._exports[name](*args)
        except wasmtime.Trap as trap:
            self._instantiate()
            raise WasmTrap(f"the WebAssembly module trapped in {name}: {trap}") from None
        except wasmtime.WasmtimeError as err:
            self._instantiate()
            raise WasmTrap(f"the WebAssembly call {name} failed: {err}") from None

    def _error(self) -> Exception:
        """The module's last error as the matching Python exception."""
        start, length = self._call("error_message"), self._call("error_len")
        message = bytes(self._bytes()[start : start + length]).decode("utf-8", "replace")
        kind = self._call("error_kind")
        return NotImplementedError(message) if kind == UNFINISHED else ValueError(message)

    def _buffer(self, export: str, n: int) -> int:
        address = self._call(export, n)
        if address == 0:
            raise self._error()
        return address

    def _status(self, status: int) -> None:
        if status != 0:
            raise self._error()

    def _views(self, rows: int) -> tuple[np.ndarray, np.ndarray]:
        """Float32 views of the input and output buffers for `rows` rows. Kept while the
        row count stays: a successful `predict_proba` allocates nothing in the module,
        so its memory (and these views) stays where it is."""
        if rows != self._rows:
            self._rows = -1
            start = self._buffer("input_buffer", rows)
            end = self._output_address()
            memory = self._bytes()
            self._input = memory[start : start + rows * self.n_features * 4].view(np.float32)
            self._output = (
                memory[end : end + rows * self.n_classes * 4]
                .view(np.float32)
                .reshape(rows, self.n_classes)
            )
            self._rows = rows
        return self._input, self._output

    def _output_address(self) -> int:
        address = self._call("output_buffer")
        if address == 0:
            raise self._error()
        return address

    # -- the API ----------------------------------------------------------------------

    def predict_proba(self, X) -> np.ndarray:
        """The probability of each class for each row of `X` (float32, `(n, n_classes)`)."""
        rows = self._check(X)
        with self._lock:
            source, result = self._views(rows)
            source[:] = X.reshape(-1)
            status = self._call("predict_proba", rows)
            if status != 0:
                self._rows = -1  # the error message was written into the module's memory
                raise self._error()
            return result.copy()

    def predict(self, X) -> np.ndarray:
        """The most likely class of each row of `X` (int64, `(n,)`)."""
        return self.predict_proba(X).argmax(axis=1).astype(np.int64)

    def _check(self, X) -> int:
        if not isinstance(X, np.ndarray):
            raise TypeError(
                f"X must be a NumPy array of float32 with shape (n_images, {self.n_features}), "
                f"got {type(X).__name__}"
            )
        if X.ndim != 2:
            hint = " (for one image, pass x.reshape(1, -1))" if X.ndim == 1 else ""
            raise ValueError(
                f"X must be 2-D with shape (n_images, {self.n_features}), got shape {X.shape}{hint}"
            )
        if X.dtype != np.float32:
            raise TypeError(
                "X must have dtype float32 (the models compute in float32; use "
                f"X.astype(np.float32)), got {X.dtype}"
            )
        if X.shape[1] != self.n_features:
            raise ValueError(
                f"X must have {self.n_features} features per image (the model's input size), "
                f"got shape {X.shape}"
            )
        if X.shape[0] == 0:
            raise ValueError(f"X must hold at least one image, got shape {X.shape}")
        return X.shape[0]


# The module's exports: (arguments, results), all i32.
EXPORTS = {
    "params_buffer": (1, 1),
    "layout_buffer": (1, 1),
    "load_model": (0, 1),
    "input_buffer": (1, 1),
    "output_buffer": (0, 1),
    "predict_proba": (1, 1),
    "error_kind": (0, 1),
    "error_message": (0, 1),
    "error_len": (0, 1),
    "debug_trap": (0, 0),
}
