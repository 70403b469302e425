"""``kubectl describe node``: quantities as apimachinery prints them, pods and their reservations.

Expected figures are worked out by hand from kubectl 1.32's rules (``describeNodeResource``:
percentages of the node's allocatable, truncated; sums in the first term's format), not read
back from the simulator.
"""

from __future__ import annotations

import pytest
from clusterclock import START

from grader.k8s import controllers, quantity
from grader.k8s.cluster import Cluster, new_state
from grader.k8s.describe import describe


@pytest.mark.parametrize(
    ("written", "printed"),
    [
        ("250m", "250m"),
        ("0.5", "500m"),
        ("2000m", "2"),
        ("1500m", "1500m"),
        ("0.1", "100m"),
        ("1000", "1k"),
        ("64Mi", "64Mi"),
        ("1.5Gi", "1536Mi"),
        ("0.5Ki", "512"),
        ("1000Ki", "1000Ki"),
        ("128M", "128M"),
        ("1e3", "1e3"),
        ("0", "0"),
    ],
)
def test_a_quantity_prints_in_its_canonical_form(written, printed) -> None:
    assert quantity.text(quantity.parse(written)) == printed


@pytest.mark.parametrize(
    ("terms", "printed"),
    [
        (["500m", "0.5"], "1"),
        (["64Mi", "64Mi"], "128Mi"),
        (["28Mi", "100M"], "129360128"),  # binary first, but not a whole number of KiB
        (["100M", "28Mi"], "129360128"),
        (["1Gi", "100Mi"], "1124Mi"),
    ],
)
def test_a_sum_keeps_the_first_terms_format(terms, printed) -> None:
    assert quantity.text(quantity.total([quantity.parse(t) for t in terms])) == printed


def test_text_that_is_no_quantity_is_refused() -> None:
    with pytest.raises(ValueError):
        quantity.parse("lots")


def _pod(name: str, resources: dict, node: str = "worker-1", **container) -> dict:
    return {
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": {"name": name, "namespace": "default"},
        "spec": {
            "nodeName": node,
            "restartPolicy": "Never",
            "containers": [
                {"name": "app", "image": "nginx:1.27", "resources": resources, **container}
            ],
        },
    }


@pytest.fixture
def cluster(sim_clock) -> Cluster:
    cluster = Cluster(new_state(1, 2, now=START), now=sim_clock)
    cluster.apply(_pod("api", {"requests": {"cpu": "250m", "memory": "64Mi"}}))
    cluster.apply(_pod("cache", {"limits": {"cpu": "1", "memory": "256Mi"}}))
    cluster.apply(_pod("elsewhere", {"requests": {"cpu": "1"}}, node="worker-2"))
    sim_clock.move_to(90)
    controllers.reconcile(cluster)
    return cluster


def _page(cluster: Cluster, node: str) -> str:
    """``kubectl describe node NODE``: the page for the node and the pods bound to it."""
    pods = [p for p in cluster.list("Pod", None) if p["spec"].get("nodeName") == node]
    return describe(cluster.get("Node", None, node), cluster.now(), {"pods": pods})


def test_a_limit_without_a_request_is_also_the_request(cluster) -> None:
    cache = cluster.get("Pod", "default", "cache")
    assert cache["spec"]["containers"][0]["resources"]["requests"] == {
        "cpu": "1",
        "memory": "256Mi",
    }


def test_each_pod_on_the_node_shows_its_requests_and_limits(cluster) -> None:
    lines = _page(cluster, "worker-1").splitlines()
    start = lines.index(next(line for line in lines if line.startswith("Non-terminated Pods:")))
    assert lines[start].split() == ["Non-terminated", "Pods:", "(3", "in", "total)"]
    rows = {line.split()[1]: line.split()[2:] for line in lines[start + 3 : start + 6]}
    assert rows["api"] == ["250m", "(12%)", "0", "(0%)", "64Mi", "(1%)", "0", "(0%)", "90s"]
    assert rows["cache"] == ["1", "(50%)", "1", "(50%)", "256Mi", "(6%)", "256Mi", "(6%)", "90s"]
    assert any(name.startswith("kube-proxy-") for name in rows)
    assert "elsewhere" not in "\n".join(lines)


def test_allocated_resources_sum_what_the_pods_reserve(cluster) -> None:
    page = _page(cluster, "worker-1")
    allocated = page.split("Allocated resources:\n", 1)[1].splitlines()
    assert allocated[0] == "  (Total limits may be over 100 percent, i.e., overcommitted.)"
    table = [line.split() for line in allocated[1:8]]
    assert table == [
        ["Resource", "Requests", "Limits"],
        ["--------", "--------", "------"],
        ["cpu", "1250m", "(62%)", "1", "(50%)"],
        ["memory", "320Mi", "(7%)", "256Mi", "(6%)"],
        ["ephemeral-storage", "0", "(0%)", "0", "(0%)"],
        ["hugepages-1Gi", "0", "(0%)", "0", "(0%)"],
        ["hugepages-2Mi", "0", "(0%)", "0", "(0%)"],
    ]
    assert allocated[8] == "Events:              <none>"


def test_the_page_is_laid_out_as_kubectl_lays_it_out(cluster) -> None:
    page = _page(cluster, "worker-1")
    assert page.startswith("Name:               worker-1\nRoles:              <none>\n")
    assert "\nLease:\n  HolderIdentity:  worker-1\n  AcquireTime:     <unset>\n" in page
    assert "\nCapacity:\n  cpu:                2\n  ephemeral-storage:" in page
    assert "\n  Kube-Proxy Version:         v1.32.4\nPodCIDR:                      10.244." in page
    conditions = [line.split()[:2] for line in page.split("Conditions:\n", 1)[1].splitlines()[2:6]]
    assert conditions == [
        ["MemoryPressure", "False"],
        ["DiskPressure", "False"],
        ["PIDPressure", "False"],
        ["Ready", "True"],
    ]


def test_finished_pods_are_not_counted(cluster, sim_clock) -> None:
    cluster.apply(_pod("job", {"requests": {"cpu": "500m"}}, command=["true"]))
    controllers.reconcile(cluster)
    assert "(4 in total)" in _page(cluster, "worker-1")
    sim_clock.move_to(600)
    controllers.reconcile(cluster)
    assert cluster.get("Pod", "default", "job")["status"]["phase"] == "Succeeded"
    assert "(3 in total)" in _page(cluster, "worker-1")
