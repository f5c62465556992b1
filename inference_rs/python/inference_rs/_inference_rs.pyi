"""Stubs of the compiled module `inference_rs._inference_rs` (src/lib.rs)."""

import os
from typing import final

import numpy as np
import numpy.typing as npt
from typing_extensions import Self

@final
class ScratchMlp:
    """A Pipeline(StandardScaler, MLPClassifier) run by a forward pass written in Rust."""

    def __new__(
        cls,
        mean: npt.NDArray[np.floating],
        scale: npt.NDArray[np.floating],
        coefs: list[npt.NDArray[np.floating]],
        intercepts: list[npt.NDArray[np.floating]],
        activation: str = "relu",
    ) -> Self: ...
    @property
    def n_features(self) -> int: ...
    @property
    def n_classes(self) -> int: ...
    def predict_proba(self, X: npt.NDArray[np.float32]) -> npt.NDArray[np.float32]: ...
    def predict(self, X: npt.NDArray[np.float32]) -> npt.NDArray[np.int64]: ...

@final
class TractModel:
    """An ONNX file run by tract (pure Rust), optimised once for any batch size."""

    def __new__(cls, path: str | os.PathLike[str], threads: int | None = None) -> Self: ...
    @property
    def n_features(self) -> int: ...
    @property
    def n_classes(self) -> int: ...
    @property
    def path(self) -> os.PathLike[str]: ...
    def predict_proba(self, X: npt.NDArray[np.float32]) -> npt.NDArray[np.float32]: ...
    def predict(self, X: npt.NDArray[np.float32]) -> npt.NDArray[np.int64]: ...

@final
class OrtModel:
    """An ONNX file run by ONNX Runtime through its C API (the `ort` crate)."""

    def __new__(
        cls,
        path: str | os.PathLike[str],
        threads: int | None = None,
        library: str | os.PathLike[str] | None = None,
    ) -> Self: ...
    @property
    def n_features(self) -> int: ...
    @property
    def n_classes(self) -> int: ...
    @property
    def path(self) -> os.PathLike[str]: ...
    def predict_proba(self, X: npt.NDArray[np.float32]) -> npt.NDArray[np.float32]: ...
    def predict(self, X: npt.NDArray[np.float32]) -> npt.NDArray[np.int64]: ...

def _debug_panic(message: str, where_: str = "gil") -> None: ...
