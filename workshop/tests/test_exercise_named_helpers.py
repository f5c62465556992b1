"""No hidden requirements: what a region asks for is named where the student reads.

The tests of an exercise expect exact error messages. Those come from ready-made helpers
(`checks::...` in lesson 1, `args::...` / `lesson_support::...` elsewhere) that the
student calls but does not write. When `start` removes a region that calls such a
helper, the student must be told to call it: its name has to appear in what they see at
that level (the TODO lines, the stubs left in the file, the level's hint, or the lesson
page the exercise points at). Otherwise a student who writes what they are asked for
fails a bad-input test with no clue why (issue: `checks::missing_center` in
poly_match_v1, intermediate).
"""

from __future__ import annotations

import re

import pytest

from workshop import exercises as ex
from workshop.stubs import LEVELS, Region, parse, render

from .test_exercise_regions import removed

EXERCISES = ex.load_exercises()
CASES = [(e, rel, level) for e in EXERCISES for rel in e.files for level in LEVELS]
# a call of a ready-made helper module: `checks::point_array(`, `args::float_arg(`
HELPER_CALL = re.compile(r"\b((?:checks|args|support|lesson_support)::(?:\w+::)*\w+)\s*[(!]")


def helper_calls(region: Region) -> set[str]:
    code = render(region.body, "hard", set())
    code = "\n".join(line for line in code.splitlines() if not line.strip().startswith("//"))
    return {m.group(1).split("::")[-1] for m in HELPER_CALL.finditer(code)}


def visible_text(exercise: ex.Exercise, regions: list[Region], level: str) -> str:
    parts = [exercise.hints.get(level, "")]
    for region in regions:
        parts.append(region.task)
        parts += region.stub
    lesson_page = ex.ROOT / exercise.lesson.split(",")[0].strip()
    if lesson_page.is_file():
        parts.append(lesson_page.read_text(encoding="utf-8"))
    return "\n".join(parts)


@pytest.mark.parametrize(
    ("exercise", "rel", "level"), CASES, ids=[f"{e.id}-{rel}-{lv}" for e, rel, lv in CASES]
)
def test_every_helper_a_removed_region_calls_is_named(exercise, rel, level):
    nodes = parse((ex.ROOT / rel).read_text(encoding="utf-8"), rel)
    regions = removed(nodes, level, exercise.id)
    visible = visible_text(exercise, regions, level)
    hidden = sorted(
        f"{rel}:{region.line}: {name}"
        for region in regions
        for name in helper_calls(region)
        if not re.search(rf"\b{re.escape(name)}\b", visible)
    )
    assert not hidden, (
        f"{exercise.id} ({level}): a region calls ready-made helpers that no TODO, stub, "
        f"hint or lesson text names: {hidden}"
    )


def test_the_check_finds_an_unnamed_helper():
    """The check itself can fail: a region calling a helper nobody mentions."""
    text = (
        "fn f() {\n"
        "    // exercise: demo easy: do the thing\n"
        "    checks::secret_wording(x)?;\n"
        "    // end exercise: demo easy\n"
        "}\n"
    )
    [region] = removed(parse(text, "demo.rs"), "easy", "demo")
    assert helper_calls(region) == {"secret_wording"}
    demo = ex.Exercise("demo", "t", "c", ("demo.rs",), (), "demo", "nowhere.md")
    assert "secret_wording" not in visible_text(demo, [region], "easy")
