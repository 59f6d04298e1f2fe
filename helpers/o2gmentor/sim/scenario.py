"""Scenarios: the simulated site's data (people, numbers, licences) as JSON files."""

from __future__ import annotations

import json
from importlib import resources
from pathlib import Path
from typing import Any

DEFAULT_USER_LICENCES = ["TELEPHONY_ADVANCED"]


def available() -> list[str]:
    """Names of the scenarios shipped with the package."""
    folder = resources.files("o2gmentor.sim") / "scenarios"
    return sorted(p.name[:-5] for p in folder.iterdir() if p.name.endswith(".json"))


def load(name_or_path: str = "default") -> dict[str, Any]:
    """Read a scenario by name (shipped) or by path to a JSON file."""
    path = Path(name_or_path)
    if path.suffix == ".json" and path.exists():
        text = path.read_text(encoding="utf-8")
    else:
        if name_or_path not in available():
            raise ValueError(f"unknown scenario {name_or_path!r}; shipped: {', '.join(available())}")
        text = (resources.files("o2gmentor.sim") / "scenarios" / f"{name_or_path}.json").read_text("utf-8")
    return json.loads(text)
