"""Run inside the Binder-like environment: execute every released notebook with its answers.

Usage: python run_solved_release.py REPO WORKDIR NAME... For each named assignment of REPO's
release, the source notebook's answer cells are pasted into the released notebook (what a
student who solved it hands in) and the result runs top to bottom with nbclient in a copy of
the release folder. Prints a JSON object: assignment -> list of "cell N: Ename: evalue" errors.
"""

from __future__ import annotations

import json
import shutil
import sys
from pathlib import Path

import nbformat
from nbclient import NotebookClient


def nbgrader_id(cell) -> str | None:
    return cell.get("metadata", {}).get("nbgrader", {}).get("grade_id")


def solved(source: Path, released: Path):
    answers = {
        nbgrader_id(c): c.source
        for c in nbformat.read(source, as_version=4).cells
        if c.get("metadata", {}).get("nbgrader", {}).get("solution")
    }
    notebook = nbformat.read(released, as_version=4)
    for cell in notebook.cells:
        if nbgrader_id(cell) in answers:
            cell.source = answers[nbgrader_id(cell)]
    return notebook


def main(repo: Path, work: Path, names: list[str]) -> dict[str, list[str]]:
    report = {}
    for name in names:
        folder = repo / "release" / name
        copy = work / name
        shutil.copytree(folder, copy)
        notebook = solved(repo / "notebooks" / name / f"{name}.ipynb", copy / f"{name}.ipynb")
        client = NotebookClient(
            notebook,
            timeout=300,
            kernel_name="python3",
            allow_errors=True,
            resources={"metadata": {"path": str(copy)}},
        )
        client.execute()
        report[name] = [
            f"cell {index}: {output['ename']}: {output['evalue']}"
            for index, cell in enumerate(notebook.cells)
            for output in cell.get("outputs", [])
            if output.get("output_type") == "error"
        ]
    return report


if __name__ == "__main__":
    print(json.dumps(main(Path(sys.argv[1]), Path(sys.argv[2]), sys.argv[3:])))
