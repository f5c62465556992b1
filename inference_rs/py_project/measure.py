"""Time one stage: ``python measure.py infer_rust_scratch`` (``--help`` for the options)."""

from workshop.bench import measure_main

if __name__ == "__main__":
    raise SystemExit(measure_main("inference_suites"))
