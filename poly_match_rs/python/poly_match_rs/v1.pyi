from collections.abc import Sequence
from typing import TypeVar

import numpy as np
import numpy.typing as npt

_P = TypeVar("_P")

def find_close_polygons(
    polygons: Sequence[_P], point: npt.NDArray[np.float64], max_dist: float
) -> list[_P]:
    """The polygons (objects with a float64 ``center`` array) whose centre is closer
    than ``max_dist`` to ``point``, in input order."""

__all__ = ["find_close_polygons"]
