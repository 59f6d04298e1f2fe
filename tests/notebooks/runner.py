"""Running course notebooks from tests: the course's notebooks, their verdicts, their parameters."""

from __future__ import annotations

import ast
from pathlib import Path
from typing import Any

import nbformat

from o2gmentor.course.checks import MIME

ROOT = Path(__file__).resolve().parents[2]


def notebooks(folder: str) -> list[Path]:
    """The tracked notebooks under ``folder`` (lessons, solutions or exercises), in course order."""
    base = ROOT / folder
    return sorted(p for p in base.rglob("*.ipynb") if ".ipynb_checkpoints" not in p.parts)


def exercise_of(solution: Path) -> Path:
    return ROOT / "exercises" / solution.relative_to(ROOT / "solutions")


def verdicts(notebook: nbformat.NotebookNode) -> dict[str, dict[str, Any]]:
    """The check verdicts an executed notebook displayed, by exercise id."""
    found: dict[str, dict[str, Any]] = {}
    for cell in notebook.cells:
        for output in cell.get("outputs", []):
            data = output.get("data", {})
            if MIME in data:
                found[data[MIME]["exercise"]] = data[MIME]
    return found


def output_text(notebook: nbformat.NotebookNode) -> str:
    """Everything an executed notebook printed or displayed as text."""
    parts = []
    for cell in notebook.cells:
        for output in cell.get("outputs", []):
            if "text" in output:
                parts.append(output["text"])
            parts.append(str(output.get("data", {}).get("text/plain", "")))
            parts.append(str(output.get("data", {}).get("text/html", "")))
            if output.get("output_type") == "error":
                parts.append(f"{output.get('ename')}: {output.get('evalue')}")
    return "\n".join(parts)


def parameters(path: Path) -> dict[str, Any]:
    """The defaults of a notebook's ``parameters`` cell."""
    notebook = nbformat.read(path, as_version=4)
    cell = next((c for c in notebook.cells if "parameters" in c.get("metadata", {}).get("tags", [])), None)
    assert cell is not None, f"{path.name} has no cell tagged 'parameters'"
    values: dict[str, Any] = {}
    for node in ast.parse(cell.source).body:
        if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
            values[node.targets[0].id] = ast.literal_eval(node.value)
    return values


def empty_tables(notebook: nbformat.NotebookNode) -> list[str]:
    """The cells that displayed a table without a single row (``display.table`` given an empty list, or a
    table helper that lost its rows): a lesson relies on what its tables show, so an empty one is a failure."""
    found = []
    for index, cell in enumerate(notebook.cells):
        for output in cell.get("outputs", []):
            markup = str(output.get("data", {}).get("text/html", ""))
            if "<table" in markup and ("<tbody></tbody>" in markup or "<tr" not in markup.split("</thead>")[-1]):
                found.append(f"cell {index}: {''.join(cell.source)[:80]!r}")
    return found
