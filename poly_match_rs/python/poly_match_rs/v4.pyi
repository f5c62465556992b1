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
_Point = TypeVar("_Point", bound=npt.NDArray[np.float64])

def find_all_close_polygons(
    polygons: Sequence[_P], points: Sequence[_Point], max_dist: float
) -> list[tuple[_Point, list[_P]]]:
    """``(point, close polygons)`` for every point with at least one polygon whose centre
    is closer than ``max_dist``; points and polygons keep their input order."""

__all__ = ["Polygon", "find_all_close_polygons"]
