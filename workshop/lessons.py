"""The lessons of the workshop, in teaching order, and where each one keeps its parts.

The list is written once, in the root ``pyproject.toml`` (``[tool.uv.workspace]
members``); everything else (the Makefile through the bootstrap, the exercise tool, the
tests, the reliability suite) reads it from there. Every lesson folder has the same
shape (``docs/authoring.md``)::

    <lesson>_rs/README.md, Cargo.toml, pyproject.toml
    <lesson>_rs/src/                    the Rust of each stage
    <lesson>_rs/python/<lesson>_rs/     the Python package (and its .pyi stubs)
    <lesson>_rs/py_project/             measure.py, measure_all.py, <lesson>_suites.py,
                                        one script per stage, notebooks, graphs/
    <lesson>_rs/tests/                  the lesson's tests
"""

from __future__ import annotations

import importlib
import sys
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from types import ModuleType

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib

ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class Lesson:
    """One lesson folder, e.g. ``Lesson("poly_match_rs")``."""

    folder: str

    @property
    def package(self) -> str:
        """The Python package (``import poly_match_rs``): named like the folder."""
        return self.folder

    @property
    def stem(self) -> str:
        """``poly_match`` for ``poly_match_rs``: the prefix of the lesson's own modules."""
        return self.folder.removesuffix("_rs")

    @property
    def path(self) -> Path:
        return ROOT / self.folder

    @property
    def py_project(self) -> Path:
        return self.path / "py_project"

    @property
    def tests(self) -> Path:
        return self.path / "tests"

    @property
    def suites_module(self) -> str:
        """The lesson's benchmark definitions, ``py_project/<stem>_suites.py``: a name of
        its own, so that every lesson's can be imported in one Python process."""
        return f"{self.stem}_suites"

    @property
    def compiled_module(self) -> str:
        """The compiled extension inside the package: ``poly_match_rs._poly_match_rs``."""
        return f"{self.package}._{self.package}"

    def suites(self) -> ModuleType:
        """Import ``<stem>_suites`` from the lesson's py_project (put on ``sys.path``)."""
        if str(self.py_project) not in sys.path:
            sys.path.append(str(self.py_project))
        module = importlib.import_module(self.suites_module)
        if Path(module.__file__).parent != self.py_project:  # pragma: no cover - a clash
            raise ImportError(f"{self.suites_module} was found in {module.__file__}")
        return module


@cache
def lessons() -> tuple[Lesson, ...]:
    """Every lesson, in teaching order."""
    data = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    return tuple(Lesson(folder) for folder in data["tool"]["uv"]["workspace"]["members"])


def lesson(name: str) -> Lesson:
    """The lesson whose folder (``poly_match_rs``) or stem (``poly_match``) is `name`."""
    for found in lessons():
        if name in (found.folder, found.stem):
            return found
    known = ", ".join(found.folder for found in lessons())
    raise KeyError(f"unknown lesson {name!r}; the lessons are {known}")


def lesson_of(path: Path) -> Lesson:
    """The lesson a file or folder belongs to (e.g. the current folder, a py_project)."""
    path = path.resolve()
    for found in lessons():
        if path == found.path or found.path in path.parents:
            return found
    raise KeyError(f"{path} is not inside a lesson folder")


def main(argv: list[str] | None = None) -> int:
    """``python -m workshop lessons``: the lesson folders, one per line."""
    for found in lessons():
        print(found.folder)
    return 0
