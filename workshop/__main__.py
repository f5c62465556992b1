"""``python -m workshop COMMAND``: the workshop's tools in one place.

Commands: ``flamegraphs`` (profile every version of the lesson in the current folder),
``exercises`` (list, start, check, hint, diff and reset the Rust exercises), ``lessons``
(the lesson folders, in teaching order), ``stubcheck`` (the .pyi stubs against the built
modules, run by ``make lint``).
"""

from __future__ import annotations

import sys


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    commands = {
        "flamegraphs": "workshop.flamegraphs",
        "exercises": "workshop.exercises",
        "lessons": "workshop.lessons",
        "stubcheck": "workshop.stubcheck",
    }
    if not argv or argv[0] not in commands:
        print(__doc__.strip())
        return 0 if argv[:1] in ([], ["-h"], ["--help"]) else 2
    import importlib

    return importlib.import_module(commands[argv[0]]).main(argv[1:])


if __name__ == "__main__":
    sys.exit(main())
