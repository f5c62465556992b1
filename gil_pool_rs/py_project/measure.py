"""Time one version: ``python measure.py msgpack_rust_threads`` (``--help`` for the options)."""

from workshop.bench import measure_main

if __name__ == "__main__":
    raise SystemExit(measure_main("gil_pool_suites"))
