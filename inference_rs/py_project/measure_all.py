"""Time every stage against the baseline: ``python measure_all.py`` (``--help`` for the options)."""

from workshop.bench import measure_all_main

if __name__ == "__main__":
    raise SystemExit(measure_all_main("inference_suites"))
