"""The model and the images of the inference lesson, made reproducibly from seeds.

- :func:`digits_pipeline`: a scikit-learn ``Pipeline(StandardScaler, MLPClassifier)``
  trained (``random_state`` fixed) on the 8x8 digit images that ship with scikit-learn:
  64 raw pixels in (0 to 16), one of 10 classes out.
- :func:`export_onnx`: the fitted pipeline written as an ONNX file by skl2onnx, into the
  git-ignored folder ``.model_cache/`` next to this file. The options make a graph of
  plain tensors that tract can run too (``Sub``/``Div`` instead of the ``Scaler``
  operator, no ``ZipMap`` dictionary at the end). The file name holds a digest of the
  fitted weights, so a file always matches the model that asked for it.
- :func:`noisy_digits`: ``n`` images drawn (with replacement) from the data set, with
  seeded Gaussian noise: the input of the benchmarks.
- :func:`breast_cancer_pipeline`: a model this lesson's engines never saw while they were
  written: another data set (30 features), other layer sizes, ``tanh``, and a binary
  output (one logistic unit). The tests run it through every engine.

Everything here is float32, as the engines are: ``X`` is ``(n_images, 64)``.
"""

from __future__ import annotations

import hashlib
import pickle
import warnings
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import numpy as np
from sklearn.datasets import load_breast_cancer, load_digits
from sklearn.exceptions import ConvergenceWarning
from sklearn.neural_network import MLPClassifier
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import StandardScaler

CACHE = Path(__file__).resolve().parent / ".model_cache"
MODEL_SEED = 0
# Two hidden layers: enough to show a stack of dense layers, small enough that one
# image is a few thousand multiply-adds (the serving case).
DIGITS_HIDDEN = (64, 32)
# The options that make a graph tract can run: `div` writes the scaler as Sub and Div
# (not the ai.onnx.ml Scaler operator); `zipmap: False` returns the probabilities as a
# tensor (not a list of dictionaries).
EXPORT_OPTIONS = {StandardScaler: {"div": "div"}, MLPClassifier: {"zipmap": False}}


@dataclass(frozen=True)
class Weights:
    """What the scratch engines need, in float32: the scaler and the layers."""

    mean: np.ndarray
    scale: np.ndarray
    coefs: list[np.ndarray]
    intercepts: list[np.ndarray]
    activation: str

    def arguments(self) -> tuple:
        """The positional arguments of ``ScratchMlp`` and ``WasmMlp``."""
        return (self.mean, self.scale, self.coefs, self.intercepts)


def train(pipe: Pipeline, X: np.ndarray, y: np.ndarray) -> Pipeline:
    with warnings.catch_warnings():
        # A fixed number of epochs keeps training short and reproducible; whether
        # Adam "converged" does not matter to the lesson.
        warnings.simplefilter("ignore", ConvergenceWarning)
        pipe.fit(X, y)
    return pipe


@cache
def digits_pipeline(seed: int = MODEL_SEED) -> Pipeline:
    """The lesson's model, trained on every image of ``load_digits`` (float32)."""

    def make() -> Pipeline:
        X, y = load_digits(return_X_y=True)
        mlp = MLPClassifier(hidden_layer_sizes=DIGITS_HIDDEN, max_iter=200, random_state=seed)
        pipe = Pipeline([("scaler", StandardScaler()), ("mlp", mlp)])
        return train(pipe, X.astype(np.float32), y)

    return cached(f"digits_mlp-seed{seed}", make)


def cached(name: str, make) -> Pipeline:
    """`make()`, trained once and kept in the cache folder (pickled, with the versions
    of scikit-learn and NumPy in the file name: other versions train again). Each stage
    script loads the model in a process of its own; this keeps the training (seconds,
    and most of a profile) out of them. The training is seeded, so a new one gives the
    same weights."""
    import sklearn

    path = CACHE / f"{name}-sklearn{sklearn.__version__}-numpy{np.__version__}.pickle"
    if path.exists():
        return pickle.loads(path.read_bytes())  # our own file, written below
    pipe = make()
    CACHE.mkdir(parents=True, exist_ok=True)
    partial = path.with_suffix(".partial")
    partial.write_bytes(pickle.dumps(pipe))
    partial.replace(path)
    return pipe


@cache
def breast_cancer_pipeline(seed: int = MODEL_SEED) -> Pipeline:
    """Another model: 30 features, three tanh layers of 24, 12 and 6 units, 2 classes."""
    X, y = load_breast_cancer(return_X_y=True)
    mlp = MLPClassifier(
        hidden_layer_sizes=(24, 12, 6), activation="tanh", max_iter=300, random_state=seed
    )
    return train(Pipeline([("scaler", StandardScaler()), ("mlp", mlp)]), X.astype(np.float32), y)


def weights_of(pipe: Pipeline) -> Weights:
    scaler, mlp = pipe.named_steps["scaler"], pipe.steps[-1][1]
    f32 = np.float32
    return Weights(
        mean=scaler.mean_.astype(f32),
        scale=scaler.scale_.astype(f32),
        coefs=[c.astype(f32) for c in mlp.coefs_],
        intercepts=[b.astype(f32) for b in mlp.intercepts_],
        activation=mlp.activation,
    )


def weights_digest(pipe: Pipeline) -> str:
    w = weights_of(pipe)
    digest = hashlib.sha256(w.activation.encode())
    for array in (w.mean, w.scale, *w.coefs, *w.intercepts):
        digest.update(np.ascontiguousarray(array).tobytes())
    return digest.hexdigest()[:16]


def export_onnx(pipe: Pipeline, name: str = "digits_mlp", folder: Path = CACHE) -> Path:
    """The pipeline as an ONNX file (written once per set of weights, then reused)."""
    path = folder / f"{name}-{weights_digest(pipe)}.onnx"
    if not path.exists():
        from skl2onnx import to_onnx

        n_features = pipe.named_steps["scaler"].mean_.shape[0]
        sample = np.zeros((1, n_features), dtype=np.float32)
        onnx_model = to_onnx(pipe, sample, options=EXPORT_OPTIONS)
        folder.mkdir(parents=True, exist_ok=True)
        # Written beside, then renamed: a reader never sees half a file.
        partial = path.with_suffix(".partial")
        partial.write_bytes(onnx_model.SerializeToString())
        partial.replace(path)
    return path


def digits_onnx() -> Path:
    return export_onnx(digits_pipeline())


def noisy_digits(n: int, seed: int, noise: float = 1.0) -> np.ndarray:
    """``n`` digit images drawn with replacement, plus Gaussian noise, clipped to 0..16."""
    rng = np.random.default_rng(seed)
    images = load_digits().data.astype(np.float32)
    rows = images[rng.integers(0, len(images), size=n)]
    rows += rng.normal(0.0, noise, size=rows.shape).astype(np.float32)
    return np.clip(rows, 0.0, 16.0, out=rows)
