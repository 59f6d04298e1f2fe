"""The course's lessons as their notebooks describe them: id, phase, title, minutes, file."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

PHASE_NAMES = {0: "Start", 1: "Install & configure", 2: "API coaching", 3: "Developer support"}


@dataclass(frozen=True)
class Lesson:
    """One lesson notebook's ``course`` metadata and its title (the first ``# `` heading)."""

    id: str
    phase: int
    title: str
    teaching_min: int
    exercise_min: int
    path: Path

    @property
    def minutes(self) -> int:
        return self.teaching_min + self.exercise_min

    @property
    def for_mentors(self) -> bool:
        """Lessons 9x are the mentor's own (not taught to trainees)."""
        return self.id.startswith("9")


def course_root(start: Path | None = None) -> Path | None:
    """The course folder (holding ``notebooks/``): from ``start`` (or the working folder) up, else the package's."""
    here = Path(start or Path.cwd()).resolve()
    package_root = Path(__file__).resolve().parents[3]
    for folder in (here, *here.parents, package_root):
        if (folder / "notebooks").is_dir() and (folder / "pyproject.toml").is_file():
            return folder
    return None


def notebooks(root: Path | None = None) -> list[Path]:
    """Every lesson notebook under ``notebooks/`` (checkpoints left out), in course order."""
    root = root or course_root()
    if root is None:
        return []
    return sorted(p for p in (root / "notebooks").rglob("*.ipynb") if ".ipynb_checkpoints" not in p.parts)


def lessons(root: Path | None = None) -> list[Lesson]:
    """The lessons with ``course`` metadata, ordered by id."""
    found = []
    for path in notebooks(root):
        nb = json.loads(path.read_text(encoding="utf-8"))
        meta = nb.get("metadata", {}).get("course")
        if not meta:
            continue
        title = next((line[2:].strip() for cell in nb["cells"] if cell["cell_type"] == "markdown"
                      for line in "".join(cell["source"]).splitlines() if line.startswith("# ")), path.stem)
        found.append(Lesson(str(meta["id"]), int(meta["phase"]), title, int(meta.get("teaching_min", 0)),
                            int(meta.get("exercise_min", 0)), path))
    return sorted(found, key=lambda lesson: lesson.id)


def phase_of(lesson_id: str) -> int | None:
    """A lesson id's phase from its first digit (``"12"`` → 1, ``"00"`` → 0, ``"90"`` → 3)."""
    text = str(lesson_id).strip()
    if not text[:1].isdigit():
        return None
    digit = int(text[0])
    return 3 if digit >= 3 else digit
