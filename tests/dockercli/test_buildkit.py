"""``docker build`` prints what Docker 28's default builder (BuildKit via buildx) prints.

The expected texts follow moby/buildkit's progress printers (util/progress/progressui
printer.go for plain text, display.go for the terminal screen), its error excerpt
(solver/errdefs/source.go) and buildx's ``ERROR: failed to build: ...`` line.
"""

from __future__ import annotations

import difflib
import io
import re
from pathlib import Path

import pytest

from grader.dockercli import execute
from grader.dockercli.buildkit import size_text, source_excerpt
from grader.engine import get_engine

APP = {
    "Dockerfile": (
        "FROM node:20\nWORKDIR /app\nCOPY package.json .\nRUN npm install\nCOPY . .\n"
        'CMD ["node", "index.js"]\n'
    ),
    "package.json": '{"name": "app", "version": "1.0.0"}\n',
    "index.js": "console.log('hi');\n",
}


@pytest.fixture
def engine(sandbox_dir: Path):
    return get_engine("sandbox")


@pytest.fixture
def app(tmp_path: Path) -> Path:
    folder = tmp_path / "app"
    folder.mkdir()
    for name, content in APP.items():
        (folder / name).write_text(content)
    return folder


def build(engine, folder: Path, *flags: str) -> tuple[str, str, int]:
    out, err = io.StringIO(), io.StringIO()
    code = execute(["build", *flags, str(folder)], engine, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue(), code


def blocks(text: str) -> list[str]:
    """The plain output's vertex blocks, times and ids made stable."""
    text = re.sub(r"sha256:[0-9a-f]{64}", "sha256:<id>", text)
    text = re.sub(r"DONE \d+\.\ds", "DONE <t>", text)
    return text.strip("\n").split("\n\n")


def test_plain_progress_when_not_a_terminal(engine, app: Path, monkeypatch) -> None:
    monkeypatch.delenv("DOCKER_BUILDKIT", raising=False)
    out, err, code = build(engine, app, "-t", "app:1")
    assert (out, code) == ("", 0)
    assert "Step " not in err and "LABEL course" not in err and "DEPRECATED" not in err
    shown = blocks(err)
    assert shown[0] == '#0 building with "default" instance using docker driver'
    assert shown[1] == (
        "#1 [internal] load build definition from Dockerfile\n"
        f"#1 transferring dockerfile: {len(APP['Dockerfile'])}B done\n#1 DONE <t>"
    )
    assert shown[2] == "#2 [internal] load metadata for docker.io/library/node:20\n#2 DONE <t>"
    assert shown[3] == (
        "#3 [internal] load .dockerignore\n#3 transferring context: 2B done\n#3 DONE <t>"
    )
    assert shown[4].startswith("#4 [1/5] FROM docker.io/library/node:20@sha256:")
    assert shown[5].startswith("#5 [internal] load build context\n#5 transferring context: ")
    assert shown[6] == "#6 [2/5] WORKDIR /app\n#6 DONE <t>"
    assert shown[7] == "#7 [3/5] COPY package.json .\n#7 DONE <t>"
    assert shown[8].startswith("#8 [4/5] RUN npm install\n#8 ")
    assert re.search(r"^#8 \d\.\d{3} found 0 vulnerabilities$", shown[8], re.M)
    assert shown[10] == (
        "#10 exporting to image\n#10 exporting layers 0.1s done\n"
        "#10 writing image sha256:<id> done\n#10 naming to docker.io/library/app:1 done\n"
        "#10 DONE <t>"
    )
    assert engine.inspect_image("app:1")["Config"]["Labels"]["course"] == "docker-k8s"


def test_a_rebuild_after_a_source_edit_reuses_the_dependency_step(
    engine, app: Path, monkeypatch
) -> None:
    monkeypatch.delenv("DOCKER_BUILDKIT", raising=False)
    build(engine, app, "-t", "app:1")
    _, err, _ = build(engine, app, "-t", "app:1")
    assert "#8 [4/5] RUN npm install\n#8 CACHED\n" in err
    assert "#10 exporting layers done\n" in err
    (app / "index.js").write_text("console.log('changed');\n")
    _, err, _ = build(engine, app, "-t", "app:2")
    assert "#8 [4/5] RUN npm install\n#8 CACHED\n" in err
    assert re.search(r"#9 \[5/5\] COPY \. \.\n#9 DONE \d\.\ds\n", err)


def test_a_failing_run_step_is_reported_as_buildkit_does(engine, app: Path, monkeypatch) -> None:
    monkeypatch.delenv("DOCKER_BUILDKIT", raising=False)
    (app / "Dockerfile").write_text(
        "FROM node:20\nWORKDIR /app\nCOPY index.js .\nRUN npm install\nCOPY . .\n"
        'CMD ["node", "index.js"]\n'
    )
    out, err, code = build(engine, app, "-t", "broken:1")
    assert (out, code) == ("", 1)
    failed = 'process "/bin/sh -c npm install" did not complete successfully: exit code: 254'
    assert f"\n#8 ERROR: {failed}\n------\n > [4/5] RUN npm install:\n" in err
    assert re.search(r"^\d\.\d{3} npm error code ENOENT$", err, re.M)
    assert err.endswith(
        "------\nDockerfile:4\n--------------------\n"
        "   2 |     WORKDIR /app\n   3 |     COPY index.js .\n   4 | >>> RUN npm install\n"
        '   5 |     COPY . .\n   6 |     CMD ["node", "index.js"]\n--------------------\n'
        f"ERROR: failed to build: failed to solve: {failed}\n"
    )


def test_a_missing_copy_source_and_an_unknown_base(engine, app: Path, monkeypatch) -> None:
    monkeypatch.delenv("DOCKER_BUILDKIT", raising=False)
    (app / "Dockerfile").write_text("FROM alpine:3\nCOPY nofile /x\n")
    _, err, code = build(engine, app)
    assert code == 1
    assert re.search(
        r"ERROR: failed to build: failed to solve: failed to compute cache key: failed to "
        r'calculate checksum of ref [a-z0-9]{25}::[a-z0-9]{25}: "/nofile": not found\n$',
        err,
    )
    (app / "Dockerfile").write_text("FROM alpine:2.9\n")
    _, err, code = build(engine, app)
    assert code == 1
    assert "#2 ERROR: docker.io/library/alpine:2.9: not found\n" in err
    assert err.endswith(
        "ERROR: failed to build: failed to solve: alpine:2.9: failed to resolve source "
        "metadata for docker.io/library/alpine:2.9: docker.io/library/alpine:2.9: not found\n"
    )
    (app / "Dockerfile").write_text("FROM nosuchimage\n")
    _, err, code = build(engine, app)
    assert code == 1
    assert err.endswith(
        "ERROR: failed to build: failed to solve: nosuchimage: failed to resolve source "
        "metadata for docker.io/library/nosuchimage:latest: pull access denied, repository "
        "does not exist or may require authorization: server message: insufficient_scope: "
        "authorization failed\n"
    )


def test_terminal_screen_with_progress_tty(engine, app: Path, monkeypatch) -> None:
    monkeypatch.delenv("DOCKER_BUILDKIT", raising=False)
    build(engine, app, "-t", "app:1")
    _, err, code = build(engine, app, "--progress=tty", "-t", "app:1")
    lines = err.splitlines()
    assert code == 0
    assert re.match(r"\[\+\] Building \d+\.\ds \(10/10\) FINISHED +docker:default$", lines[0])
    assert re.match(r" => CACHED \[4/5\] RUN npm install +0\.0s$", lines[11])
    assert re.match(r" => => naming to docker.io/library/app:1 +0\.0s$", lines[-1])
    # display.go aligns the first line to width-1 when it has a description, the rest to width
    assert len(lines[0]) == 79 and {len(line) for line in lines[1:]} == {80}


class TerminalStream(io.StringIO):
    """Output that says it is a terminal, as a lab terminal's stderr does."""

    def isatty(self) -> bool:
        return True


def test_a_terminal_gets_the_screen_and_a_cell_the_plain_lines(engine, app: Path, monkeypatch):
    """``--progress=auto`` (the default) picks the screen only when stderr is a terminal."""
    monkeypatch.delenv("DOCKER_BUILDKIT", raising=False)
    out, err = io.StringIO(), TerminalStream()
    assert execute(["build", "-t", "app:1", str(app)], engine, stdout=out, stderr=err) == 0
    screen = err.getvalue()
    assert re.match(r"\[\+\] Building \d+\.\ds \(10/10\) FINISHED", screen)
    assert "#1 [internal] load build definition" not in screen
    assert " => [internal] load build definition from Dockerfile" in screen
    _, plain, _ = build(engine, app, "-t", "app:1")
    assert plain.startswith('#0 building with "default" instance using docker driver\n')
    assert "[+] Building" not in plain


def test_quiet_prints_only_the_image_id(engine, app: Path, monkeypatch) -> None:
    monkeypatch.delenv("DOCKER_BUILDKIT", raising=False)
    out, err, code = build(engine, app, "-q", "-t", "app:1")
    assert (err, code) == ("", 0)
    assert out == engine.inspect_image("app:1")["Id"] + "\n"


def test_legacy_builder_only_with_docker_buildkit_0(engine, app: Path, monkeypatch) -> None:
    monkeypatch.setenv("DOCKER_BUILDKIT", "0")
    out, err, code = build(engine, app, "-t", "app:1")
    assert code == 0
    assert err.startswith("DEPRECATED: The legacy builder is deprecated")
    assert "BuildKit is currently disabled" in err
    assert "Step 4/6 : RUN npm install\n" in out
    assert "Step 7/" not in out and "LABEL course" not in out


def test_missing_context_folder(engine, tmp_path: Path, monkeypatch) -> None:
    monkeypatch.delenv("DOCKER_BUILDKIT", raising=False)
    out, err, code = build(engine, tmp_path / "nowhere")
    assert (out, code) == ("", 1)
    assert err == (
        f'ERROR: failed to build: unable to prepare context: path "{tmp_path}/nowhere" not found\n'
    )


@pytest.mark.parametrize(
    ("size", "shown"), [(2, "2B"), (999, "999B"), (2180, "2.18kB"), (69000, "69.00kB")]
)
def test_sizes_as_buildkit_prints_them(size: int, shown: str) -> None:
    assert size_text(size) == shown


def test_excerpt_pads_two_lines_each_side_as_errdefs_does() -> None:
    text = "FROM a\nRUN b\nRUN c\n"
    assert source_excerpt("Dockerfile", text, 1) == [
        "Dockerfile:1",
        "-" * 20,
        "   1 | >>> FROM a",
        "   2 |     RUN b",
        "   3 |     RUN c",
        "-" * 20,
    ]


def test_several_sources_into_a_folder_without_slash(engine, app: Path, monkeypatch) -> None:
    """BuildKit copies several sources into the destination folder; the legacy builder
    wants the destination written with a trailing /."""
    (app / "package-lock.json").write_text("{}\n")
    (app / "Dockerfile").write_text("FROM node:20\nWORKDIR /app\nCOPY package*.json .\n")
    monkeypatch.delenv("DOCKER_BUILDKIT", raising=False)
    _, err, code = build(engine, app, "-t", "multi:1")
    assert code == 0, err
    listing = run_in(engine, "multi:1", "ls", "/app")
    assert listing == "package-lock.json\npackage.json\n"
    monkeypatch.setenv("DOCKER_BUILDKIT", "0")
    out, err, code = build(engine, app, "-t", "multi:2")
    assert code == 1
    assert err.endswith(
        "When using COPY with more than one source file, the destination must be a "
        "directory and end with a /\n"
    )


def run_in(engine, image: str, *argv: str) -> str:
    out, err = io.StringIO(), io.StringIO()
    execute(["run", "--rm", image, *argv], engine, stdout=out, stderr=err)
    return out.getvalue()


def _shape(text: str) -> list[str]:
    """A plain build output reduced to what both engines must agree on."""
    text = re.sub(r"@sha256:[0-9a-f]{64}", "", text)
    text = re.sub(r"sha256:[0-9a-f]{64}", "sha256:<id>", text)
    text = re.sub(r"\d+(\.\d+)?s\b", "<t>", text)
    text = re.sub(r"^(#\d+) \d+\.\d+ ", r"\1 <t> ", text, flags=re.M)
    text = re.sub(r"transferring (dockerfile|context): \S+", r"transferring \1: <size>", text)
    return text.splitlines()


@pytest.mark.real_engine
@pytest.mark.slow
def test_the_real_engines_classic_stream_renders_the_same(
    real_engine, sandbox_dir: Path, tmp_path: Path, monkeypatch
) -> None:
    """On a daemon without BuildKit (CI's 20.10) the course still prints Docker 28's output."""
    import uuid

    monkeypatch.delenv("DOCKER_BUILDKIT", raising=False)
    (tmp_path / "page.txt").write_text(f"{uuid.uuid4()}\n")
    (tmp_path / "Dockerfile").write_text(
        'FROM busybox:latest\nWORKDIR /site\nCOPY page.txt .\nRUN echo built\nCMD ["ls"]\n'
    )
    name = f"bkdiff{uuid.uuid4().hex[:8]}:1"
    outputs = []
    for engine in (real_engine, get_engine("sandbox")):
        if engine.kind == "sandbox":
            list(engine.pull("busybox", tag="latest"))
        try:
            first = build(engine, tmp_path, "-t", name)
            second = build(engine, tmp_path, "-t", name)
        finally:
            engine.remove_image(name, force=True)
        assert first[2] == second[2] == 0, first[1]
        outputs.append((_shape(first[1]), _shape(second[1])))
    real, ours = outputs
    assert real[0] == ours[0], "\n".join(difflib.unified_diff(real[0], ours[0], lineterm=""))
    assert real[1] == ours[1], "\n".join(difflib.unified_diff(real[1], ours[1], lineterm=""))
    assert "#8 <t> built" in real[0] and "#8 CACHED" in real[1]


def test_a_dockerfile_from_stdin_builds_the_context(
    engine, app: Path, monkeypatch, tmp_path: Path
) -> None:
    """``-f -``: buildx reads the Dockerfile from stdin into a file named Dockerfile."""
    monkeypatch.delenv("DOCKER_BUILDKIT", raising=False)
    typed = "FROM busybox\nCOPY index.js /srv/\n"
    monkeypatch.setattr("sys.stdin", io.StringIO(typed))
    temporary = tmp_path / "temporary"
    temporary.mkdir()
    monkeypatch.setattr("tempfile.tempdir", str(temporary))
    out, err, code = build(engine, app, "-t", "piped:1", "-f", "-")
    assert (out, code) == ("", 0)
    assert blocks(err)[1] == (
        "#1 [internal] load build definition from Dockerfile\n"
        f"#1 transferring dockerfile: {len(typed)}B done\n#1 DONE <t>"
    )
    assert "[2/2] COPY index.js /srv/" in err
    assert engine.inspect_image("piped:1")["Config"]["Cmd"] == ["sh"]
    assert list(temporary.iterdir()) == []  # the stdin copy is gone
