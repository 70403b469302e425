"""httpGet probes on a student's own nginx image: answered from the pages the image holds."""

from __future__ import annotations

import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from clusterclock import SimClock

from grader.engine.sandbox import SandboxEngine
from grader.k8s import controllers, pages
from grader.k8s.cluster import Cluster

REF = "127.0.0.1:5000/board-api:1"
NGINX_SITE = (
    "FROM nginx:1.27\n"
    "COPY notices.json /usr/share/nginx/html/api/notices.json\n"
    "RUN mkdir /usr/share/nginx/html/empty\n"
)


@pytest.fixture
def engine(sandbox_dir: Path) -> Iterator[SandboxEngine]:
    pages._served.cache_clear()  # what an earlier test's process read of the same image
    yield SandboxEngine(sandbox_dir)
    pages._served.cache_clear()


def pushed(engine: SandboxEngine, context: Path, dockerfile: str, ref: str = REF) -> None:
    """Build ``dockerfile`` as ``ref`` and push it to the course registry (the notebook's flow)."""
    context.mkdir()
    (context / "Dockerfile").write_text(dockerfile)
    (context / "notices.json").write_text("[]\n")
    (context / "server.js").write_text("require('http').createServer().listen(80)\n")
    built = list(engine.build(str(context), tag=ref, version="2"))
    assert not [item for item in built if "error" in item], built
    repository, _, tag = ref.rpartition(":")
    assert not [item for item in engine.push(repository, tag) if "error" in item]


def pod(name: str, path: str, image: str = REF) -> dict:
    container = {
        "name": "api",
        "image": image,
        "ports": [{"containerPort": 80}],
        "readinessProbe": {"httpGet": {"path": path, "port": 80}},
    }
    return {
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": {"name": name},
        "spec": {"containers": [container]},
    }


def ready_at(cluster: Cluster, sim_clock: SimClock, seconds: float, name: str) -> bool:
    sim_clock.move_to(seconds)
    controllers.reconcile(cluster)
    found = cluster.get("Pod", "default", name)
    return bool(found["status"]["containerStatuses"][0]["ready"])


def unhealthy(cluster: Cluster, name: str) -> list[str]:
    return [
        event["message"]
        for event in cluster.list("Event", "default")
        if event["reason"] == "Unhealthy" and event["involvedObject"]["name"] == name
    ]


def test_a_page_the_image_serves_is_ready_and_one_it_lacks_is_a_404(
    engine, cluster, sim_clock, tmp_path
) -> None:
    pushed(engine, tmp_path / "api", NGINX_SITE)
    probes = {
        "file": "/api/notices.json",
        "query": "/api/notices.json?fresh=1",
        "base": "/index.html",
        "root": "/",
        "missing": "/healthz",
        "indexless": "/empty/",
    }
    for name, path in probes.items():
        cluster.apply(pod(name, path))
    ready_at(cluster, sim_clock, 0, "file")
    assert {name: ready_at(cluster, sim_clock, 30, name) for name in probes} == {
        "file": True,
        "query": True,
        "base": True,
        "root": True,
        "missing": False,
        "indexless": False,
    }
    assert unhealthy(cluster, "missing") == [
        "Readiness probe failed: HTTP probe failed with statuscode: 404"
    ]
    assert unhealthy(cluster, "indexless") == [  # nginx forbids a directory without index
        "Readiness probe failed: HTTP probe failed with statuscode: 403"
    ]
    assert not unhealthy(cluster, "query")


def test_the_registry_s_other_name_reads_the_same_image(
    engine, cluster, sim_clock, tmp_path
) -> None:
    pushed(engine, tmp_path / "api", NGINX_SITE)
    cluster.apply(pod("other", "/healthz", image="localhost:5000/board-api:1"))
    ready_at(cluster, sim_clock, 0, "other")
    assert not ready_at(cluster, sim_clock, 30, "other")
    assert unhealthy(cluster, "other") == [
        "Readiness probe failed: HTTP probe failed with statuscode: 404"
    ]


@pytest.mark.parametrize(
    "dockerfile",
    [
        'FROM node:20\nCOPY server.js /srv/\nCMD ["node", "/srv/server.js"]\n',
        "FROM nginx:1.27\n"
        "RUN echo 'server { listen 80; location / { return 200; } }' "
        "> /etc/nginx/conf.d/default.conf\n",
    ],
    ids=["node-app", "own-nginx-config"],
)
def test_an_image_the_simulator_cannot_judge_answers_every_path(
    engine, cluster, sim_clock, tmp_path, dockerfile
) -> None:
    pushed(engine, tmp_path / "app", dockerfile)
    cluster.apply(pod("app", "/healthz"))
    ready_at(cluster, sim_clock, 0, "app")
    assert ready_at(cluster, sim_clock, 30, "app")
    assert not unhealthy(cluster, "app")


def test_an_image_the_engine_does_not_know_answers_every_path(engine, cluster, sim_clock) -> None:
    """Pushed, then the local tag removed: the kubelet pulls it, the grader cannot read it."""
    list(engine.pull("nginx", "1.27"))
    engine.tag("nginx:1.27", "127.0.0.1:5000/board-api", "1")
    list(engine.push("127.0.0.1:5000/board-api", "1"))
    engine.remove_image(REF)
    cluster.apply(pod("gone", "/healthz"))
    ready_at(cluster, sim_clock, 0, "gone")
    assert ready_at(cluster, sim_clock, 30, "gone")


def test_the_image_is_read_once_for_many_probes_and_the_engine_is_left_as_it_was(
    engine, cluster, sim_clock, tmp_path, monkeypatch
) -> None:
    pushed(engine, tmp_path / "api", NGINX_SITE)
    before = (engine.containers(all=True), engine.images())
    reads: list[list[str]] = []
    save = SandboxEngine.save_images

    def counted(self: SandboxEngine, names: list[str]) -> bytes:
        reads.append(names)
        return save(self, names)

    monkeypatch.setattr(SandboxEngine, "save_images", counted)
    for name in ("one", "two", "three"):
        cluster.apply(pod(name, "/healthz" if name == "two" else "/api/notices.json"))
    for seconds in range(0, 600, 10):
        ready_at(cluster, sim_clock, seconds, "one")
    assert ready_at(cluster, sim_clock, 600, "one") and not ready_at(cluster, sim_clock, 600, "two")
    assert len(reads) == 1
    assert (engine.containers(all=True), engine.images()) == before


# -- the same pages for curl in the cluster and kubectl port-forward ------------------------

WEBSITE = "<h1>My own website</h1>\n"


def test_curl_to_the_service_answers_the_students_own_website(engine, tmp_path) -> None:
    """Notebook 07: the Service in front of ``website:1`` serves notebook 03's page."""
    from grader.k8s.kubectl import run

    site = tmp_path / "website"
    site.mkdir()
    (site / "index.html").write_text(WEBSITE)
    (site / "Dockerfile").write_text(
        "FROM nginx:1.27\nCOPY index.html /usr/share/nginx/html/index.html\n"
        "RUN mkdir /usr/share/nginx/html/docs\n"
    )
    built = list(engine.build(str(site), tag="website:1", version="2"))
    assert not [item for item in built if "error" in item], built
    assert run(["create", "deployment", "website", "--image=website:1", "--port=80"]).code == 0
    assert run(["expose", "deployment", "website", "--port=80"]).code == 0

    def curl(*words: str) -> str:
        result = run(["exec", "deploy/website", "--", "curl", "-s", *words])
        assert result.code == 0, result.stderr
        return result.stdout

    assert curl("http://website") == WEBSITE
    shown = run(["exec", "deploy/website", "--", "cat", "/usr/share/nginx/html/index.html"])
    assert shown.stdout == WEBSITE  # the pod's files agree with its pages
    assert "<h1>404 Not Found</h1>" in curl("http://website/about.html")
    assert "<h1>403 Forbidden</h1>" in curl("http://website/docs/")
    moved = curl("-i", "http://website/docs")
    assert moved.startswith("HTTP/1.1 301 Moved Permanently\r\n"), moved
    assert "\r\nLocation: http://website/docs/\r\n" in moved  # the name curl asked for
    logs = run(["logs", "deploy/website"]).stdout
    assert '"GET / HTTP/1.1" 200' in logs and '"GET /about.html HTTP/1.1" 404' in logs


def test_port_forward_answers_the_pushed_images_pages(engine, tmp_path, free_port) -> None:
    from grader.k8s import portforward
    from grader.k8s.kubectl import run

    pushed(engine, tmp_path / "api", NGINX_SITE)
    assert run(["run", "api", f"--image={REF}", "--port=80"]).code == 0
    port = free_port()
    try:
        assert run(["port-forward", "pod/api", f"{port}:80"]).code == 0
        with urllib.request.urlopen(
            f"http://127.0.0.1:{port}/api/notices.json", timeout=10
        ) as answer:
            assert (answer.status, answer.read()) == (200, b"[]\n")
            assert answer.headers["Content-Type"] == "application/json"
            assert answer.headers["Server"] == "nginx/1.27.5"
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/empty/", timeout=10)
        assert refused.value.code == 403
    finally:
        portforward.stop_all()


def test_a_table_kept_before_pages_were_kept_is_read_again(
    engine, cluster, sim_clock, tmp_path
) -> None:
    """A cluster state saved by an earlier release holds each image's statuses, no pages."""
    pushed(engine, tmp_path / "api", NGINX_SITE)
    cluster.apply(pod("api", "/api/notices.json"))
    assert ready_at(cluster, sim_clock, 30, "api")
    for table in cluster.state["kubelet"]["pages"].values():
        del table["site"], table["version"]
    pages._served.cache_clear()
    found = cluster.get("Pod", "default", "api")
    served = pages.site(cluster, found, found["spec"]["containers"][0])
    assert served is not None and served[0].read(f"{pages.DOCUMENT_ROOT}/api/notices.json")
