"""``make lint`` checks every lesson's ``.pyi`` stubs against the built modules.

A stub that names a function the module does not have (renamed in Rust, say), misses
one it has, or gives it other parameters makes ``python -m workshop stubcheck`` fail:
it runs mypy's ``stubtest`` on the module of every ``.pyi`` file in the lessons'
``python/`` folders. ``stubtest-allowlist.txt`` (next to this file) lists the few
differences that are on purpose, each with its reason.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from workshop.lessons import lessons

ALLOWLIST = Path(__file__).with_name("stubtest-allowlist.txt")


def stub_modules() -> list[str]:
    """The module of every .pyi of every lesson, e.g. ``poly_match_rs.v1``."""
    modules = []
    for lesson in lessons():
        source = lesson.path / "python"
        for stub in sorted(source.rglob("*.pyi")):
            modules.append(".".join(stub.relative_to(source).with_suffix("").parts))
    return modules


def main(argv: list[str] | None = None) -> int:
    modules = stub_modules()
    command = [sys.executable, "-m", "mypy.stubtest", "--allowlist", str(ALLOWLIST), *modules]
    done = subprocess.run([*command, *(argv or [])])
    if done.returncode == 0:
        print(f"stubtest: the stubs of {len(modules)} modules match the built modules")
    return done.returncode


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
