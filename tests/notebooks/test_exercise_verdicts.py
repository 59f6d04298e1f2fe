"""Each exercise's check says ⏳ "not attempted yet" on its generated exercise and ✅ on its solution.

The notebooks are executed as a trainee would run them (top to bottom, nbclient), on the private simulator of
the test run; the verdicts are read from what the check cells displayed.
"""

from __future__ import annotations

import nbformat
import pytest
from nbclient import NotebookClient

from o2gmentor.course.checks import NOT_ATTEMPTED, PASSED
from tests.notebooks.runner import ROOT, exercise_of, notebooks, verdicts

SOLUTIONS = notebooks("solutions")


def run(path) -> nbformat.NotebookNode:
    notebook = nbformat.read(path, as_version=4)
    NotebookClient(notebook, kernel_name="python3", timeout=120,
                   resources={"metadata": {"path": str(path.parent)}}).execute()
    return notebook


def test_every_solution_has_its_exercise_and_a_check():
    assert SOLUTIONS, "no solution notebooks"
    for solution in SOLUTIONS:
        assert exercise_of(solution).exists(), f"{solution.name}: run `o2gmentor build`"
        text = solution.read_text(encoding="utf-8")
        assert "course.check(" in text, f"{solution.name} has no check cell"


@pytest.mark.parametrize("solution", SOLUTIONS, ids=[p.stem for p in SOLUTIONS])
def test_check_passes_on_the_solution_and_waits_on_the_exercise(solution):
    solved = verdicts(run(solution))
    assert solved, f"{solution.name}: no check verdict displayed"
    for exercise_id, verdict in solved.items():
        assert verdict["status"] == PASSED, f"{solution.name}: {exercise_id} → {verdict}"

    unsolved = verdicts(run(exercise_of(solution)))
    assert set(unsolved) == set(solved), f"{solution.relative_to(ROOT)}: the exercise checks other exercises"
    for exercise_id, verdict in unsolved.items():
        assert verdict["status"] == NOT_ATTEMPTED, f"exercise {exercise_id} unsolved → {verdict}"
        assert "TODO" in verdict["hint"]
