"""Readiness and liveness probes: who gets traffic, who gets restarted, and what describe says."""

from __future__ import annotations

import re

import yaml
from clusterclock import SimClock

from grader.k8s import controllers
from grader.k8s.cluster import Cluster
from grader.k8s.describe import describe
from grader.k8s.printers import pod_status


def web_pod(name: str = "web", image: str = "nginx:1.27", **probes) -> dict:
    container = {"name": "web", "image": image, "ports": [{"containerPort": 80}], **probes}
    return {
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": {"name": name, "labels": {"app": "web"}},
        "spec": {"containers": [container]},
    }


SERVICE = {
    "apiVersion": "v1",
    "kind": "Service",
    "metadata": {"name": "web"},
    "spec": {"selector": {"app": "web"}, "ports": [{"port": 80, "targetPort": 80}]},
}


def at(cluster: Cluster, sim_clock: SimClock, seconds: float, name: str = "web") -> dict:
    sim_clock.move_to(seconds)
    controllers.reconcile(cluster)
    return cluster.get("Pod", "default", name)


def status(pod: dict) -> dict:
    return pod["status"]["containerStatuses"][0]


def endpoint_ips(cluster: Cluster) -> list[str]:
    endpoints = cluster.get("Endpoints", "default", "web")
    return [a["ip"] for s in endpoints.get("subsets", []) for a in s["addresses"]]


def http(path: str, port: int | str = 80, **timing) -> dict:
    return {"httpGet": {"path": path, "port": port}, **timing}


def test_a_passing_readiness_probe_waits_for_its_initial_delay(cluster, sim_clock) -> None:
    cluster.apply(SERVICE)
    cluster.apply(web_pod(readinessProbe=http("/", initialDelaySeconds=5)))
    at(cluster, sim_clock, 0)  # the kubelet starts the container
    early = at(cluster, sim_clock, 2)
    assert (pod_status(early), status(early)["ready"]) == ("Running", False)
    assert endpoint_ips(cluster) == []
    later = at(cluster, sim_clock, 6)
    assert status(later)["ready"]
    assert endpoint_ips(cluster) == [later["status"]["podIP"]]


def test_a_failing_readiness_probe_keeps_the_pod_out_of_the_service_without_restarts(
    cluster, sim_clock
) -> None:
    cluster.apply(SERVICE)
    cluster.apply(web_pod(readinessProbe=http("/healthz")))
    cluster.apply(web_pod("good"))
    pod = at(cluster, sim_clock, 600)
    assert (status(pod)["ready"], status(pod)["restartCount"]) == (False, 0)
    good = cluster.get("Pod", "default", "good")
    assert endpoint_ips(cluster) == [good["status"]["podIP"]]
    page = describe(pod, cluster.now(), {"failing": {"web": [("Readiness", "x")]}})
    assert re.search(
        r"\n    Readiness: +http-get http://:80/healthz delay=0s timeout=1s period=10s "
        r"#success=1 #failure=3\n",
        page,
    )


def test_a_failing_liveness_probe_restarts_the_container_in_the_same_pod(
    cluster, sim_clock
) -> None:
    cluster.apply(web_pod(livenessProbe=http("/healthz", periodSeconds=5, failureThreshold=2)))
    first = at(cluster, sim_clock, 1)
    ip, uid = first["status"]["podIP"], first["metadata"]["uid"]
    assert status(first)["restartCount"] == 0
    restarted = at(
        cluster, sim_clock, 8
    )  # stopped after 5 s (2 failures, 5 s apart), started 1 s later
    assert status(restarted)["restartCount"] == 1
    # nginx stops cleanly on the kubelet's SIGTERM
    assert status(restarted)["lastState"]["terminated"]["exitCode"] == 0
    assert (restarted["status"]["podIP"], restarted["metadata"]["uid"]) == (ip, uid)
    later = at(cluster, sim_clock, 600)
    assert pod_status(later) == "CrashLoopBackOff"


def test_a_process_that_ignores_sigterm_is_killed_after_the_grace_period(
    cluster, sim_clock
) -> None:
    probe = {"exec": {"command": ["cat", "/tmp/healthy"]}}
    pod = web_pod(image="busybox:1.37", livenessProbe=probe)
    pod["spec"]["containers"][0]["command"] = ["sleep", "3600"]
    pod["spec"]["terminationGracePeriodSeconds"] = 10
    cluster.apply(pod)
    at(cluster, sim_clock, 0)  # the kubelet starts the container
    assert status(at(cluster, sim_clock, 25))["restartCount"] == 0  # 20 s of failures + 10 s grace
    restarted = at(cluster, sim_clock, 32)
    assert status(restarted)["restartCount"] == 1
    assert status(restarted)["lastState"]["terminated"]["exitCode"] == 137


def test_probe_failures_are_events_in_the_kubelets_words(cluster, sim_clock) -> None:
    cluster.apply(
        web_pod(readinessProbe=http("/healthz"), livenessProbe={"tcpSocket": {"port": 8080}})
    )
    at(cluster, sim_clock, 3)
    messages = [event["message"] for event in cluster.list("Event", "default")]
    assert "Readiness probe failed: HTTP probe failed with statuscode: 404" in messages
    assert any(
        m.startswith("Liveness probe failed: dial tcp ")
        and m.endswith(":8080: connect: connection refused")
        for m in messages
    )
    assert "Container web failed liveness probe, will be restarted" in messages


def test_a_named_port_and_a_known_page_pass(cluster, sim_clock) -> None:
    pod = web_pod(readinessProbe=http("/index.html", port="http"))
    pod["spec"]["containers"][0]["ports"] = [{"name": "http", "containerPort": 80}]
    cluster.apply(pod)
    assert status(at(cluster, sim_clock, 1))["ready"]
    assert cluster.list("Event", "default") and not [
        e for e in cluster.list("Event", "default") if e["reason"] == "Unhealthy"
    ]


def test_kubectl_shows_a_wrong_readiness_path(sandbox_dir) -> None:
    """What a student sees: 0/1 READY, an empty Service, and describe naming the 404."""
    from grader.k8s.kubectl import run

    manifest = yaml.safe_dump_all([web_pod(readinessProbe=http("/healthz")), SERVICE])
    assert run(["apply", "-f", "-"], stdin=manifest).code == 0
    listed = run(["get", "pods"]).stdout.splitlines()
    assert listed[1].split()[:3] == ["web", "0/1", "Running"]
    assert run(["get", "endpoints", "web"]).stdout.splitlines()[1].split()[1] == "<none>"
    page = run(["describe", "pod", "web"]).stdout
    assert "Readiness probe failed: HTTP probe failed with statuscode: 404" in page
