from collections.abc import Sequence
from typing import TypeVar

import numpy as np
import numpy.typing as npt
from typing_extensions import Self, disjoint_base

@disjoint_base
class Polygon:
    """A polygon given by its vertices; ``x`` and ``y`` are copied."""

    def __new__(cls, x: npt.NDArray[np.float64], y: npt.NDArray[np.float64]) -> Self: ...
    @property
    def x(self) -> npt.NDArray[np.float64]: ...
    @property
    def y(self) -> npt.NDArray[np.float64]: ...
    @property
    def center(self) -> npt.NDArray[np.float64]: ...

_P = TypeVar("_P", bound=Polygon)

def find_close_polygons(
    polygons: Sequence[_P], point: npt.NDArray[np.float64], max_dist: float
) -> list[_P]:
    """The polygons whose centre is closer than ``max_dist`` to ``point``, in input order."""

__all__ = ["Polygon", "find_close_polygons"]
