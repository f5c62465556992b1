"""Stage v6: v5 with a spatial index, bands of points (see ``src/lib_v6.rs``)."""

from poly_match_rs._poly_match_rs import v6 as _stage

AREA_RTOL = _stage.AREA_RTOL
Polygon = _stage.Polygon
find_best_polygons = _stage.find_best_polygons

__all__ = ["AREA_RTOL", "Polygon", "find_best_polygons"]
