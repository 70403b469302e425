"""State checks on both engines: containers, ports, mounts, images, HTTP, nothing left."""

from __future__ import annotations

import pytest

from grader import checks as check
from grader.checks import CheckFailed


def test_missing_container_lists_what_exists(lab):
    lab.run("other")
    with pytest.raises(CheckFailed) as failure:
        check.container(lab.name("website"))
    message = str(failure.value)
    assert f"there is no container named '{lab.name('website')}'" in message
    assert lab.name("other") in message
    assert "--name" in message


def test_running_container_with_its_port_passes(lab, capsys):
    port = lab.free_port()
    name = lab.run("web", ports={80: port}, web=True)
    info = check.container(name, running=True, ports={"80/tcp": [port]})
    assert info["Name"] == f"/{name}"
    assert f"publishes host port {port} -> 80/tcp" in capsys.readouterr().out


def test_wrong_container_port_is_explained(lab):
    port = lab.free_port()
    name = lab.run("web", ports={8000: port})
    with pytest.raises(CheckFailed) as failure:
        check.container(name, ports={80: port})
    message = str(failure.value)
    assert f"port {port} is mapped to 8000/tcp in the container" in message
    assert "the form is -p HOST:CONTAINER" in message


def test_swapped_ports_are_explained(lab):
    host, container = lab.free_port(), lab.free_port()
    name = lab.run("web", ports={host: container})
    with pytest.raises(CheckFailed, match="look swapped"):
        check.container(name, ports={container: host})


def test_published_but_stopped_asks_about_detach(lab):
    port = lab.free_port()
    name = lab.run("web", ports={80: port}, start=False)
    with pytest.raises(CheckFailed) as failure:
        check.container(name, running=True, ports={80: port})
    assert "but the container is not running" in str(failure.value)
    assert "did you use -d?" in str(failure.value)


def test_wrong_image_and_state(lab):
    name = lab.run("box", start=False)
    check.container(name, image="busybox", running=False, status="created")
    with pytest.raises(CheckFailed, match="created from busybox:latest, not hello-world"):
        check.container(name, image="hello-world")
    with pytest.raises(CheckFailed, match="not running"):
        check.container(name, running=True)


def test_removed_container(lab):
    with pytest.raises(CheckFailed, match="still exists"):
        check.container(lab.run("old"), exists=False)
    check.container(lab.name("gone"), exists=False)


def test_read_only_bind_mount_and_volumes_from(lab, tmp_path):
    site = tmp_path / "site"
    site.mkdir()
    target = "/usr/share/nginx/html"
    name = lab.run("web", binds=[f"{site}:{target}:ro"])
    entry = check.mount(name, target, read_only=True, source=str(site), type="bind")
    assert entry["RW"] is False
    with pytest.raises(CheckFailed, match="mounted read-only"):
        check.mount(name, target, read_only=False)
    with pytest.raises(CheckFailed, match="nothing is mounted at /data"):
        check.mount(name, "/data")
    copy = lab.run("copy", volumes_from=["web"])
    check.mount(copy, target, same_as=name)
    other = lab.run("other", binds=[f"{tmp_path}:{target}"])
    with pytest.raises(CheckFailed, match="do not share the data"):
        check.mount(other, target, same_as=name)


def test_image_tags(lab):
    ref = f"{lab.prefix}tagged:1.0.0"
    with pytest.raises(CheckFailed, match="there is no image"):
        check.image(ref)
    repository, tag = ref.split(":")
    lab.api.tag("busybox:latest", repository, tag)
    try:
        check.image(ref, same_as="busybox")
        with pytest.raises(CheckFailed, match="are different images"):
            check.image(ref, same_as="hello-world")
        with pytest.raises(CheckFailed, match="still exists"):
            check.image(ref, exists=False)
    finally:
        lab.api.remove_image(ref)
    check.image(ref, exists=False)


def test_http_reaches_the_published_port(lab):
    port = lab.free_port()
    lab.run("web", ports={80: port}, web=True)
    expected = "Welcome to nginx" if lab.kind == "sandbox" else "Hello from chk"
    assert expected in check.http(port, contains=expected)
    with pytest.raises(CheckFailed, match="does not contain 'Goodbye'"):
        check.http(port, contains="Goodbye")


def test_http_explains_a_stopped_container(lab):
    port = lab.free_port()
    lab.run("web", ports={80: port}, web=True, start=False)
    with pytest.raises(CheckFailed, match="did you use -d"):
        check.http(port, wait=0.5)


def test_http_with_nothing_published(lab):
    with pytest.raises(CheckFailed, match="no running container publishes"):
        check.http(lab.free_port(), wait=0.3)


def test_while_grading_http_waits_only_for_a_port_something_publishes(lab, monkeypatch):
    """Nothing outside the replay starts a container while grading: no published port, no wait."""
    from grader.checks import web

    monkeypatch.setenv("COURSE_GRADING", "1")
    naps: list[float] = []
    sleep = web.time.sleep
    monkeypatch.setattr(web.time, "sleep", lambda seconds: (naps.append(seconds), sleep(seconds)))
    with pytest.raises(CheckFailed, match="no running container publishes"):
        check.http(lab.free_port(), wait=60)
    assert naps == []
    port = lab.free_port()
    lab.run("web", ports={80: port}, web=True)
    expected = "Welcome to nginx" if lab.kind == "sandbox" else "Hello from chk"
    assert expected in check.http(port, contains=expected)


def test_show_prints_the_page_or_why_not(lab, capsys):
    from grader.checks.web import show

    port = lab.free_port()
    show(port)
    assert "no running container publishes" in capsys.readouterr().out
    lab.run("web", ports={80: port}, web=True)
    show(port)
    assert f"HTTP 200 from localhost:{port}/" in capsys.readouterr().out


def test_a_start_that_failed_shows_the_engines_error(lab):
    port = lab.free_port()
    lab.run("first", ports={80: port}, web=True)
    second = lab.run("second", ports={80: port}, web=True, start=False)
    with pytest.raises(Exception, match="already"):
        lab.api.start(second)
    with pytest.raises(CheckFailed) as failure:
        check.container(second, running=True, ports={80: port})
    assert f"{second} exists but could not start" in str(failure.value)
    assert "one container or program at a time" in str(failure.value)
