"""The same docker scripts on the real Docker 28 CLI + daemon and on the sandbox agree.

Cases live in tests/data/differential/cases.yaml; :mod:`diffkit` runs and normalises them
and :mod:`wording` holds the only daemon-wording table (dockerd 20.10 -> Docker 28).

What cannot agree here, and why:

- ``docker pull``/``push`` to Docker Hub: no public registry is reachable from these
  machines, so the real daemon fails with a DNS error where the sandbox answers from its
  catalogue. The ``unknown-image`` case compares the CLI's own first line and the exit
  code only; real pushes and pulls are tested against a loopback registry in tests/real.
- Image contents: the real side runs the course's offline images (Debian nginx 1.22,
  busybox), the sandbox its catalogue of Docker Hub look-alikes; cases avoid outputs that
  show image contents (nginx's COMMAND column, file listings).
"""

from __future__ import annotations

import io
import uuid
from pathlib import Path

import pytest
import yaml
from diffkit import Outcome, Side, real_side, sandbox_side
from ports import unused_ports
from wording import BEHAVIOUR

pytestmark = [pytest.mark.real_engine, pytest.mark.slow]

CASES = yaml.safe_load(
    (Path(__file__).parents[1] / "data" / "differential" / "cases.yaml").read_text()
)


def _fill(text: str, values: dict[str, str]) -> str:
    for key, value in values.items():
        text = text.replace("{" + key + "}", value)
    return text


def _steps(case: dict) -> list[dict]:
    return [step if isinstance(step, dict) else {"line": step} for step in case["steps"]]


def _play(side: Side, case: dict, values: dict[str, str]) -> list[Outcome]:
    return [side.run(_fill(step["line"], values), values["P"]) for step in _steps(case)]


def _remove_by_prefix(engine, prefix: str) -> None:
    """Remove the real daemon's containers, volumes, networks and tags named with ``prefix``."""
    for container in engine.containers(all=True, filters={"name": prefix}):
        engine.remove_container(container["Id"], force=True, v=True)
    for network in engine.networks(filters={"name": prefix}):
        engine.remove_network(network["Id"])
    for volume in engine.volumes(filters={"name": prefix}).get("Volumes") or []:
        engine.remove_volume(volume["Name"], force=True)
    for image in engine.images():
        for tag in image.get("RepoTags") or []:
            if tag.startswith(prefix):
                engine.remove_image(tag, force=True)


def _compare(step: dict, real: tuple[Outcome, Side], ours: tuple[Outcome, Side]) -> str:
    """ "" when the step agrees on both sides, else a report of both normalised results."""
    if step.get("differs"):
        assert step["differs"] in BEHAVIOUR, f"record {step['differs']!r} in wording.BEHAVIOUR"
        return ""
    expected = real[0].normalised(real[1].ids)
    got = ours[0].normalised(ours[1].ids)
    if step.get("compare") == "first-stderr-line":
        expected = ("", expected[1].split("\n")[0], expected[2])
        got = ("", got[1].split("\n")[0], got[2])
    if expected == got:
        return ""
    return f"$ {real[0].line}\n  real:    {expected!r}\n  sandbox: {got!r}"


@pytest.mark.parametrize("case", CASES, ids=[case["name"] for case in CASES])
def test_real_and_sandbox_agree(
    case, real_engine, differential_images, sandbox_dir, tmp_path, monkeypatch
):
    for name, value in (case.get("env") or {}).items():
        monkeypatch.setenv(name, value)
    prefix = "dfx" + uuid.uuid4().hex[:8]
    folder = tmp_path / "case"
    folder.mkdir()
    for relative, content in (case.get("files") or {}).items():
        target = folder / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(content)
    port, port2 = unused_ports(2)
    values = {"P": prefix, "PORT": str(port), "PORT2": str(port2), "DIR": str(folder)}

    real = real_side(real_engine, folder)
    try:
        real_outcomes = _play(real, case, values)
    finally:
        _remove_by_prefix(real_engine, prefix)

    from grader.dockercli import execute
    from grader.engine import get_engine

    engine = get_engine("sandbox")
    for image in case.get("images") or []:
        out, err = io.StringIO(), io.StringIO()
        assert execute(["pull", image], engine, stdout=out, stderr=err) == 0, err.getvalue()
    sandbox = sandbox_side(engine, folder)
    sandbox_outcomes = _play(sandbox, case, values)

    problems = [
        _compare(step, (theirs, real), (ours, sandbox))
        for step, theirs, ours in zip(_steps(case), real_outcomes, sandbox_outcomes, strict=True)
    ]
    assert not [problem for problem in problems if problem], "\n".join(filter(None, problems))
