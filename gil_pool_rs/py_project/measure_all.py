"""Time every version against the baseline: ``python measure_all.py [msgpack]``.

``--help`` lists the options (sizes, ``--baseline``, ``--only``, ``--json``, ``--plot``).
"""

from workshop.bench import measure_all_main

if __name__ == "__main__":
    raise SystemExit(measure_all_main("gil_pool_suites"))
