"""The sandbox's classic builder: output, layers, config, cache hits, errors."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from grader.engine.errors import InvalidArgument
from grader.engine.sandbox import SandboxEngine
from grader.engine.sandbox.fs import image_layers

DATA = Path(__file__).parents[2] / "data" / "build"


@pytest.fixture
def engine(sandbox_dir: Path) -> SandboxEngine:
    return SandboxEngine(sandbox_dir)


@pytest.fixture
def app(tmp_path: Path) -> Path:
    target = tmp_path / "app"
    shutil.copytree(DATA / "app", target)
    return target


def build(engine: SandboxEngine, path: Path, **kwargs) -> list[dict]:
    return list(engine.build(str(path), **kwargs))


def text(items: list[dict]) -> str:
    return "".join(str(item.get("stream", "")) for item in items)


def cache_hits(items: list[dict]) -> dict[str, bool]:
    steps: dict[str, bool] = {}
    current = ""
    for item in items:
        line = str(item.get("stream", ""))
        if line.startswith("Step "):
            current = line.split(" : ", 1)[1]
            steps[current] = False
        elif line == " ---> Using cache\n":
            steps[current] = True
    return steps


def test_output_is_the_classic_builders(engine: SandboxEngine, app: Path) -> None:
    items = build(engine, app, tag="hello-app:1", dockerfile="Dockerfile.fast")
    output = text(items)
    assert output.startswith("Step 1/7 : FROM node:20-alpine\n ---> ")
    assert "Step 2/7 : WORKDIR /app\n ---> Running in " in output
    assert "LABEL course" not in output, "the course's label is applied without a step"
    assert "Removing intermediate container " in output
    assert "Step 3/7 : COPY package*.json ./\n ---> " in output
    assert "\nadded 1 package, and audited 3 packages in 1s\n" in output
    image_id = engine.inspect_image("hello-app:1")["Id"]
    assert {"aux": {"ID": image_id}} in items
    assert output.endswith(
        f"Successfully built {image_id[7:19]}\nSuccessfully tagged hello-app:1\n"
    )


def test_image_config_history_and_files(engine: SandboxEngine, app: Path) -> None:
    build(engine, app, tag="hello-app:1", dockerfile="Dockerfile.fast")
    info = engine.inspect_image("hello-app:1")
    base = engine.inspect_image("node:20-alpine")
    assert info["Config"]["Cmd"] == ["node", "index.js"]
    assert info["Config"]["WorkingDir"] == "/app"
    assert info["Config"]["Entrypoint"] == base["Config"]["Entrypoint"]
    assert info["RootFS"]["Layers"][: len(base["RootFS"]["Layers"])] == base["RootFS"]["Layers"]
    assert info["Size"] > base["Size"]
    history = engine.history("hello-app:1")
    assert history[0]["CreatedBy"] == '/bin/sh -c #(nop)  CMD ["node" "index.js"]'
    assert history[2]["CreatedBy"] == "/bin/sh -c npm install"
    assert history[3]["CreatedBy"].startswith("/bin/sh -c #(nop) COPY dir:")
    assert info["Config"]["Labels"] == {"course": "docker-k8s"}
    files = image_layers(engine.store, engine._image("hello-app:1")[1], info["Id"])
    app_files = {path for path in files if path.startswith("/app/")}
    assert {"/app/index.js", "/app/package.json", "/app/node_modules/greet"} <= app_files
    assert files["/app/node_modules/greet"][:3] == ("l", 0o777, b"../greet")
    assert "/app/Dockerfile.fast" not in app_files  # excluded by .dockerignore


def test_dependency_step_is_cached_only_with_package_json_first(
    engine: SandboxEngine, app: Path
) -> None:
    build(engine, app, tag="fast:1", dockerfile="Dockerfile.fast")
    build(engine, app, tag="slow:1", dockerfile="Dockerfile.slow")
    with (app / "index.js").open("a") as handle:
        handle.write("// a change\n")
    fast = cache_hits(build(engine, app, tag="fast:2", dockerfile="Dockerfile.fast"))
    slow = cache_hits(build(engine, app, tag="slow:2", dockerfile="Dockerfile.slow"))
    assert fast == {
        "FROM node:20-alpine": False,
        "WORKDIR /app": True,
        "COPY package*.json ./": True,
        "COPY greet ./greet": True,
        "RUN npm install": True,
        "COPY . .": False,
        'CMD ["node", "index.js"]': False,
    }
    assert slow == {
        "FROM node:20-alpine": False,
        "WORKDIR /app": True,
        "ADD . .": False,
        "RUN npm install": False,
        'CMD ["node", "index.js"]': False,
    }


def test_unchanged_rebuild_is_all_cache_and_same_id(engine: SandboxEngine, app: Path) -> None:
    build(engine, app, tag="a:1", dockerfile="Dockerfile.fast")
    first = engine.inspect_image("a:1")["Id"]
    (app / "index.js").touch()
    again = build(engine, app, tag="a:1", dockerfile="Dockerfile.fast")
    assert engine.inspect_image("a:1")["Id"] == first
    assert all(hit for step, hit in cache_hits(again).items() if not step.startswith("FROM"))
    fresh = build(engine, app, tag="a:1", dockerfile="Dockerfile.fast", nocache=True)
    assert not any(cache_hits(fresh).values())
    assert engine.inspect_image("a:1")["Id"] != first


def test_only_the_last_cmd_counts_and_entrypoint_resets_inherited_cmd(
    engine: SandboxEngine, tmp_path: Path
) -> None:
    (tmp_path / "Dockerfile").write_text(
        'FROM node:20-alpine\nCMD ["node", "a.js"]\nCMD ["node", "b.js"]\n'
    )
    build(engine, tmp_path, tag="two-cmds")
    assert engine.inspect_image("two-cmds")["Config"]["Cmd"] == ["node", "b.js"]
    (tmp_path / "Dockerfile").write_text('FROM node:20-alpine\nENTRYPOINT ["node"]\n')
    build(engine, tmp_path, tag="entry")
    config = engine.inspect_image("entry")["Config"]
    assert config["Entrypoint"] == ["node"] and config["Cmd"] is None


def test_labels_env_expose_and_buildargs(engine: SandboxEngine, tmp_path: Path) -> None:
    (tmp_path / "Dockerfile").write_text(
        "FROM alpine:3.20\nARG VERSION=1\nENV APP_VERSION=$VERSION\nEXPOSE 8080\n"
    )
    items = build(
        engine, tmp_path, tag="meta", buildargs={"VERSION": "2", "UNUSED": "x"}, labels={"z": "y z"}
    )
    assert "LABEL course" not in text(items)
    assert "Step 5/5 : LABEL z=y z\n" in text(items)
    assert "[Warning] One or more build-args [UNUSED] were not consumed\n" in text(items)
    config = engine.inspect_image("meta")["Config"]
    assert "APP_VERSION=2" in config["Env"]
    assert config["ExposedPorts"] == {"8080/tcp": {}}
    assert config["Labels"] == {"course": "docker-k8s", "z": "y z"}


def test_copy_of_several_files_needs_a_folder_destination(engine: SandboxEngine, app: Path) -> None:
    (app / "package-lock.json").write_text("{}")
    (app / "Dockerfile").write_text("FROM node:20-alpine\nWORKDIR /app\nCOPY package*.json .\n")
    items = build(engine, app, tag="x")
    assert items[-1]["error"] == (
        "When using COPY with more than one source file, "
        "the destination must be a directory and end with a /"
    )


@pytest.mark.parametrize(
    ("dockerfile", "error"),
    [
        (
            "FROM alpine:3.20\nCOPY missing.txt /x/\n",
            "COPY failed: file not found in build context or excluded by .dockerignore: "
            "stat missing.txt: file does not exist",
        ),
        (
            "FROM node:20-alpine\nWORKDIR /app\nRUN npm install\n",
            "The command '/bin/sh -c npm install' returned a non-zero code: 254",
        ),
        (
            "FROM nosuchimage:1\n",
            "pull access denied for nosuchimage, repository does not exist or may require "
            "'docker login': denied: requested access to the resource is denied",
        ),
    ],
)
def test_step_errors_end_the_stream(
    engine: SandboxEngine, tmp_path: Path, dockerfile: str, error: str
) -> None:
    (tmp_path / "Dockerfile").write_text(dockerfile)
    items = build(engine, tmp_path, tag="broken")
    assert items[-1]["error"] == error
    assert items[-1]["errorDetail"]["message"] == error


@pytest.mark.parametrize(
    ("dockerfile", "tag", "message"),
    [
        ("FROM alpine\nFOO bar\n", "x", "dockerfile parse error line 2: unknown instruction: FOO"),
        ("FROM alpine\n", "Website", "must be lowercase"),
    ],
)
def test_refusals_before_the_first_step(
    engine: SandboxEngine, tmp_path: Path, dockerfile: str, tag: str, message: str
) -> None:
    (tmp_path / "Dockerfile").write_text(dockerfile)
    with pytest.raises(InvalidArgument, match=message):
        engine.build(str(tmp_path), tag=tag)


def test_missing_dockerfile_is_the_clis_message(engine: SandboxEngine, tmp_path: Path) -> None:
    with pytest.raises(InvalidArgument) as caught:
        engine.build(str(tmp_path), tag="x")
    assert caught.value.explanation == (
        "unable to prepare context: unable to evaluate symlinks in Dockerfile path: "
        f"lstat {tmp_path}/Dockerfile: no such file or directory"
    )


def test_add_unpacks_local_archives_and_copy_does_not(
    engine: SandboxEngine, tmp_path: Path
) -> None:
    import tarfile

    (tmp_path / "site").mkdir()
    (tmp_path / "site" / "index.html").write_text("<h1>hi</h1>")
    with tarfile.open(tmp_path / "site.tar.gz", "w:gz") as archive:
        archive.add(tmp_path / "site", arcname="site")
    (tmp_path / "Dockerfile").write_text(
        "FROM alpine:3.20\nADD site.tar.gz /unpacked/\nCOPY site.tar.gz /copied/\n"
    )
    build(engine, tmp_path, tag="archives")
    image_id, doc = engine._image("archives")
    files = image_layers(engine.store, doc, image_id)
    assert "/unpacked/site/index.html" in files
    assert "/copied/site.tar.gz" in files and "/copied/site" not in files


def test_a_container_of_the_image_sees_the_copied_files(engine: SandboxEngine, app: Path) -> None:
    build(engine, app, tag="hello-app:1", dockerfile="Dockerfile.fast")
    created = engine.create_container("hello-app:1", command=["ls", "/app"])
    engine.start(created["Id"])
    assert engine.wait(created["Id"])["StatusCode"] == 0
    listed = b"".join(line for _, line in engine.logs(created["Id"])).decode().split()
    assert listed == ["greet", "index.js", "node_modules", "package-lock.json", "package.json"]
