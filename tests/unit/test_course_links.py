"""Every link in the course's notebooks leads somewhere: files exist, glossary anchors exist.

A trainee clicking a link to the glossary or to the next lesson must not land on "file not found"; the lab's
workspace mirrors the repository's layout (notebooks/, exercises/), so relative links work the same there.
"""

from __future__ import annotations

import re
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[2]
LINK = re.compile(r"\[[^\]]*\]\(([^)\s]+)\)")
ANCHOR = re.compile(r"""id=["']([a-z0-9-]+)["']""")
FILES = sorted(p for folder in ("notebooks", "solutions", "exercises") for p in (ROOT / folder).rglob("*.ipynb")
               if ".ipynb_checkpoints" not in p.parts)


def _links(path: Path) -> list[str]:
    notebook = nbformat.read(path, as_version=4)
    return [m.group(1) for cell in notebook.cells if cell.cell_type == "markdown" for m in LINK.finditer(cell.source)]


@pytest.mark.parametrize("path", FILES, ids=[p.stem for p in FILES])
def test_relative_links_and_glossary_anchors_resolve(path):
    broken = []
    for target in _links(path):
        if target.startswith(("http://", "https://", "mailto:")):
            continue
        file_part, _, anchor = target.partition("#")
        linked = (path.parent / file_part).resolve() if file_part else path
        if not linked.exists():
            broken.append(f"{target}: no such file")
            continue
        if anchor and linked.suffix == ".md" and anchor not in ANCHOR.findall(linked.read_text(encoding="utf-8")):
            broken.append(f"{target}: no entry #{anchor} in {linked.name}")
        if file_part and (ROOT / "solutions") in linked.parents and (ROOT / "solutions") not in path.parents:
            broken.append(f"{target}: lessons and exercises must not link to solutions (not in the workspace)")
    assert not broken, f"{path.relative_to(ROOT)}: " + "; ".join(broken)


def test_glossary_entries_are_unique_and_sorted():
    text = (ROOT / "notebooks" / "glossary.md").read_text(encoding="utf-8")
    anchors = ANCHOR.findall(text)
    assert len(anchors) == len(set(anchors)), "an anchor is defined twice"
    titles = [t.lower() for t in re.findall(r"^## (.+)$", text, flags=re.M)]
    assert titles == sorted(titles), "glossary entries out of alphabetical order"
