"""Runs one export's risky checks in a process of its own and prints a JSON report.

The tests start it with ``python reliability_runner.py <mode> <export> [...]`` so that a
crash (a segfault, an abort) ends this process only: the test sees a negative return
code and fails, and pytest goes on. Modes:

- ``bad EXPORT``: every bad input of the export's battery (reliability_inputs.bad_cases);
- ``fuzz EXPORT N``: N random invalid inputs drawn by hypothesis (derandomized);
- ``memory EXPORT N``: resident memory before and after N good calls and N bad calls;
- ``panic MODULE``: the hidden ``_debug_panic`` of a compiled module, on the calling
  thread, with the GIL released and in a rayon worker.
"""

from __future__ import annotations

import gc
import json
import os
import sys
from typing import Any


def rss_bytes() -> int:
    """Resident memory of this process now (Linux: /proc/self/statm, in pages)."""
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


def run_bad(export_name: str) -> dict[str, Any]:
    from reliability_exports import REGISTRY
    from reliability_inputs import bad_cases, check_bad_call

    export = REGISTRY[export_name]
    results = []
    for case in bad_cases(export):
        args, kwargs = case.make()
        outcome = check_bad_call(export.call, args, kwargs, case.errors, case.names)
        results.append({"case": case.case, **outcome.__dict__})
    return {"export": export_name, "cases": results}


def run_fuzz(export_name: str, examples: int) -> dict[str, Any]:
    from hypothesis import HealthCheck, given, settings
    from hypothesis import strategies as st
    from reliability_exports import REGISTRY
    from reliability_inputs import EITHER, check_bad_call, fuzz_argument, substitute

    export = REGISTRY[export_name]
    seen = {"examples": 0, "panics": 0, "mutations": 0, "problems": []}
    if not export.arguments:
        return {"export": export_name, **seen}

    @settings(
        max_examples=examples,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(st.data())
    def fuzz(data: st.DataObject) -> None:
        where, argument, name, value = data.draw(fuzz_argument(export), label="bad argument")
        args, kwargs = substitute(export, where, value)
        outcome = check_bad_call(export.call, args, kwargs, EITHER, name)
        seen["examples"] += 1
        seen["panics"] += outcome.panic
        seen["mutations"] += outcome.mutated
        if outcome.problem and len(seen["problems"]) < 20:
            seen["problems"].append(
                {"argument": argument, "value": repr(value)[:200], "problem": outcome.problem}
            )

    fuzz()
    return {"export": export_name, **seen}


def run_memory(export_name: str, calls: int) -> dict[str, Any]:
    from reliability_exports import REGISTRY
    from reliability_inputs import bad_cases

    export = REGISTRY[export_name]
    # Inputs are made once: only the calls are repeated.
    good = None if "no-valid-call" in export.tags else export.valid()
    # A spread of bad cases (the first argument's, the last ones), cycled through.
    cases = bad_cases(export)
    chosen = cases[:: max(1, len(cases) // 8)]
    bad = [case.make() for case in chosen]
    # The errors a bad call may raise: TypeError, ValueError, and the case's own (an
    # OSError for a file that cannot be read).
    allowed = [(TypeError, ValueError, *case.errors) for case in chosen]

    def good_calls(n: int) -> None:
        if good is None:
            return
        args, kwargs = good
        for _ in range(n):
            export.call(*args, **kwargs)

    def bad_calls(n: int) -> None:
        for i in range(n):
            args, kwargs = bad[i % len(bad)]
            try:
                export.call(*args, **kwargs)
            except allowed[i % len(bad)]:
                pass

    report: dict[str, Any] = {
        "export": export_name,
        "calls": calls,
        "bad_cases": [case.case for case in chosen],
    }
    for label, run in (("good", good_calls), ("bad", bad_calls)):
        run(max(calls // 10, 100))  # warm-up: caches, allocator pools, lazy imports
        gc.collect()
        before = rss_bytes()
        run(calls)
        gc.collect()
        report[f"{label}_rss_before"] = before
        report[f"{label}_rss_after"] = rss_bytes()
        report[f"{label}_growth"] = report[f"{label}_rss_after"] - before
    return report


def run_panic(module_name: str) -> dict[str, Any]:
    import importlib

    module = importlib.import_module(module_name)
    results = []
    for where in ("gil", "detached", "rayon"):
        message = f"reliability check: forced panic ({where})"
        try:
            module._debug_panic(message, where)
        except BaseException as error:
            results.append(
                {
                    "where": where,
                    "type": type(error).__name__,
                    "module": type(error).__module__,
                    "is_exception": isinstance(error, Exception),
                    "is_base_exception": isinstance(error, BaseException),
                    "message": str(error),
                }
            )
        else:
            results.append({"where": where, "type": "", "message": "no exception"})
    # The interpreter is still alive and usable after the panics.
    alive = sum(range(10)) == 45
    return {"module": module_name, "results": results, "alive": alive}


def main(argv: list[str]) -> int:
    mode, target, *rest = argv
    if mode == "bad":
        report = run_bad(target)
    elif mode == "fuzz":
        report = run_fuzz(target, int(rest[0]))
    elif mode == "memory":
        report = run_memory(target, int(rest[0]))
    elif mode == "panic":
        report = run_panic(target)
    else:
        raise SystemExit(f"unknown mode {mode!r}")
    print("RELIABILITY-REPORT " + json.dumps(report))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
