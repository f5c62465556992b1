"""Time one version: ``python measure.py poly_match_v1`` (``--help`` for the options)."""

from workshop.bench import measure_main

if __name__ == "__main__":
    raise SystemExit(measure_main("poly_match_suites"))
