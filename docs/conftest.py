"""pytest runs the ```python blocks of every page in docs/ (pytest-markdown-docs).

Each ```python block of a page is one test, named after its line
(``docs/pyo3.md::[CodeFence#2][line:40]``), run in a fresh namespace. Info words
after ``python`` in the fence change that (see docs/index.md, "How the code blocks
are checked"):

- ``python notest``: shown, never run (an excerpt that cannot stand alone);
- ``python continuation``: runs after the previous block of the page, with its names;
- ``python fixture:repo_root``: the name ``repo_root`` is the repository's root folder
  (a ``pathlib.Path``), for blocks that read the repository's own files;
- ``python fixture:expect_error``: the block must raise; its last ``# Raises ...``
  comment says what, e.g. ``# Raises ValueError: must not be empty``: the exception
  must be of that class (or a subclass) and its message must contain the text.

The Rust blocks of the same pages are compiled and run by ``cargo test -p docs_check``.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from pytest_markdown_docs.plugin import MarkdownTextFile

EXPECT_ERROR = "expect_error"
RAISES_LINE = re.compile(r"^\s*#\s*Raises\s+([A-Za-z_][\w.]*)\s*(?::\s*(.*?))?\s*$")


def pytest_collect_file(file_path: Path, parent: pytest.Collector) -> pytest.Collector | None:
    # `pytest --markdown-docs` collects these pages itself; do not collect them twice.
    if file_path.suffix == ".md" and not parent.config.option.markdowndocs:
        return MarkdownTextFile.from_parent(parent, path=file_path)
    return None


@pytest.fixture
def repo_root() -> Path:
    """The repository's root folder, for blocks that read its files (``fixture:repo_root``)."""
    return Path(__file__).resolve().parent.parent


@pytest.fixture
def expect_error() -> None:
    """Marks a block that must raise (checked by the hook below)."""


def expected_exception(code: str) -> tuple[str, str]:
    """The (class name, message fragment) of the block's last ``# Raises`` comment."""
    found = [m for line in code.splitlines() if (m := RAISES_LINE.match(line))]
    if not found:
        raise pytest.fail.Exception(
            "a `python fixture:expect_error` block must end with a comment such as "
            "`# Raises ValueError: text of the message`",
            pytrace=False,
        )
    return found[-1].group(1), found[-1].group(2) or ""


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item: pytest.Item):
    if EXPECT_ERROR not in getattr(item, "fixturenames", ()):
        return (yield)
    class_name, fragment = expected_exception(item.code)
    try:
        yield
    except Exception as err:  # the block raised: is it the announced error?
        names = {cls.__name__ for cls in type(err).__mro__} | {type(err).__qualname__}
        if class_name.rsplit(".", 1)[-1] not in names:
            raise pytest.fail.Exception(
                f"expected {class_name}, the block raised {type(err).__name__}: {err}",
                pytrace=False,
            ) from err
        if fragment not in str(err):
            raise pytest.fail.Exception(
                f"{class_name} raised, but its message {str(err)!r} does not contain {fragment!r}",
                pytrace=False,
            ) from err
        return None
    raise pytest.fail.Exception(
        f"the block was marked expect_error ({class_name}) but raised nothing", pytrace=False
    )
