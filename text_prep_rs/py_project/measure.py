"""Time one version: ``python measure.py text_rust_port`` (``--help`` for the options)."""

from workshop.bench import measure_main

if __name__ == "__main__":
    raise SystemExit(measure_main("text_prep_suites"))
