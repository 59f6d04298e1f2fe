"""Slide metadata for presenting a lesson inside JupyterLab (RISE: the ``jupyterlab-rise`` extension).

Each cell gets ``metadata.slideshow.slide_type`` from the lesson's structure, so one notebook serves both
reading and presenting:

- the first cell (phase, title, at a glance) and every markdown cell opening with ``# `` or ``## `` → ``slide``;
- a markdown cell opening with ``### `` → ``subslide``;
- the ``parameters`` cell → ``skip`` (papermill's business, not the audience's);
- a cell tagged ``notes`` or ``instructor`` → ``notes`` (speaker notes);
- everything else (explanations, code and its output) → ``-``: it stays on the current slide.

A type already set by hand is kept (``force=True`` recomputes every cell). ``o2gmentor slides`` annotates
every lesson in ``notebooks/``; ``--check`` writes nothing and lists the lessons with cells left without one.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import nbformat

from o2gmentor.course.lessons import course_root, notebooks

SLIDE_TYPES = {"slide", "subslide", "fragment", "skip", "notes", "-"}


def slide_type(cell: Any, index: int) -> str:
    """The slide type a cell gets from its place and its first line."""
    tags = set(cell.get("metadata", {}).get("tags", []))
    if tags & {"notes", "instructor"}:
        return "notes"
    if "parameters" in tags:
        return "skip"
    if index == 0:
        return "slide"
    if cell.get("cell_type") == "markdown":
        first = cell.get("source", "").lstrip().split("\n", 1)[0]
        if first.startswith(("# ", "## ")):
            return "slide"
        if first.startswith("### "):
            return "subslide"
    return "-"


def annotate(nb: Any, *, force: bool = False) -> int:
    """Give every cell of ``nb`` a slide type; returns how many cells changed."""
    changed = 0
    for index, cell in enumerate(nb.cells):
        current = cell.get("metadata", {}).get("slideshow", {}).get("slide_type")
        wanted = current if current in SLIDE_TYPES and not force else slide_type(cell, index)
        if current != wanted:
            cell.setdefault("metadata", {}).setdefault("slideshow", {})["slide_type"] = wanted
            changed += 1
    return changed


def missing(nb: Any) -> list[int]:
    """Indexes of the cells without a valid slide type."""
    return [i for i, cell in enumerate(nb.cells)
            if cell.get("metadata", {}).get("slideshow", {}).get("slide_type") not in SLIDE_TYPES]


def run(paths: list[Path] | None = None, *, check: bool = False, force: bool = False) -> list[str]:
    """Annotate the lessons (default: every notebook in ``notebooks/``); with ``check``, only report.

    Returns the problems (``check``) or the files changed. Files are written as nbformat writes them, so
    only the slide metadata changes in a diff.
    """
    if paths is None:
        root = course_root()
        if root is None:
            raise ValueError("not inside the O2G Mentor course folder (no notebooks/ found)")
        paths = notebooks(root)
    report = []
    for path in paths:
        nb = nbformat.read(path, as_version=4)
        if check:
            gaps = missing(nb)
            if gaps:
                report.append(f"{path}: {len(gaps)} cell(s) without slide metadata (first: cell {gaps[0]})")
            continue
        if annotate(nb, force=force):
            path.write_text(nbformat.writes(nb) + "\n", encoding="utf-8")
            report.append(f"annotated {path}")
    return report
