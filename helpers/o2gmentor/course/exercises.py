"""Exercises are generated from their solutions (course-conventions.md §5.3); never edit ``exercises/`` by hand.

In a notebook of ``solutions/``:

- a cell tagged ``solution`` is left out of the exercise;
- the lines between ``# BEGIN SOLUTION`` and ``# END SOLUTION`` become one stub line with the same
  indentation — ``name = None  # TODO: your code`` when the first solution line assigns ``name``,
  else ``...  # TODO: your code`` — so the exercise still runs top to bottom unsolved;
- a cell tagged ``check`` (the solution's own assertions, run in CI) is left out of the exercise.

Every written notebook is normalised: no outputs, execution counts, cell ids or run metadata; kernelspec
``python3``; a cell keeps only its tags, editable/deletable and ``slideshow`` (slides, see ``slides.py``).
``build(check=True)`` writes nothing and returns the differences (``o2gmentor build --check``).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import nbformat

BEGIN, END = "# BEGIN SOLUTION", "# END SOLUTION"
ASSIGNMENT = re.compile(r"^(\s*)([A-Za-z_][A-Za-z0-9_]*)\s*(?::[^=]+)?=(?!=)")
KERNELSPEC = {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"}
DROPPED_TAGS = {"solution", "check"}


class ExerciseError(ValueError):
    """A solution notebook whose markers do not pair up."""


def stub_source(source: str, where: str = "") -> str:
    """The exercise version of a cell's source: each solution block replaced by a one-line stub."""
    out: list[str] = []
    block: list[str] | None = None
    for number, line in enumerate(source.splitlines(), start=1):
        marker = line.strip()
        if marker == BEGIN:
            if block is not None:
                raise ExerciseError(f"{where} line {number}: {BEGIN} inside another solution block")
            block = []
            indent = line[: len(line) - len(line.lstrip())]
            continue
        if marker == END:
            if block is None:
                raise ExerciseError(f"{where} line {number}: {END} without {BEGIN}")
            first = next((b for b in block if b.strip()), "")
            match = ASSIGNMENT.match(first)
            if match:
                out.append(f"{match.group(1) or indent}{match.group(2)} = None  # TODO: your code")
            else:
                out.append(f"{indent}...  # TODO: your code")
            block = None
            continue
        if block is not None:
            block.append(line)
        else:
            out.append(line)
    if block is not None:
        raise ExerciseError(f"{where}: {BEGIN} without {END}")
    return "\n".join(out)


def normalised(cells: list[Any], metadata: dict[str, Any]) -> nbformat.NotebookNode:
    nb = nbformat.v4.new_notebook()
    nb.nbformat_minor = 4
    nb.metadata = {"kernelspec": dict(KERNELSPEC), "language_info": {"name": "python"},
                   **{k: v for k, v in metadata.items() if k in ("course",)}}
    for cell in cells:
        cell = nbformat.from_dict({k: v for k, v in cell.items() if k != "id"})
        cell.metadata = {k: v for k, v in cell.get("metadata", {}).items()
                         if k in ("tags", "editable", "deletable", "slideshow")}
        if cell.cell_type == "code":
            cell.outputs = []
            cell.execution_count = None
        nb.cells.append(cell)
    return nb


def exercise_of(solution: nbformat.NotebookNode, where: str = "") -> nbformat.NotebookNode:
    """The exercise notebook made from a solution notebook."""
    cells = []
    for index, cell in enumerate(solution.cells):
        tags = set(cell.get("metadata", {}).get("tags", []))
        if tags & DROPPED_TAGS:
            continue
        cell = nbformat.from_dict(dict(cell))
        if cell.cell_type == "code":
            cell.source = stub_source(cell.source, f"{where} cell {index}")
        cells.append(cell)
    return normalised(cells, solution.metadata)


def text_of(nb: nbformat.NotebookNode) -> str:
    return nbformat.writes(nb) + "\n"


def build(solutions: Path, exercises: Path, *, check: bool = False) -> list[str]:
    """Write ``exercises/`` from ``solutions/`` (same relative paths); with ``check``, only report drift.

    Returns the problems found (``check``) or the files written.
    """
    solutions, exercises = Path(solutions), Path(exercises)
    report: list[str] = []
    expected: set[Path] = set()
    for source in sorted(solutions.rglob("*.ipynb")) if solutions.exists() else []:
        if ".ipynb_checkpoints" in source.parts:
            continue
        relative = source.relative_to(solutions)
        target = exercises / relative
        expected.add(target)
        text = text_of(exercise_of(nbformat.read(source, as_version=4), str(relative)))
        if check:
            if not target.exists():
                report.append(f"missing: {target} (run `o2gmentor build`)")
            elif target.read_text(encoding="utf-8") != text:
                report.append(f"out of date or edited by hand: {target} (run `o2gmentor build`)")
        else:
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(text, encoding="utf-8")
            report.append(str(target))
    for orphan in sorted(exercises.rglob("*.ipynb")) if exercises.exists() else []:
        if ".ipynb_checkpoints" not in orphan.parts and orphan not in expected:
            report.append(f"no solution for {orphan} (exercises come from solutions/)")
    return report
