"""Exercises generated from solutions: stubs where the solution was, checks dropped, drift detected."""

from __future__ import annotations

import subprocess
import sys

import nbformat
import pytest

from o2gmentor.course.exercises import ExerciseError, build, stub_source

SOLVED = """\
from o2gmentor.course import setup
# BEGIN SOLUTION
ref = caller.telephony.make_call("1002")
events.wait_for("OnCallCreated", callRef=ref)
# END SOLUTION
for call in calls:
    # BEGIN SOLUTION
    caller.telephony.release(call["callRef"])
    # END SOLUTION
print("done")"""


def test_solution_blocks_become_stubs_keeping_indentation():
    assert stub_source(SOLVED).splitlines() == [
        "from o2gmentor.course import setup",
        "ref = None  # TODO: your code",
        "for call in calls:",
        "    ...  # TODO: your code",
        'print("done")',
    ]


@pytest.mark.parametrize("broken", ["# BEGIN SOLUTION\nx = 1", "x = 1\n# END SOLUTION",
                                    "# BEGIN SOLUTION\n# BEGIN SOLUTION\n# END SOLUTION"])
def test_unpaired_markers_are_refused(broken):
    with pytest.raises(ExerciseError):
        stub_source(broken)


def solution_notebook():
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_markdown_cell("# Exercise 02a-1"),
                nbformat.v4.new_code_cell(SOLVED, execution_count=3, outputs=[nbformat.v4.new_output(
                    "stream", text="done\n")]),
                nbformat.v4.new_code_cell("explanation()", metadata={"tags": ["solution"]}),
                nbformat.v4.new_code_cell("assert ref", metadata={"tags": ["check"]})]
    nb.metadata = {"kernelspec": {"name": "python3-custom", "display_name": "x"}, "course": {"id": "02a-1"}}
    return nb


def test_build_writes_clean_exercises_and_check_detects_drift(tmp_path):
    solutions, exercises = tmp_path / "solutions", tmp_path / "exercises"
    (solutions / "02-calls").mkdir(parents=True)
    nbformat.write(solution_notebook(), solutions / "02-calls" / "02a-ex1.ipynb")
    assert build(solutions, exercises, check=True) == [f"missing: {exercises / '02-calls' / '02a-ex1.ipynb'} "
                                                       "(run `o2gmentor build`)"]
    build(solutions, exercises)
    exercise = nbformat.read(exercises / "02-calls" / "02a-ex1.ipynb", as_version=4)
    assert [c.cell_type for c in exercise.cells] == ["markdown", "code"]
    code = exercise.cells[1]
    assert "make_call" not in code.source and "ref = None  # TODO" in code.source
    assert code.outputs == [] and code.execution_count is None and "id" not in code
    assert exercise.metadata["kernelspec"]["name"] == "python3" and exercise.metadata["course"] == {"id": "02a-1"}
    assert build(solutions, exercises, check=True) == []
    path = exercises / "02-calls" / "02a-ex1.ipynb"
    path.write_text(path.read_text().replace("TODO", "done it"))
    assert "edited by hand" in build(solutions, exercises, check=True)[0]
    (exercises / "stray.ipynb").write_text(path.read_text())
    assert any("no solution" in line for line in build(solutions, exercises, check=True))


def test_the_command_line_check_passes_on_the_repository():
    result = subprocess.run([sys.executable, "-m", "o2gmentor", "build", "--check"], capture_output=True, text=True,
                            timeout=60)
    assert result.returncode == 0, result.stdout + result.stderr
