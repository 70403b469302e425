"""The cluster simulator: controllers, scheduling, Services, quorum, snapshots, persistence."""

from __future__ import annotations

import copy
import re

import pytest
from clusterclock import START

from grader.k8s import controllers
from grader.k8s.cluster import Cluster, ClusterError, new_state
from grader.k8s.describe import describe


def deployment(name="web", replicas=2, image="nginx:1.27", labels=None, **container):
    labels = labels or {"app": name}
    return {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {"name": name},
        "spec": {
            "replicas": replicas,
            "selector": {"matchLabels": dict(labels)},
            "template": {
                "metadata": {"labels": dict(labels)},
                "spec": {"containers": [{"name": name, "image": image, **container}]},
            },
        },
    }


def service(name="web", selector=None, port=80, target=80, kind="ClusterIP"):
    return {
        "apiVersion": "v1",
        "kind": "Service",
        "metadata": {"name": name},
        "spec": {
            "type": kind,
            "selector": selector or {"app": name},
            "ports": [{"port": port, "targetPort": target}],
        },
    }


def bare_pod(name="lonely"):
    return {
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": {"name": name, "labels": {"run": name}},
        "spec": {"containers": [{"name": name, "image": "nginx:1.27"}]},
    }


def make(control_planes=1, workers=2) -> Cluster:
    return Cluster(new_state(control_planes, workers, now=START), now=lambda: START)


def step(cluster: Cluster) -> None:
    controllers.reconcile(cluster)


def app_pods(cluster: Cluster, ns="default"):
    return cluster.list("Pod", ns)


def test_a_deployment_gets_running_pods_with_pod_network_ips():
    cluster = make()
    assert cluster.apply(deployment(replicas=3)) == "created"
    step(cluster)
    pods = app_pods(cluster)
    assert len(pods) == 3
    assert all(p["status"]["phase"] == "Running" for p in pods)
    assert all(p["status"]["podIP"].startswith("10.244.") for p in pods)
    assert len({p["status"]["podIP"] for p in pods}) == 3
    rs = cluster.list("ReplicaSet")[0]
    assert all(p["metadata"]["ownerReferences"][0]["uid"] == rs["metadata"]["uid"] for p in pods)
    assert cluster.get("Deployment", "default", "web")["status"]["readyReplicas"] == 3


def test_scheduler_spreads_pods_over_workers_and_never_uses_the_control_plane():
    cluster = make(workers=2)
    cluster.apply(deployment(replicas=4))
    step(cluster)
    nodes = [p["spec"]["nodeName"] for p in app_pods(cluster)]
    assert sorted(nodes) == ["worker-1", "worker-1", "worker-2", "worker-2"]
    assert any("scheduler placed" in e for e in cluster.state["log"])


def test_scheduler_respects_requests_and_leaves_unfit_pods_pending():
    cluster = make(workers=1)
    cluster.apply(deployment(replicas=3, resources={"requests": {"cpu": "800m"}}))
    step(cluster)
    phases = sorted(p["status"]["phase"] for p in app_pods(cluster))
    assert phases == ["Pending", "Running", "Running"]
    pending = next(p for p in app_pods(cluster) if p["status"]["phase"] == "Pending")
    assert pending["status"]["conditions"][0]["message"] == (
        "0/2 nodes are available: 1 Insufficient cpu, 1 node(s) had untolerated taint "
        "{node-role.kubernetes.io/control-plane: }. preemption: 0/2 nodes are available: "
        "1 No preemption victims found for incoming pod, "
        "1 Preemption is not helpful for scheduling."
    )


def test_a_pod_no_node_takes_is_explained_node_by_node():
    cluster = make(workers=3)
    cluster.cordon("worker-1")
    cluster.apply(deployment(replicas=1, resources={"requests": {"memory": "64Gi"}}))
    step(cluster)
    [pending] = app_pods(cluster)
    assert pending["status"]["conditions"][0]["message"] == (
        "0/4 nodes are available: 1 node(s) had untolerated taint "
        "{node-role.kubernetes.io/control-plane: }, 1 node(s) were unschedulable, "
        "2 Insufficient memory. preemption: 0/4 nodes are available: "
        "2 No preemption victims found for incoming pod, "
        "2 Preemption is not helpful for scheduling."
    )


def test_deleted_deployment_pod_is_replaced_with_new_name_and_new_ip():
    cluster = make()
    cluster.apply(deployment(replicas=2))
    step(cluster)
    victim = app_pods(cluster)[0]
    cluster.delete_pod("default", victim["metadata"]["name"])
    step(cluster)
    pods = app_pods(cluster)
    assert len(pods) == 2
    names = {p["metadata"]["name"] for p in pods}
    ips = {p["status"]["podIP"] for p in pods}
    assert victim["metadata"]["name"] not in names
    assert victim["status"]["podIP"] not in ips


def test_bare_pod_is_not_recreated():
    cluster = make()
    cluster.apply(bare_pod())
    step(cluster)
    assert cluster.get("Pod", "default", "lonely")["status"]["phase"] == "Running"
    cluster.delete_pod("default", "lonely")
    step(cluster)
    assert app_pods(cluster) == []


def test_service_keeps_its_cluster_ip_while_endpoints_follow_the_pods():
    cluster = make()
    cluster.apply(deployment(replicas=2))
    cluster.apply(service())
    step(cluster)
    svc = cluster.get("Service", "default", "web")
    ip = svc["spec"]["clusterIP"]
    assert ip.startswith("10.96.")
    assert ip != cluster.get("Service", "default", "kubernetes")["spec"]["clusterIP"]

    def endpoint_ips():
        ep = cluster.get("Endpoints", "default", "web")
        return sorted(a["ip"] for s in ep["subsets"] for a in s["addresses"])

    before = endpoint_ips()
    assert before == sorted(p["status"]["podIP"] for p in app_pods(cluster))
    cluster.delete_pod("default", app_pods(cluster)[0]["metadata"]["name"])
    step(cluster)
    after = endpoint_ips()
    assert after != before and len(after) == 2
    assert after == sorted(p["status"]["podIP"] for p in app_pods(cluster))
    assert cluster.get("Service", "default", "web")["spec"]["clusterIP"] == ip
    assert cluster.apply(service()) == "unchanged"


def test_service_selector_that_matches_nothing_has_no_endpoints():
    cluster = make()
    cluster.apply(deployment())
    cluster.apply(service(selector={"app": "nope"}))
    step(cluster)
    assert cluster.get("Endpoints", "default", "web")["subsets"] == []
    assert "no ready endpoints" in cluster.service_request("default", "web")["error"]


def test_service_requests_round_robin_and_need_a_listening_target_port():
    cluster = make()
    cluster.apply(deployment(replicas=2, ports=[{"containerPort": 80}]))
    cluster.apply(service())
    step(cluster)
    answered = {cluster.service_request("default", "web")["pod"] for _ in range(4)}
    assert len(answered) == 2
    cluster.apply(service(target=8080))
    step(cluster)
    assert (
        "does not listen on targetPort 8080" in cluster.service_request("default", "web")["error"]
    )


def test_nodeport_and_loadbalancer_get_node_ports_clusterip_does_not():
    cluster = make()
    cluster.apply(service("a"))
    cluster.apply(service("b", kind="NodePort"))
    cluster.apply(service("c", kind="LoadBalancer"))
    ports = {
        n: cluster.get("Service", "default", n)["spec"]["ports"][0].get("nodePort") for n in "abc"
    }
    assert ports["a"] is None
    assert 30000 <= ports["b"] <= 32767 and 30000 <= ports["c"] <= 32767


def test_ingress_routes_host_and_longest_prefix_to_a_pod():
    cluster = make()
    cluster.apply(deployment())
    cluster.apply(service())
    cluster.apply(deployment("api"))
    cluster.apply(service("api"))
    paths = [
        {
            "path": "/",
            "pathType": "Prefix",
            "backend": {"service": {"name": "web", "port": {"number": 80}}},
        },
        {
            "path": "/api",
            "pathType": "Prefix",
            "backend": {"service": {"name": "api", "port": {"number": 80}}},
        },
    ]
    cluster.apply(
        {
            "apiVersion": "networking.k8s.io/v1",
            "kind": "Ingress",
            "metadata": {"name": "site"},
            "spec": {"rules": [{"host": "my-app.com", "http": {"paths": paths}}]},
        }
    )
    step(cluster)
    assert (
        "spec.ingressClassName names no IngressClass" in cluster.route("my-app.com", "/")["error"]
    )
    ingress = cluster.get("Ingress", "default", "site")
    assert ingress["status"]["loadBalancer"]["ingress"] == []  # no controller took it
    ingress["spec"]["ingressClassName"] = "nginx"
    step(cluster)
    assert cluster.route("my-app.com", "/")["service"] == "web"
    hops = cluster.route("my-app.com", "/api/users")
    assert hops["service"] == "api" and hops["pod"].startswith("api-") and hops["error"] is None
    assert cluster.route("my-app.com", "/apix")["service"] == "web"
    assert "no Ingress rule" in cluster.route("other.com", "/")["error"]


def test_configmap_and_secret_reach_the_pod_and_missing_ones_block_it():
    from grader.k8s.execsim import environment, files

    cluster = make()
    env = [
        {"name": "DB", "valueFrom": {"configMapKeyRef": {"name": "cfg", "key": "url"}}},
        {"name": "PW", "valueFrom": {"secretKeyRef": {"name": "sec", "key": "pw"}}},
    ]
    dep = deployment(env=env, volumeMounts=[{"name": "s", "mountPath": "/etc/sec"}])
    dep["spec"]["template"]["spec"]["volumes"] = [{"name": "s", "secret": {"secretName": "sec"}}]
    cluster.apply(dep)
    step(cluster)
    assert {
        p["status"]["containerStatuses"][0]["state"]["waiting"]["reason"] for p in app_pods(cluster)
    } == {"CreateContainerConfigError"}
    cluster.apply(
        {
            "apiVersion": "v1",
            "kind": "ConfigMap",
            "metadata": {"name": "cfg"},
            "data": {"url": "pg://db"},
        }
    )
    cluster.apply(
        {
            "apiVersion": "v1",
            "kind": "Secret",
            "metadata": {"name": "sec"},
            "stringData": {"pw": "hunter2"},
        }
    )
    step(cluster)
    pod = app_pods(cluster)[0]
    assert pod["status"]["phase"] == "Running"
    assert cluster.get("Secret", "default", "sec")["data"] == {"pw": "aHVudGVyMg=="}
    assert environment(cluster, pod)["DB"] == "pg://db"
    assert environment(cluster, pod)["PW"] == "hunter2"
    assert files(cluster, pod)["/etc/sec/pw"] == "hunter2"


def test_a_lost_worker_is_notready_after_40s_and_its_pods_are_replaced_after_5_minutes(
    cluster, sim_clock
):
    cluster.apply(deployment(replicas=4))
    cluster.apply(bare_pod())
    step(cluster)
    lost = cluster.get("Pod", "default", "lonely")["spec"]["nodeName"]
    before = {p["metadata"]["name"] for p in app_pods(cluster) if p["spec"]["nodeName"] == lost}

    def node_ready():
        node = cluster.get("Node", None, lost)
        return next(c["status"] for c in node["status"]["conditions"] if c["type"] == "Ready")

    cluster.set_node_up(lost, False)
    sim_clock.move_to(39)
    step(cluster)
    assert node_ready() == "True" and len(app_pods(cluster)) == 5
    sim_clock.move_to(41)
    step(cluster)
    assert node_ready() == "Unknown"
    assert cluster.get("Node", None, lost)["spec"]["taints"][0]["key"] == (
        "node.kubernetes.io/unreachable"
    )
    page = describe(cluster.get("Node", None, lost), sim_clock.now, {"pods": []})
    assert (
        "Taints:             node.kubernetes.io/unreachable:NoExecute\n"
        "                    node.kubernetes.io/unreachable:NoSchedule\n"
    ) in page
    assert re.search(r"\n  Ready +Unknown +.+ NodeStatusUnknown +Kubelet stopped posting", page)
    on_lost = [p for p in app_pods(cluster) if p["spec"]["nodeName"] == lost]
    assert {p["metadata"]["name"] for p in on_lost} == before  # still bound: not moved
    assert not any(controllers.is_ready(p) for p in on_lost)
    sim_clock.move_to(40 + 299)
    step(cluster)
    assert not any(p["metadata"].get("deletionTimestamp") for p in app_pods(cluster))
    sim_clock.move_to(40 + 301)
    step(cluster)
    evicted = [p for p in app_pods(cluster) if p["metadata"].get("deletionTimestamp")]
    assert {p["metadata"]["name"] for p in evicted} == before
    alive = [p for p in app_pods(cluster) if not p["metadata"].get("deletionTimestamp")]
    assert len(alive) == 4 and {p["spec"]["nodeName"] for p in alive} == {
        "worker-1",
        "worker-2",
    } - {lost}
    assert not {p["metadata"]["name"] for p in alive} & before  # replaced, never moved
    cluster.set_node_up(lost, True)
    step(cluster)
    assert cluster.find("Pod", "default", "lonely") is None  # a bare pod is not replaced
    assert len(app_pods(cluster)) == 4


def test_drain_refuses_bare_pods_without_force_then_evicts_and_cordons():
    cluster = make(workers=2)
    cluster.apply(deployment(replicas=2))
    cluster.apply(bare_pod())
    step(cluster)
    node = cluster.get("Pod", "default", "lonely")["spec"]["nodeName"]
    with pytest.raises(ClusterError, match="cannot delete Pods that declare no controller"):
        cluster.drain(node)
    cluster.drain(node, force=True)
    step(cluster)
    assert all(p["spec"]["nodeName"] != node for p in app_pods(cluster))
    assert len(app_pods(cluster)) == 2
    assert cluster.node(node)["schedulable"] is False


@pytest.mark.parametrize(("members", "tolerated"), [(1, 0), (2, 0), (3, 1), (4, 1), (5, 2)])
def test_quorum_arithmetic_even_counts_are_no_better(members, tolerated):
    cluster = make(control_planes=members)
    assert cluster.fault_tolerance == tolerated
    for index in range(tolerated):
        cluster.set_node_up(f"control-plane-{index + 1}", False)
    assert cluster.has_quorum
    cluster.set_node_up(f"control-plane-{tolerated + 1}", False)
    assert not cluster.has_quorum


def test_single_control_plane_loss_makes_the_cluster_unreachable():
    cluster = make(control_planes=1)
    (api,) = cluster.get("Endpoints", "default", "kubernetes")["subsets"]
    address = f"{api['addresses'][0]['ip']}:{api['ports'][0]['port']}"
    (node,) = cluster.control_plane
    assert node["ip"] == api["addresses"][0]["ip"]
    cluster.set_node_up(node["name"], False)
    with pytest.raises(ClusterError, match=f"The connection to the server {address} was refused"):
        cluster.apply(deployment())


def test_without_quorum_pods_keep_running_but_every_request_fails(sandbox_dir):
    from grader.k8s.kubectl import run

    cluster = make(control_planes=3)
    cluster.apply(deployment(replicas=2))
    step(cluster)
    cluster.set_node_up("control-plane-1", False)
    cluster.apply(deployment(replicas=3))
    step(cluster)
    assert len(app_pods(cluster)) == 3
    cluster.set_node_up("control-plane-2", False)
    with pytest.raises(ClusterError, match="etcdserver: request timed out"):
        cluster.scale("Deployment", "default", "web", 5)
    with pytest.raises(ClusterError, match="etcdserver: request timed out"):
        cluster.delete_pod("default", app_pods(cluster)[0]["metadata"]["name"])
    step(cluster)
    assert sum(p["status"]["phase"] == "Running" for p in app_pods(cluster)) == 3
    from grader.k8s import store

    store.save(cluster.state, sandbox_dir / "k8s")
    for argv in (["get", "pods"], ["get", "deployments"], ["describe", "deploy", "web"]):
        result = run(argv, folder=sandbox_dir / "k8s")
        assert (result.code, result.stdout) == (1, ""), argv
        assert result.stderr == "Error from server: etcdserver: request timed out\n"
    cluster.set_node_up("control-plane-2", True)
    store.save(cluster.state, sandbox_dir / "k8s")
    assert run(["get", "pods"], folder=sandbox_dir / "k8s").code == 0


def test_snapshot_restore_brings_objects_back(tmp_path):
    cluster = make()
    cluster.apply(deployment(replicas=2))
    step(cluster)
    before = copy.deepcopy(cluster.state["objects"])
    cluster.snapshot_save(tmp_path / "snap.db")
    cluster.delete("Deployment", "default", "web")
    step(cluster)
    assert cluster.list("Deployment") == [] and app_pods(cluster) == []
    cluster.snapshot_restore(tmp_path / "snap.db")
    step(cluster)
    assert cluster.state["objects"]["Deployment"] == before["Deployment"]
    assert len(app_pods(cluster)) == 2


def test_snapshot_restore_of_a_bad_file_is_a_clear_error(tmp_path):
    bad = tmp_path / "bad.db"
    bad.write_text("not json")
    with pytest.raises(ClusterError, match="snapshot restore failed"):
        make().snapshot_restore(bad)


def test_same_steps_give_the_same_cluster():
    def build():
        cluster = make()
        cluster.apply(deployment(replicas=3))
        cluster.apply(service())
        step(cluster)
        return cluster.state["objects"]

    assert build() == build()


def test_state_is_shared_through_the_sandbox_folder(sandbox_dir):
    folder = sandbox_dir / "k8s"
    with Cluster.session(folder) as cluster:
        cluster.apply(deployment(replicas=2))
    assert (folder / "cluster.json").exists()
    assert len(Cluster.load(folder).list("Pod")) == 2
    with Cluster.session() as cluster:  # the default folder is COURSE_SANDBOX_DIR/k8s
        assert len(cluster.list("Pod")) == 2


def test_control_plane_runs_as_static_pods_in_kube_system():
    cluster = make(control_planes=1)
    names = {p["metadata"]["name"] for p in cluster.list("Pod", "kube-system")}
    assert {
        "kube-apiserver-control-plane-1",
        "etcd-control-plane-1",
        "kube-scheduler-control-plane-1",
        "kube-controller-manager-control-plane-1",
    } <= names
    assert sum(n.startswith("kube-proxy-") for n in names) == 3
