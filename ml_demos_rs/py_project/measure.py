"""Time one version: ``python measure.py kmeans_py_scratch`` (``--help`` for the options)."""

from workshop.bench import measure_main

if __name__ == "__main__":
    raise SystemExit(measure_main("ml_demos_suites"))
