"""The exported ONNX file run by onnxruntime's Python API (an ``InferenceSession``).

The session gets as many threads as every other version (``--threads`` of measure.py).
"""

from __future__ import annotations

import numpy as np
import onnxruntime
from inference_data import digits_onnx, noisy_digits

from workshop.bench import pinned_threads


def session(path, threads: int) -> onnxruntime.InferenceSession:
    options = onnxruntime.SessionOptions()
    options.intra_op_num_threads = threads
    options.inter_op_num_threads = 1
    return onnxruntime.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])


def load_model() -> onnxruntime.InferenceSession:
    return session(digits_onnx(), pinned_threads())


def main(model: onnxruntime.InferenceSession, X: np.ndarray) -> np.ndarray:
    return model.run(["probabilities"], {"X": X})[0]


if __name__ == "__main__":
    X = noisy_digits(5, seed=0)
    print(main(load_model(), X).argmax(axis=1))
