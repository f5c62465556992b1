"""Time one version: ``python measure.py distinct_rust_hashed`` (``--help`` for the options)."""

from workshop.bench import measure_main

if __name__ == "__main__":
    raise SystemExit(measure_main("distinct_count_suites"))
