"""The kubelet's behaviour in the simulator: restarts in place, back-off, image pulls, env."""

from __future__ import annotations

import pytest

from grader.k8s import controllers, kubelet
from grader.k8s.cluster import ClusterError
from grader.k8s.describe import describe
from grader.k8s.execsim import environment, pod_logs
from grader.k8s.printers import pod_status


def pod(name="p", policy=None, **container):
    spec = {"containers": [{"name": name, "image": "nginx:1.27", **container}]}
    if policy:
        spec["restartPolicy"] = policy
    return {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": name}, "spec": spec}


def at(cluster, sim_clock, seconds):
    sim_clock.move_to(seconds)
    controllers.reconcile(cluster)
    return cluster.get("Pod", "default", "p")


def container(p):
    return p["status"]["containerStatuses"][0]


def test_crashing_container_restarts_in_the_same_pod_with_growing_back_off(cluster, sim_clock):
    cluster.apply(pod(command=["sh", "-c", "echo starting; exit 3"]))
    first = at(cluster, sim_clock, 0)
    assert pod_status(first) == "Running"
    ip, uid = first["status"]["podIP"], first["metadata"]["uid"]
    assert pod_status(at(cluster, sim_clock, 1.5)) == "Error"  # exited, restarted at the next sync
    p = at(cluster, sim_clock, 2.5)
    assert (pod_status(p), container(p)["restartCount"]) == ("Running", 1)
    p = at(cluster, sim_clock, 5)
    assert (pod_status(p), container(p)["restartCount"]) == ("CrashLoopBackOff", 1)
    assert (
        "back-off 10s restarting failed container=p pod=p_default("
        in (container(p)["state"]["waiting"]["message"])
    )
    assert container(p)["lastState"]["terminated"]["exitCode"] == 3
    # restarts come after 10 s, 20 s, 40 s ... of back-off, never more than 5 minutes apart
    restarts = [container(at(cluster, sim_clock, t))["restartCount"] for t in (12, 13.5, 33, 34.5)]
    assert restarts == [1, 2, 2, 3]
    p = at(cluster, sim_clock, 3600)
    assert "back-off 5m0s" in container(p)["state"]["waiting"]["message"]
    assert (p["status"]["podIP"], p["metadata"]["uid"], p["status"]["phase"]) == (
        ip,
        uid,
        "Running",
    )
    assert pod_logs(cluster, p, previous=True) == ["starting"]


def test_backoff_sequence_is_exponential_and_capped():
    assert [kubelet.backoff(n) for n in range(1, 8)] == [10, 20, 40, 80, 160, 300, 300]
    assert [kubelet.go_duration(s) for s in (10, 80, 300)] == ["10s", "1m20s", "5m0s"]


def test_out_of_memory_is_oomkilled_in_last_state_and_describe(cluster, sim_clock):
    cluster.apply(pod(resources={"limits": {"memory": "4Mi"}}))
    at(cluster, sim_clock, 0)
    p = at(cluster, sim_clock, 30)
    assert pod_status(p) == "CrashLoopBackOff" and container(p)["restartCount"] >= 1
    assert container(p)["lastState"]["terminated"] == {
        **container(p)["lastState"]["terminated"],
        "reason": "OOMKilled",
        "exitCode": 137,
    }
    page = describe(p, sim_clock.now, {"owner": None})
    assert "Last State:     Terminated\n      Reason:       OOMKilled" in page
    assert "Exit Code:    137" in page and "Warning   BackOff" in page
    assert "Back-off restarting failed container p in pod p_default(" in page


@pytest.mark.parametrize(
    ("policy", "code", "status", "phase", "restarts"),
    [
        ("OnFailure", 0, "Completed", "Succeeded", 0),
        ("OnFailure", 2, "CrashLoopBackOff", "Running", 2),
        ("Never", 2, "Error", "Failed", 0),
        ("Always", 0, "CrashLoopBackOff", "Running", 2),
    ],
)
def test_restart_policy(cluster, sim_clock, policy, code, status, phase, restarts):
    cluster.apply(pod(policy=policy, command=["sh", "-c", f"exit {code}"]))
    at(cluster, sim_clock, 0)
    p = at(cluster, sim_clock, 20)
    assert (pod_status(p), p["status"]["phase"], container(p)["restartCount"]) == (
        status,
        phase,
        restarts,
    )


def test_a_killed_container_restarts_in_place_and_logs_previous(cluster, sim_clock):
    cluster.apply(pod())
    p = at(cluster, sim_clock, 1)
    with pytest.raises(
        ClusterError, match='previous terminated container "p" in pod "p" not found'
    ):
        pod_logs(cluster, p, previous=True)
    cluster.crash_container("default", "p")
    p = at(cluster, sim_clock, 3)
    assert (pod_status(p), container(p)["restartCount"]) == ("Running", 1)
    assert container(p)["lastState"]["terminated"]["exitCode"] == 137
    previous = pod_logs(cluster, p, previous=True)
    assert previous[0].startswith("/docker-entrypoint.sh: ")  # nginx's start, run before
    assert "/docker-entrypoint.sh: Configuration complete; ready for start up" in previous


def test_missing_image_gives_errimagepull_then_imagepullbackoff(cluster, sim_clock):
    cluster.apply(pod(image="nginx:1.72"))
    p = at(cluster, sim_clock, 0)
    assert pod_status(p) == "ErrImagePull" and p["status"]["phase"] == "Pending"
    p = at(cluster, sim_clock, 3)
    assert pod_status(p) == "ImagePullBackOff"
    assert container(p)["state"]["waiting"]["message"] == 'Back-off pulling image "nginx:1.72"'
    page = describe(p, sim_clock.now, {"owner": None})
    assert (
        'Failed to pull image "nginx:1.72": rpc error: code = NotFound desc = failed to pull and '
        'unpack image "docker.io/library/nginx:1.72": failed to resolve reference '
        '"docker.io/library/nginx:1.72": docker.io/library/nginx:1.72: not found'
    ) in page
    assert 'Back-off pulling image "nginx:1.72"' in page and "Error: ImagePullBackOff" in page
    with pytest.raises(ClusterError, match="is waiting to start: trying and failing to pull"):
        pod_logs(cluster, p)
    for present in ("nginx", "alpine:3.20", "docker.io/library/nginx:1.27", "website:1"):
        assert kubelet.image_present(cluster, present), present


def test_missing_configmap_key_is_createcontainerconfigerror(cluster, sim_clock):
    cluster.apply(
        {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "cfg"}, "data": {}}
    )
    ref = {"configMapKeyRef": {"name": "cfg", "key": "URL"}}
    cluster.apply(pod(env=[{"name": "URL", "valueFrom": ref}]))
    p = at(cluster, sim_clock, 5)
    assert pod_status(p) == "CreateContainerConfigError"
    assert container(p)["state"]["waiting"]["message"] == (
        "couldn't find key URL in ConfigMap default/cfg"
    )
    assert "Error: couldn't find key URL in ConfigMap default/cfg" in describe(p, sim_clock.now, {})
    cluster.get("ConfigMap", "default", "cfg")["data"] = {"URL": "pg://db"}
    p = at(cluster, sim_clock, 10)  # the kubelet retries and starts the container
    assert pod_status(p) == "Running" and environment(cluster, p)["URL"] == "pg://db"


def test_configmap_change_reaches_env_only_when_the_container_starts_again(cluster, sim_clock):
    cluster.apply(
        {
            "apiVersion": "v1",
            "kind": "ConfigMap",
            "metadata": {"name": "cfg"},
            "data": {"URL": "v1"},
        }
    )
    cluster.apply(pod(envFrom=[{"configMapRef": {"name": "cfg"}}]))
    p = at(cluster, sim_clock, 1)
    assert environment(cluster, p)["URL"] == "v1"
    cluster.get("ConfigMap", "default", "cfg")["data"] = {"URL": "v2"}
    p = at(cluster, sim_clock, 60)
    assert environment(cluster, p)["URL"] == "v1"  # the running process keeps its environment
    cluster.crash_container("default", "p")
    p = at(cluster, sim_clock, 65)
    assert environment(cluster, p)["URL"] == "v2"  # a restarted container reads it again


def test_get_events_lists_what_describe_shows(sandbox_dir):
    from grader.k8s.kubectl import run

    assert run(["run", "bad", "--image=nginx:1.72"]).code == 0
    result = run(["get", "events"])
    assert result.stdout.splitlines()[0].split() == [
        "LAST",
        "SEEN",
        "TYPE",
        "REASON",
        "OBJECT",
        "MESSAGE",
    ]
    assert "pod/bad" in result.stdout and "Error: ErrImagePull" in result.stdout
    logs = run(["logs", "bad"])
    assert logs.code == 1 and "is waiting to start" in logs.stderr


def test_an_image_pushed_to_the_local_registry_can_be_pulled(sandbox_dir, cluster, sim_clock):
    from grader.engine.sandbox import SandboxEngine

    engine = SandboxEngine(sandbox_dir)
    list(engine.pull("nginx", "1.27"))
    engine.tag("nginx:1.27", "127.0.0.1:5000/shop", "1")
    list(engine.push("127.0.0.1:5000/shop", "1"))
    assert kubelet.image_present(cluster, "127.0.0.1:5000/shop:1")
    assert kubelet.image_present(cluster, "localhost:5000/shop:1")
    assert not kubelet.image_present(cluster, "127.0.0.1:5000/shop:2")
    cluster.apply(pod(image="127.0.0.1:5000/shop:1"))
    assert pod_status(at(cluster, sim_clock, 1)) == "Running"


def test_etcdutl_restores_into_a_new_data_dir_and_etcdctl_restore_is_deprecated(
    sandbox_dir, tmp_path, monkeypatch
):
    from grader.kubectl_magic import etcdctl, etcdutl, run_line

    monkeypatch.chdir(tmp_path)
    assert run_line("kubectl create deployment web --image=nginx:1.27").code == 0
    assert etcdctl(["snapshot", "save", "b.db"]).stdout.startswith("Snapshot saved at b.db")
    assert run_line("kubectl delete deployment web").code == 0
    used = etcdutl(["snapshot", "restore", "b.db", "--data-dir", "/var/lib/etcd"])
    assert (used.code, used.stderr) == (
        1,
        'Error: data-dir "/var/lib/etcd" not empty or could not be read\n',
    )
    done = etcdutl(["snapshot", "restore", "b.db", "--data-dir=/var/lib/etcd-new"])
    assert done.code == 0 and "/var/lib/etcd-new" in done.stdout
    assert run_line("kubectl get deploy -o name").stdout == "deployment.apps/web\n"
    old = etcdctl(["snapshot", "restore", "b.db", "--data-dir", "/var/lib/etcd-2"])
    assert old.stderr.startswith("Deprecated: Use `etcdutl snapshot restore` instead.")
    assert old.code == 0


@pytest.mark.parametrize(
    ("resources", "qos"),
    [
        ({}, "BestEffort"),
        ({"requests": {"cpu": "8"}}, "Burstable"),
        ({"limits": {"cpu": "1", "memory": "64Mi"}}, "Guaranteed"),
        ({"limits": {"cpu": "1", "memory": "64Mi"}, "requests": {"cpu": "500m"}}, "Burstable"),
    ],
)
def test_describe_names_the_qos_class_the_resources_give(resources: dict, qos: str) -> None:
    from grader.k8s.describe import qos_class

    spec = pod(resources=resources)
    assert qos_class(spec) == qos
