"""Turn a solution file with exercise markers into an exercise file (the "stub").

The marker format is described in ``docs/authoring.md``. In short::

    // exercise: poly_match_v1 intermediate: compute the distance
    let dist = (center - point).norm();
    // stub:
    // let dist: f64 = todo_exercise!("poly_match_v1", "compute the distance");
    // end exercise: poly_match_v1 intermediate

A region is removed at its level and at every harder one (easy < intermediate < hard) and
replaced by ``// TODO(<id>): <task>`` and its uncommented stub lines; an empty stub
stands for ``todo_exercise!("<id>", "<task>");``. The closing marker names its region, and
the tool checks that it closes the region it names. Kept regions lose their markers, so
an exercise file contains no markers at all (that is how the tool tells a solution from
an exercise file).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field

LEVELS = ("easy", "intermediate", "hard")

OPEN = re.compile(
    r"^(?P<indent>[ \t]*)// exercise: (?P<id>[A-Za-z0-9_]+) (?P<level>\w+): (?P<task>.+?)\s*$"
)
STUB = re.compile(r"^[ \t]*// stub:\s*$")
END = re.compile(r"^[ \t]*// end exercise(?:: (?P<id>[A-Za-z0-9_]+) (?P<level>\w+))?\s*$")
ANY_MARKER = re.compile(r"^[ \t]*//[ \t]*(exercise:|stub:|end exercise)")

# The exercise file starts with this header. The `allow` keeps the compiler quiet about
# code that the unfinished parts make unreachable or unused.
HEADER = """\
// Exercise {ids} ({level} level), generated from the solution by
// `python -m workshop exercises start`. Fill in the TODOs, then run
// `python -m workshop exercises check <id>`; `hint <id>` helps, `reset <id>` restores
// the solution. Delete the `allow` line below once you are done, to see every warning.
#![allow(unreachable_code, unused_variables, unused_mut, unused_imports, dead_code)]
"""


class MarkerError(ValueError):
    """The markers of a file are malformed (the message names the file and line)."""


@dataclass
class Region:
    exercise: str
    level: str
    task: str
    indent: str
    line: int  # 1-based line number of the opening marker
    body: list[str | Region] = field(default_factory=list)
    stub: list[str] = field(default_factory=list)


def parse(text: str, name: str = "<text>") -> list[str | Region]:
    """Split `text` into plain lines and (possibly nested) marked regions."""
    root: list[str | Region] = []
    stack: list[tuple[Region, bool]] = []  # (region, reading its stub part)

    def where(number: int) -> str:
        return f"{name}:{number}"

    for number, line in enumerate(text.splitlines(keepends=True), start=1):
        bare = line.rstrip("\n")
        if m := OPEN.match(bare):
            if stack and stack[-1][1]:
                raise MarkerError(f"{where(number)}: a region cannot open inside a stub")
            level = m["level"]
            if level not in LEVELS:
                raise MarkerError(
                    f"{where(number)}: unknown level {level!r}; expected one of {', '.join(LEVELS)}"
                )
            region = Region(m["id"], level, m["task"], m["indent"], number)
            (stack[-1][0].body if stack else root).append(region)
            stack.append((region, False))
        elif STUB.match(bare):
            if not stack or stack[-1][1]:
                raise MarkerError(f"{where(number)}: `// stub:` outside an exercise region")
            stack[-1] = (stack[-1][0], True)
        elif m := END.match(bare):
            if not stack:
                raise MarkerError(f"{where(number)}: `// end exercise` without an opening marker")
            region = stack[-1][0]
            expected = f"// end exercise: {region.exercise} {region.level}"
            if m["id"] is None:
                raise MarkerError(
                    f"{where(number)}: a closing marker names the region it closes: "
                    f"`{expected}` (opened at line {region.line})"
                )
            if (m["id"], m["level"]) != (region.exercise, region.level):
                raise MarkerError(
                    f"{where(number)}: `{bare.strip()}` closes the region opened at line "
                    f"{region.line}, which is {region.exercise} {region.level}: write `{expected}`"
                )
            stack.pop()
        elif ANY_MARKER.match(bare):
            raise MarkerError(f"{where(number)}: malformed exercise marker: {bare.strip()}")
        elif stack and stack[-1][1]:
            stripped = bare.strip()
            if stripped and not stripped.startswith("//"):
                raise MarkerError(
                    f"{where(number)}: stub lines must be commented out (start with //)"
                )
            stack[-1][0].stub.append(line)
        elif stack:
            stack[-1][0].body.append(line)
        else:
            root.append(line)
    if stack:
        region = stack[-1][0]
        raise MarkerError(f"{where(region.line)}: exercise region {region.exercise} is not closed")
    return root


def regions(nodes: list[str | Region]) -> list[Region]:
    """Every region, outer ones before the regions they contain."""
    found: list[Region] = []
    for node in nodes:
        if isinstance(node, Region):
            found.append(node)
            found += regions(node.body)
    return found


def uncomment(line: str) -> str:
    """`    // let x = 1;` -> `    let x = 1;` (keeps the indentation, drops `// `)."""
    m = re.match(r"^([ \t]*)//( ?)(.*)$", line.rstrip("\n"), flags=re.DOTALL)
    if m is None:
        return line
    newline = "\n" if line.endswith("\n") else ""
    return (m[1] + m[3]).rstrip() + newline if m[3] else newline


def render(nodes: list[str | Region], level: str, exercises: set[str] | None) -> str:
    """The file at `level`, with only the regions of `exercises` removed (all when None)."""
    rank = LEVELS.index(level)
    out: list[str] = []
    for node in nodes:
        if isinstance(node, str):
            out.append(node)
        elif LEVELS.index(node.level) <= rank and (exercises is None or node.exercise in exercises):
            out.append(f"{node.indent}// TODO({node.exercise}): {node.task}\n")
            if any(line.strip() for line in node.stub):
                out += [uncomment(line) for line in node.stub]
            else:  # an empty stub: the placeholder that says which exercise is unfinished
                out.append(
                    f'{node.indent}todo_exercise!("{node.exercise}", {json.dumps(node.task)});\n'
                )
        else:
            out.append(render(node.body, level, exercises))
    return "".join(out)


def has_markers(text: str) -> bool:
    return any(ANY_MARKER.match(line) for line in text.splitlines())


def make_exercise(
    text: str, level: str, exercises: set[str] | None = None, name: str = "<text>"
) -> str:
    """The exercise file made from the solution `text`, with the explanatory header."""
    if level not in LEVELS:
        raise ValueError(f"level must be one of {', '.join(LEVELS)}, got {level!r}")
    nodes = parse(text, name)
    rank = LEVELS.index(level)
    removed = sorted(
        {
            r.exercise
            for r in regions(nodes)
            if (exercises is None or r.exercise in exercises) and LEVELS.index(r.level) <= rank
        }
    )
    body = render(nodes, level, exercises)
    if not removed:
        return body
    return HEADER.format(ids=", ".join(removed), level=level) + body
