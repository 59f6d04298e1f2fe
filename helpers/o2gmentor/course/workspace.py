"""The trainee's workspace: a personal, git-ignored copy of the lessons and exercises that the lab opens.

Running and editing a lesson writes outputs into the notebook; doing that in the tracked sources would dirty
the clone and make the next ``git pull`` conflict. So ``o2gmentor lab`` works in ``workspace/`` instead:

- on first start the tracked ``notebooks/`` and ``exercises/`` (and the glossary) are copied there;
- on later starts, files new in the sources are added, and a copy the trainee never changed is refreshed
  when its source changed (after a ``git pull``); a copy the trainee changed is kept, and reported;
- ``o2gmentor reset [LESSON]`` puts back a fresh copy (the old one is kept under ``workspace/.backups/``).

``O2G_WORKSPACE`` names another folder for it.

A manifest (``workspace/.manifest.json``) records the hash of each file as it was copied, which is how a
changed copy is told from an unchanged one.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import time
from dataclasses import dataclass, field
from pathlib import Path

SOURCES = ("notebooks", "exercises")
OPTIONAL_SOURCES = ("solutions",)
SKIPPED_PARTS = {".ipynb_checkpoints", "__pycache__"}
MANIFEST = ".manifest.json"
BACKUPS = ".backups"


@dataclass
class SyncReport:
    """What one synchronisation did, file by file (paths relative to the workspace)."""

    copied: list[str] = field(default_factory=list)
    refreshed: list[str] = field(default_factory=list)
    kept_changed: list[str] = field(default_factory=list)

    def summary(self) -> str:
        parts = []
        if self.copied:
            parts.append(f"{len(self.copied)} file(s) copied")
        if self.refreshed:
            parts.append(f"{len(self.refreshed)} updated from the course")
        if self.kept_changed:
            parts.append(f"{len(self.kept_changed)} of your changed copies kept although the course has a newer "
                         f"version ({', '.join(self.kept_changed[:3])}{'…' if len(self.kept_changed) > 3 else ''};"
                         " `o2gmentor reset NAME` takes the new one)")
        return "; ".join(parts) or "up to date"


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _course_files(root: Path, with_solutions: bool) -> dict[str, Path]:
    folders = SOURCES + (OPTIONAL_SOURCES if with_solutions else ())
    files: dict[str, Path] = {}
    for folder in folders:
        base = root / folder
        if not base.is_dir():
            continue
        for path in sorted(base.rglob("*")):
            if path.is_file() and not SKIPPED_PARTS & set(path.parts):
                files[str(path.relative_to(root))] = path
    return files


class Workspace:
    """The working copy under ``root/workspace`` of the course at ``root``."""

    def __init__(self, root: Path, folder: Path | None = None) -> None:
        self.root = Path(root).resolve()
        folder = folder or os.environ.get("O2G_WORKSPACE")
        self.path = Path(folder).resolve() if folder else self.root / "workspace"

    def __repr__(self) -> str:
        return f"Workspace({str(self.path)!r})"

    @property
    def manifest_path(self) -> Path:
        return self.path / MANIFEST

    def _manifest(self) -> dict[str, str]:
        try:
            return json.loads(self.manifest_path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}

    def _save(self, manifest: dict[str, str]) -> None:
        self.manifest_path.write_text(json.dumps(manifest, indent=1, sort_keys=True), encoding="utf-8")

    def sync(self, *, with_solutions: bool = False) -> SyncReport:
        """Create the workspace, or bring new and unchanged files up to date; never overwrite the trainee's work."""
        self.path.mkdir(parents=True, exist_ok=True)
        manifest = self._manifest()
        report = SyncReport()
        for relative, source in _course_files(self.root, with_solutions).items():
            target = self.path / relative
            fresh = _digest(source)
            if not target.exists():
                self._copy(source, target)
                report.copied.append(relative)
            elif manifest.get(relative) == fresh:
                continue
            elif manifest.get(relative) == _digest(target):  # unchanged by the trainee: take the new version
                self._copy(source, target)
                report.refreshed.append(relative)
            elif _digest(target) == fresh:
                pass
            else:
                report.kept_changed.append(relative)
                continue
            manifest[relative] = fresh
        self._save(manifest)
        return report

    def reset(self, name: str | None = None) -> list[str]:
        """Fresh copies of every file, or of those whose name starts with ``name`` (``11``, ``11-1``, ``00-start``).

        Returns the files restored; a changed copy is moved to ``.backups/`` first.
        """
        files = _course_files(self.root, with_solutions=(self.path / "solutions").exists())
        if name:
            wanted = name.removesuffix(".ipynb")
            files = {rel: src for rel, src in files.items() if Path(rel).name.startswith(wanted)}
            if not files:
                raise ValueError(f"no lesson or exercise named {name!r} (try a number such as 11 or 11-1)")
        manifest = self._manifest()
        stamp = time.strftime("%Y%m%d-%H%M%S")
        restored = []
        for relative, source in files.items():
            target = self.path / relative
            if target.exists() and _digest(target) != _digest(source):
                backup = self.path / BACKUPS / stamp / relative
                backup.parent.mkdir(parents=True, exist_ok=True)
                shutil.move(str(target), backup)
            self._copy(source, target)
            manifest[relative] = _digest(source)
            restored.append(relative)
        self._save(manifest)
        return restored

    @staticmethod
    def _copy(source: Path, target: Path) -> None:
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, target)


def find_course_root(start: Path | None = None) -> Path:
    """The course's folder (the one holding ``notebooks/`` and ``pyproject.toml``), from ``start`` upwards."""
    here = Path(start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        if (folder / "notebooks").is_dir() and (folder / "pyproject.toml").is_file():
            return folder
    raise ValueError(f"{here} is not inside the O2G Mentor course folder (no notebooks/ and pyproject.toml above)")
