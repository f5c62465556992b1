"""The exercise is "the solution minus the regions", checked on the files `start` writes.

For every exercise and every level: take the exercise file exactly as `start` writes
it, replace each `// TODO(<id>)` block with that region's own solution code (and nothing
else), drop the generated header, and the result must be the solution file itself
(without its markers). So a student who writes exactly what a region held gets the
solution back, byte for byte: nothing outside the regions (an input check, an error
message, a helper) is missing or changed. `test_exercises.py` proves that the solution
passes every exercise's check, so such a student passes it too.
"""

from __future__ import annotations

import json

import pytest

from workshop import exercises as ex
from workshop.stubs import HEADER, LEVELS, Region, make_exercise, parse, render, uncomment

EXERCISES = ex.load_exercises()
CASES = [(e, rel, level) for e in EXERCISES for rel in e.files for level in LEVELS]


def removed(nodes: list, level: str, exercise: str) -> list[Region]:
    """The regions `start` replaces at `level`, outermost only, in file order."""
    found = []
    for node in nodes:
        if isinstance(node, Region):
            if node.exercise == exercise and LEVELS.index(node.level) <= LEVELS.index(level):
                found.append(node)
            else:
                found += removed(node.body, level, exercise)
    return found


def todo_block(region: Region) -> str:
    """What `start` writes in place of `region`."""
    lines = [f"{region.indent}// TODO({region.exercise}): {region.task}\n"]
    if any(line.strip() for line in region.stub):
        lines += [uncomment(line) for line in region.stub]
    else:
        lines.append(
            f'{region.indent}todo_exercise!("{region.exercise}", {json.dumps(region.task)});\n'
        )
    return "".join(lines)


@pytest.mark.parametrize(
    ("exercise", "rel", "level"), CASES, ids=[f"{e.id}-{rel}-{lv}" for e, rel, lv in CASES]
)
def test_writing_exactly_each_region_gives_the_solution_back(exercise, rel, level):
    solution = (ex.ROOT / rel).read_text(encoding="utf-8")
    nodes = parse(solution, rel)
    written = make_exercise(solution, level, {exercise.id}, rel)
    header = HEADER.format(ids=exercise.id, level=level)
    regions_here = removed(nodes, level, exercise.id)
    if regions_here:
        assert written.startswith(header), f"{rel}: the exercise file lacks its header"
        written = written[len(header) :]
    filled, cursor = [], 0
    for region in regions_here:
        block = todo_block(region)
        at = written.find(block, cursor)
        assert at >= 0, f"{rel}:{region.line}: the TODO block of this region is not in the file"
        filled += [written[cursor:at], render(region.body, "hard", set())]
        cursor = at + len(block)
    filled.append(written[cursor:])
    assert "".join(filled) == render(nodes, "hard", set()), (
        f"{rel} ({level}): outside its regions, the exercise file differs from the solution"
    )
