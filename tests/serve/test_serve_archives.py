"""``docker save``, ``load`` and ``import`` on the sandbox, in the course and on the socket.

The archive ``save`` writes must have Docker 28's layout (OCI index and blobs named by
their sha256, ``manifest.json``, ``repositories``), come back through ``load`` as the
same image, and load on a real daemon; a real daemon's archive must load in the sandbox
with the ID the real daemon gives it.
"""

from __future__ import annotations

import hashlib
import io
import json
import posixpath
import tarfile
import uuid
from pathlib import Path

import docker
import pytest

from grader import LABEL
from grader.dockercli import execute
from grader.engine import get_engine
from grader.engine.api import EngineAPI

DOCKERFILE = 'FROM busybox\nRUN echo hi > /hello.txt && rm /etc/passwd\nCMD ["cat", "/hello.txt"]\n'


@pytest.fixture
def engine(sandbox_dir: Path) -> EngineAPI:
    return get_engine("sandbox")


def run(engine: EngineAPI, cwd: Path, *argv: str) -> tuple[str, str, int]:
    out, err = io.StringIO(), io.StringIO()
    code = execute(list(argv), engine, stdout=out, stderr=err, cwd=str(cwd))
    return out.getvalue(), err.getvalue(), code


def build(engine: EngineAPI, folder: Path, tag: str) -> str:
    """Build :data:`DOCKERFILE` as ``tag`` in the sandbox; the image's ID."""
    (folder / "Dockerfile").write_text(DOCKERFILE)
    assert run(engine, folder, "build", "-q", "-t", tag, ".")[2] == 0
    return engine.inspect_image(tag)["Id"]


def members(data: bytes) -> dict[str, bytes]:
    with tarfile.open(fileobj=io.BytesIO(data)) as archive:
        return {
            m.name: archive.extractfile(m).read()  # type: ignore[union-attr]
            for m in archive
            if m.isfile()
        }


def test_save_writes_docker_28s_layout_with_honest_digests(engine, tmp_path: Path) -> None:
    image_id = build(engine, tmp_path, "app:1")
    assert run(engine, tmp_path, "save", "-o", "app.tar", "app:1") == ("", "", 0)
    files = members((tmp_path / "app.tar").read_bytes())
    assert {"index.json", "manifest.json", "oci-layout", "repositories"} < set(files)
    for name, data in files.items():
        if name.startswith("blobs/sha256/"):
            assert name == "blobs/sha256/" + hashlib.sha256(data).hexdigest()
    [entry] = json.loads(files["manifest.json"])
    assert entry["RepoTags"] == ["app:1"]
    config = json.loads(files[entry["Config"]])
    # one layer for the base, one for the RUN step (whose removal is a whiteout)
    assert len(entry["Layers"]) == len(config["rootfs"]["diff_ids"]) == 2
    with tarfile.open(fileobj=io.BytesIO(files[entry["Layers"][-1]])) as layer:
        assert sorted(layer.getnames()) == ["etc/.wh.passwd", "hello.txt"]
    assert config["config"]["Cmd"] == ["cat", "/hello.txt"]
    [manifest] = json.loads(files["index.json"])["manifests"]
    assert manifest["annotations"]["io.containerd.image.name"] == "docker.io/library/app:1"
    assert json.loads(files["repositories"]) == {"app": {"1": entry["Layers"][-1][13:]}}
    assert engine.inspect_image("app:1")["Id"] == image_id


def test_save_rmi_load_brings_the_same_image_back(engine, tmp_path: Path) -> None:
    image_id = build(engine, tmp_path, "app:1")
    built = engine.history("app:1")
    assert run(engine, tmp_path, "save", "-o", "app.tar", "app:1")[2] == 0
    assert run(engine, tmp_path, "rmi", "app:1")[2] == 0
    assert run(engine, tmp_path, "load", "-i", "app.tar") == ("Loaded image: app:1\n", "", 0)
    assert engine.inspect_image("app:1")["Id"] == image_id
    assert run(engine, tmp_path, "run", "--rm", "app:1") == ("hi\n", "", 0)
    assert run(engine, tmp_path, "run", "--rm", "app:1", "cat", "/etc/passwd")[2] != 0
    # as on a real daemon, a loaded image's lower steps have no image of their own
    assert engine.history("app:1") == built[:1] + [{**s, "Id": "<missing>"} for s in built[1:]]


def test_save_of_a_repository_takes_all_its_tags(engine, tmp_path: Path) -> None:
    build(engine, tmp_path, "app:1")
    assert run(engine, tmp_path, "tag", "app:1", "app:2")[2] == 0
    assert run(engine, tmp_path, "save", "-o", "app.tar", "app")[2] == 0
    [entry] = json.loads(members((tmp_path / "app.tar").read_bytes())["manifest.json"])
    assert entry["RepoTags"] == ["app:1", "app:2"]


def test_save_and_load_refusals(engine, tmp_path: Path) -> None:
    # dockerd's words (seen on the real engine): a missing tag, then a name looked up as an ID
    for name, said in (
        ("nosuch:1", "reference does not exist"),
        ("nosuch", "No such image: nosuch"),
    ):
        _, err, code = run(engine, tmp_path, "save", "-o", "x.tar", name)
        assert (err, code) == (f"Error response from daemon: {said}\n", 1)
    assert run(engine, tmp_path, "load", "-i", "x.tar") == (
        "",
        "open x.tar: no such file or directory\n",
        1,
    )


def test_a_bad_archive_fails_in_the_load_stream_as_on_dockerd(engine, tmp_path: Path) -> None:
    (tmp_path / "junk.tar").write_bytes(b"not an archive\n")
    assert run(engine, tmp_path, "load", "-i", "junk.tar") == (
        "",
        "Error processing tar file(exit status 1): unexpected EOF\n",
        1,
    )
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w") as archive:
        archive.addfile(tarfile.TarInfo("notes.txt"))
    (tmp_path / "plain.tar").write_bytes(buffer.getvalue())
    _, err, code = run(engine, tmp_path, "load", "-i", "plain.tar")
    assert code == 1 and err.startswith("open /var/lib/docker/tmp/docker-import-")
    assert err.endswith("/repositories: no such file or directory\n")


def test_import_makes_a_one_layer_image_with_its_changes(engine, tmp_path: Path) -> None:
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w") as archive:
        info = tarfile.TarInfo("hello.txt")
        info.size = 3
        archive.addfile(info, io.BytesIO(b"hi\n"))
    (tmp_path / "fs.tar").write_bytes(buffer.getvalue())
    out, err, code = run(
        engine, tmp_path, "import", "-c", 'CMD ["cat", "/hello.txt"]', "fs.tar", "flat:1"
    )
    assert (err, code) == ("", 0)
    image = engine.inspect_image("flat:1")
    assert out == image["Id"] + "\n"
    assert image["Config"]["Cmd"] == ["cat", "/hello.txt"]
    assert len(image["RootFS"]["Layers"]) == 1
    [step] = engine.history("flat:1")
    assert (step["Comment"], step["Size"]) == ("Imported from -", 3)


def test_an_archive_cannot_place_files_outside_the_images_root(engine) -> None:
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w") as archive:
        for name in ("../../outside.txt", "//twice.txt", "a/../../up.txt"):
            info = tarfile.TarInfo(name)
            info.size = 1
            archive.addfile(info, io.BytesIO(b"x"))
    engine.import_archive(buffer.getvalue(), repository="flat:1")
    out = io.StringIO()
    assert execute(["create", "--name", "box", "flat:1", "x"], engine, stdout=out, stderr=out) == 0
    data, _ = engine.get_archive("box", "/")
    with tarfile.open(fileobj=io.BytesIO(data)) as archive:
        files = {posixpath.normpath("/" + m.name) for m in archive if m.isfile()}
    assert files == {"/outside.txt", "/twice.txt", "/up.txt"}


def test_docker_py_saves_and_loads_through_the_socket(daemon: str) -> None:
    client = docker.DockerClient(base_url=daemon, version="auto")
    data = b"".join(client.images.get("busybox:latest").save(named=True))
    client.images.remove("busybox:latest")
    [loaded] = client.images.load(data)
    assert loaded.tags == ["busybox:latest"]


@pytest.mark.real_engine
def test_an_archive_of_the_sandbox_loads_on_a_real_daemon(
    engine, tmp_path: Path, real_docker_host: str
) -> None:
    tag = f"course-archive-{uuid.uuid4().hex[:8]}:1"
    build(engine, tmp_path, tag)
    real = docker.APIClient(base_url=real_docker_host, version="auto")
    list(real.load_image(engine.save_images([tag])))
    try:
        on_real = real.inspect_image(tag)
        steps = [(s["CreatedBy"], s["Comment"]) for s in real.history(tag)]
        assert steps == [(s["CreatedBy"], s["Comment"]) for s in engine.history(tag)]
        # the step the sandbox built has its size; its base's files are the sandbox's own
        assert real.history(tag)[1]["Size"] == engine.history(tag)[1]["Size"] == 3
        assert on_real["Config"]["Cmd"] == ["cat", "/hello.txt"]
    finally:
        real.remove_image(tag)


@pytest.mark.real_engine
def test_a_real_daemons_archive_loads_in_the_sandbox(engine, real_docker_host: str) -> None:
    real = docker.APIClient(base_url=real_docker_host, version="auto")
    key, _, value = LABEL.partition("=")
    tag = f"course-archive-{uuid.uuid4().hex[:8]}:1"
    source = io.BytesIO(b'FROM busybox\nRUN echo hi > /hello.txt\nCMD ["cat", "/hello.txt"]\n')
    list(real.build(fileobj=source, tag=tag, labels={key: value}, rm=True, decode=True))
    try:
        data = b"".join(real.get_image(tag))
        real_id = real.inspect_image(tag)["Id"]
    finally:
        real.remove_image(tag)
    assert list(engine.load_image(data)) == [{"stream": f"Loaded image: {tag}\n"}]
    assert engine.inspect_image(tag)["Id"] == real_id
    out = io.StringIO()
    assert execute(["run", "--rm", tag], engine, stdout=out, stderr=out) == 0
    assert out.getvalue() == "hi\n"


@pytest.mark.real_engine
def test_import_and_save_agree_on_both_engines(engine, real_engine, tmp_path: Path) -> None:
    """The course's import and save, on the sandbox and through the real backend."""
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w") as archive:
        info = tarfile.TarInfo("hello.txt")
        info.size = 3
        archive.addfile(info, io.BytesIO(b"hi\n"))
    (tmp_path / "fs.tar").write_bytes(buffer.getvalue())
    tag = f"course-import-{uuid.uuid4().hex[:8]}:1"
    seen = {}
    for name, on in (("sandbox", engine), ("real", real_engine)):
        line = ["import", "-m", "hand made", "-c", 'CMD ["cat", "/hello.txt"]', "fs.tar", tag]
        out, err, code = run(on, tmp_path, *line)
        try:
            assert (err, code) == ("", 0)
            image = on.inspect_image(tag)
            assert out == image["Id"] + "\n"
            assert run(on, tmp_path, "save", "-o", f"{name}.tar", tag)[2] == 0
            [entry] = json.loads(members((tmp_path / f"{name}.tar").read_bytes())["manifest.json"])
            [step] = on.history(tag)
            seen[name] = (
                image["Config"]["Cmd"],
                image["Comment"],
                len(image["RootFS"]["Layers"]),
                (step["Comment"], step["Size"]),
                entry["RepoTags"],
            )
        finally:
            if name == "real":
                real_engine.remove_image(tag)
    assert (
        seen["sandbox"]
        == seen["real"]
        == (
            ["cat", "/hello.txt"],
            "hand made",
            1,
            ("hand made", 3),
            [tag],
        )
    )
