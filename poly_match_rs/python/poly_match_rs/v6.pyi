from collections.abc import Sequence
from typing import Final, TypeVar, final

import numpy as np
import numpy.typing as npt
from typing_extensions import Self

AREA_RTOL: Final[float]

@final
class Polygon:
    """A polygon given by its vertices; ``x`` and ``y`` are copied."""

    def __new__(cls, x: npt.NDArray[np.float64], y: npt.NDArray[np.float64]) -> Self: ...
    @property
    def x(self) -> npt.NDArray[np.float64]: ...
    @property
    def y(self) -> npt.NDArray[np.float64]: ...
    @property
    def center(self) -> npt.NDArray[np.float64]: ...
    @property
    def area(self) -> float: ...

_P = TypeVar("_P", bound=Polygon)
_Point = TypeVar("_Point", bound=npt.NDArray[np.float64])

def find_best_polygons(
    polygons: Sequence[_P], points: Sequence[_Point], max_dist: float
) -> list[tuple[_Point, _P]]:
    """``(point, smallest close polygon)`` for every point that has a polygon whose centre is
    closer than ``max_dist``; ties go to the first polygon in input order."""

__all__ = ["AREA_RTOL", "Polygon", "find_best_polygons"]
