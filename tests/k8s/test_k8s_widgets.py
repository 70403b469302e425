"""The Kubernetes widgets' model state, driven without a frontend."""

from __future__ import annotations

import pytest

from grader.k8s.kubectl import run
from grader.widgets.k8s_cluster import ClusterDiagram, RequestFlow


@pytest.fixture
def deployed(sandbox_dir):
    assert run(["create", "deployment", "web", "--image=nginx:1.27", "--replicas=2"]).code == 0
    assert run(["expose", "deployment", "web", "--port=80"]).code == 0
    return sandbox_dir


def pods_of(diagram):
    return [p for n in diagram.nodes for p in n["pods"]]


def test_diagram_shows_nodes_components_pods_and_services(deployed):
    diagram = ClusterDiagram()
    roles = [(n["name"], n["role"]) for n in diagram.nodes]
    assert roles == [
        ("control-plane-1", "control-plane"),
        ("worker-1", "worker"),
        ("worker-2", "worker"),
    ]
    assert "etcd" in diagram.nodes[0]["components"] and "kubelet" in diagram.nodes[1]["components"]
    assert diagram.nodes[0]["pods"] == []  # system pods are drawn as components, not pods
    assert len(pods_of(diagram)) == 2
    web = next(s for s in diagram.services if s["name"] == "web")
    assert sorted(web["endpoints"]) == sorted(p["ip"] for p in pods_of(diagram))
    assert diagram.etcd == {"members": 1, "alive": 1, "quorum": 1, "has_quorum": True}
    assert "worker worker-1 (up): web-" in diagram.description
    assert repr(diagram) == diagram.description


def test_delete_button_gives_a_new_pod_and_the_service_keeps_its_ip(deployed):
    diagram = ClusterDiagram()
    ip = next(s for s in diagram.services if s["name"] == "web")["cluster_ip"]
    victim = pods_of(diagram)[0]
    diagram._handle_message(diagram, {"type": "delete_pod", "name": victim["name"]}, [])
    assert diagram.message == f"pod {victim['name']} deleted"
    now = pods_of(diagram)
    assert len(now) == 2
    assert victim["name"] not in {p["name"] for p in now}
    assert victim["ip"] not in {p["ip"] for p in now}
    web = next(s for s in diagram.services if s["name"] == "web")
    assert web["cluster_ip"] == ip and sorted(web["endpoints"]) == sorted(p["ip"] for p in now)
    # and the kubectl in a terminal sees the same cluster
    assert victim["name"] not in run(["get", "pods"]).stdout


def test_crash_button_restarts_the_container_in_the_same_pod(deployed):
    diagram = ClusterDiagram()
    victim = pods_of(diagram)[0]
    diagram._handle_message(diagram, {"type": "crash_pod", "name": victim["name"]}, [])
    diagram._handle_message(diagram, {"type": "wait", "seconds": 5}, [])
    again = next(p for p in pods_of(diagram) if p["name"] == victim["name"])
    assert (again["ip"], again["restarts"], again["status"]) == (victim["ip"], 1, "Running")
    assert f"{victim['name']} ({victim['ip']}, Running, 1 restarts)" in diagram.description


def test_stopping_and_draining_workers(deployed):
    diagram = ClusterDiagram()
    before = {p["name"] for p in diagram.nodes[1]["pods"]}
    diagram.stop_node("worker-1")
    assert diagram.nodes[1]["up"] is False and diagram.nodes[1]["ready"] is True
    diagram.wait(45)
    assert diagram.nodes[1]["ready"] is False and "DOWN, NotReady" in diagram.description
    assert {p["name"] for p in diagram.nodes[1]["pods"]} == before  # not evicted yet
    diagram.wait(300)
    assert {p["status"] for p in diagram.nodes[1]["pods"]} <= {"Terminating"}
    assert len([p for p in diagram.nodes[2]["pods"] if p["status"] == "Running"]) == 2
    diagram.start_node("worker-1")
    assert diagram.nodes[1]["pods"] == []
    diagram.drain("worker-2")
    assert diagram.nodes[2]["schedulable"] is False and diagram.nodes[2]["pods"] == []
    assert len(diagram.nodes[1]["pods"]) == 2
    diagram.uncordon("worker-2")
    assert diagram.nodes[2]["schedulable"] is True


def test_losing_control_plane_nodes_and_quorum(deployed):
    diagram = ClusterDiagram()
    diagram.stop_node("control-plane-1")
    assert diagram.etcd["has_quorum"] is False and "LOST quorum" in diagram.description
    victim = pods_of(diagram)[0]["name"]
    diagram.delete_pod(victim)
    assert diagram.message.startswith("The connection to the server 192.168.56.10:6443 was refused")
    assert victim in {p["name"] for p in pods_of(diagram)}
    diagram.rebuild(3)
    assert diagram.etcd == {"members": 3, "alive": 3, "quorum": 2, "has_quorum": True}
    diagram.stop_node("control-plane-1")
    assert diagram.etcd["has_quorum"] is True
    diagram.stop_node("control-plane-2")
    assert diagram.etcd["has_quorum"] is False
    diagram.drain("worker-1")
    assert diagram.message == "Error from server: etcdserver: request timed out"


def test_snapshot_buttons_restore_the_state(deployed):
    diagram = ClusterDiagram()
    diagram.restore()
    assert diagram.message == "take a snapshot first"
    diagram.snapshot()
    assert run(["delete", "deployment", "web"]).code == 0
    diagram.refresh()
    assert pods_of(diagram) == []
    diagram._handle_message(diagram, {"type": "restore"}, [])
    assert len(pods_of(diagram)) == 2 and diagram.message == "etcd snapshot restored"


def test_request_flow_follows_ingress_service_pod(deployed):
    rule = "--rule=my-app.com/*=web:80"
    assert run(["create", "ingress", "site", "--class=nginx", rule]).code == 0
    flow = RequestFlow(host="my-app.com", path="/shop")
    assert flow.hops["ingress"] == "site" and flow.hops["service"] == "web"
    assert flow.hops["pod"].startswith("web-") and flow.hops["error"] is None
    first = flow.hops["pod"]
    flow._handle_message(flow, {"type": "send", "host": "my-app.com", "path": "/"}, [])
    assert flow.hops["pod"] != first  # the Service spreads requests over its pods
    assert flow.description.startswith("Request to http://my-app.com/: Ingress site -> Service web")
    flow._handle_message(flow, {"type": "send", "host": "elsewhere.org", "path": "/"}, [])
    assert "no Ingress rule matches" in flow.hops["error"] and flow.hops["pod"] is None


def test_widgets_carry_the_course_styles_and_their_own(sandbox_dir):
    for widget in (ClusterDiagram(), RequestFlow()):
        assert ".cw-sr" in widget._css  # screen-reader-only text stays hidden
        assert ".k8s-node" in widget._css


def test_a_button_in_the_diagram_refreshes_the_request_flow(deployed):
    run(["create", "ingress", "site", "--class=nginx", "--rule=my-app.com/*=web:80"])
    diagram, flow = ClusterDiagram(), RequestFlow()
    diagram.stop_node("worker-1")
    diagram.stop_node("worker-2")
    diagram.wait(45)  # NotReady: their pods stop being ready endpoints
    assert "no ready endpoints" in flow.hops["error"]
