"""explain, api-resources, cluster-info, top, logs --previous on the simulated cluster."""

from __future__ import annotations

import json
import shlex

import pytest

from grader.k8s.explain import wrap
from grader.k8s.kinds import KINDS
from grader.k8s.kubectl import run


@pytest.fixture
def kubectl(sandbox_dir, clock):
    def call(line: str):
        return run(shlex.split(line))

    return call


# -- explain ----------------------------------------------------------------------------------


def test_explain_a_kind_lists_its_fields(kubectl):
    text = kubectl("explain deployments").stdout
    assert text.startswith(
        "GROUP:      apps\nKIND:       Deployment\nVERSION:    v1\n\nDESCRIPTION:\n"
        "    Deployment enables declarative updates for Pods and ReplicaSets.\n    \nFIELDS:\n"
        "  apiVersion\t<string>\n"
        "    APIVersion defines the versioned schema of this representation of an object.\n"
    )
    assert "\n  metadata\t<ObjectMeta>\n" in text
    assert "\n  spec\t<DeploymentSpec>\n    Specification of the desired behavior" in text
    assert text.endswith("\n\n\n")
    pods = kubectl("explain po").stdout
    assert pods.startswith("KIND:       Pod\nVERSION:    v1\n\n")  # the core group: no GROUP


def test_explain_a_field_path(kubectl):
    text = kubectl("explain deploy.spec.replicas").stdout
    assert text == (
        "GROUP:      apps\nKIND:       Deployment\nVERSION:    v1\n\n"
        "FIELD: replicas <integer>\n\n\n"
        "DESCRIPTION:\n"
        "    Number of desired pods. This is a pointer to distinguish between explicit\n"
        "    zero and not specified. Defaults to 1.\n    \n\n"
    )


def test_explain_a_field_that_refers_to_a_type(kubectl):
    text = kubectl("explain pods.spec.containers").stdout
    assert "FIELD: containers <[]Container>\n\n\nDESCRIPTION:\n" in text
    assert "    A single application container that you want to run within a pod.\n" in text
    assert "\n  name\t<string> -required-\n" in text
    assert "\n  ports\t<[]ContainerPort>\n" in text
    assert "\n  env\t<[]EnvVar>\n" in text
    ports = kubectl("explain svc.spec.ports.targetPort").stdout
    assert "FIELD: targetPort <IntOrString>\n" in ports
    limits = kubectl("explain pod.spec.containers.resources.limits").stdout
    assert "FIELD: limits <map[string]Quantity>\n" in limits


def test_explain_recursive_prints_the_tree(kubectl):
    text = kubectl("explain deployment.spec.strategy --recursive").stdout
    assert text.endswith(
        "FIELDS:\n  rollingUpdate\t<RollingUpdateDeployment>\n"
        "    maxSurge\t<IntOrString>\n    maxUnavailable\t<IntOrString>\n"
        "  type\t<string>\n\n"
    )


def test_explain_errors(kubectl):
    assert kubectl("explain pods.spec.nothing").stderr == 'error: field "nothing" does not exist\n'
    assert (
        kubectl("explain foo").stderr == 'error: the server doesn\'t have a resource type "foo"\n'
    )
    assert kubectl("explain pods -o yaml").stderr == "error: unrecognized format: yaml\n"
    assert kubectl("explain pods svc").stderr.startswith(
        "error: We accept only this format: explain RESOURCE"
    )


def test_wrap_follows_go_wordwrap():
    assert wrap("aaa bbb ccc", 7) == "aaa bbb\nccc"
    assert wrap("a\nb c", 3) == "a\nb c"
    assert wrap("https://a-very-long-url-without-spaces x", 10) == (
        "https://a-very-long-url-without-spaces\nx"
    )


# -- api-resources, cluster-info ----------------------------------------------------------------


def test_api_resources_lists_the_simulated_kinds_by_group(kubectl):
    lines = kubectl("api-resources").stdout.splitlines()
    assert lines[0].split() == ["NAME", "SHORTNAMES", "APIVERSION", "NAMESPACED", "KIND"]
    assert len(lines) == len(KINDS) + 1
    names = [line.split()[0] for line in lines[1:]]
    assert names[:2] == ["configmaps", "endpoints"] and names.index("deployments") == 8
    assert "deployments      deploy       apps/v1                true         Deployment" in lines
    assert "secrets                       v1                     true         Secret" in lines


def test_api_resources_filters_and_formats(kubectl):
    cluster_wide = kubectl("api-resources --namespaced=false -o name").stdout
    assert cluster_wide == "namespaces\nnodes\ningressclasses.networking.k8s.io\n"
    apps = kubectl("api-resources --api-group=apps -o wide --no-headers").stdout.splitlines()
    assert [line.split()[0] for line in apps] == ["deployments", "replicasets"]
    assert apps[0].endswith("[create delete deletecollection get list patch update watch]   [all]")
    by_kind = kubectl("api-resources --sort-by=kind --no-headers").stdout.splitlines()
    kinds = [line.split()[-1] for line in by_kind]
    assert kinds == sorted(kinds)
    assert kubectl("api-resources -o foo").stderr == "error: --output foo is not available\n"


def test_cluster_info(kubectl):
    assert kubectl("cluster-info").stdout == (
        "Kubernetes control plane is running at https://192.168.56.10:6443\n"
        "CoreDNS is running at https://192.168.56.10:6443/api/v1/namespaces/kube-system/"
        "services/kube-dns:dns/proxy\n\n"
        "To further debug and diagnose cluster problems, use 'kubectl cluster-info dump'.\n"
    )


def test_cluster_info_dump_prints_lists_and_logs(kubectl, tmp_path):
    kubectl("run web --image=nginx:1.27")
    text = kubectl("cluster-info dump").stdout
    first = json.loads(text[: text.index("}\n{") + 1])
    assert first["kind"] == "NodeList" and len(first["items"]) == 3
    assert "==== START logs for container web of pod default/web ====\n" in text
    saved = kubectl(f"cluster-info dump --output-directory={tmp_path / 'dump'}")
    assert saved.stdout == f"Cluster info dumped to {tmp_path / 'dump'}\n"
    pods = json.loads((tmp_path / "dump" / "default" / "pods.json").read_text())
    assert [p["metadata"]["name"] for p in pods["items"]] == ["web"]
    assert (tmp_path / "dump" / "default" / "web" / "logs.txt").exists()


# -- top ---------------------------------------------------------------------------------------


def test_top_waits_for_metrics_then_shows_usage_within_limits(kubectl, clock, tmp_path):
    (tmp_path / "pod.yaml").write_text(
        "apiVersion: v1\nkind: Pod\nmetadata: {name: small, labels: {app: small}}\n"
        "spec:\n  containers:\n  - name: web\n    image: nginx:1.27\n"
        "    resources: {limits: {cpu: 1m, memory: 7Mi}, requests: {cpu: 1m, memory: 7Mi}}\n"
    )
    kubectl(f"apply -f {tmp_path / 'pod.yaml'}")
    kubectl("run node-app --image=node:20 --labels=app=node -- node server.js")
    early = kubectl("top pods")
    assert (early.stderr, early.code) == ("error: metrics not available yet\n", 1)
    clock.advance(20)
    text = kubectl("top pods").stdout
    rows = [line.split() for line in text.splitlines()]
    assert rows[0] == ["NAME", "CPU(cores)", "MEMORY(bytes)"]
    usage = {row[0]: (int(row[1][:-1]), int(row[2][:-2])) for row in rows[1:]}
    assert usage["small"][0] <= 1 and 6 <= usage["small"][1] <= 7  # nginx needs 6Mi
    assert usage["node-app"][1] >= 40  # node needs 40Mi
    assert text.splitlines()[0] == "NAME       CPU(cores)   MEMORY(bytes)   "  # padded cells
    one = kubectl("top pod small --containers").stdout.splitlines()
    assert one[0].split() == ["POD", "NAME", "CPU(cores)", "MEMORY(bytes)"]
    assert one[1].split()[:2] == ["small", "web"]
    assert kubectl("top pods -l app=node --no-headers").stdout.split()[0] == "node-app"
    assert kubectl("top pods --sort-by=memory").stdout.splitlines()[1].startswith("node-app")
    assert kubectl("top pod nope").stderr == (
        'Error from server (NotFound): podmetrics.metrics.k8s.io "nope" not found\n'
    )
    assert (
        kubectl("top pods --sort-by=foo").stderr == "error: --sort-by accepts only cpu or memory\n"
    )


def test_top_pod_that_never_ran_is_an_error_after_two_minutes(kubectl, clock):
    kubectl("run broken --image=nginx:9.99")
    clock.advance(200)
    result = kubectl("top pod broken")
    assert result.stderr.startswith("error: Metrics not available for pod default/broken, age: 3m")


def test_top_nodes_adds_up_pods_and_the_system(kubectl, clock):
    kubectl("create namespace shop")  # the first change stores the new cluster
    clock.advance(20)  # its system pods are measured after a scrape period too
    idle = kubectl("top nodes").stdout.splitlines()
    assert idle[0].split() == ["NAME", "CPU(cores)", "CPU(%)", "MEMORY(bytes)", "MEMORY(%)"]
    before = {row.split()[0]: int(row.split()[3][:-2]) for row in idle[1:]}
    kubectl("create deployment heavy --image=node:20 --replicas=2 -- node server.js")
    clock.advance(20)
    after = {
        row.split()[0]: int(row.split()[3][:-2])
        for row in kubectl("top nodes").stdout.splitlines()[1:]
    }
    assert sum(after.values()) - sum(before.values()) >= 80
    assert after["control-plane-1"] == before["control-plane-1"]  # no workload there


# -- logs --previous --------------------------------------------------------------------------


def test_logs_previous_shows_the_run_before_a_restart(kubectl, clock, tmp_path):
    (tmp_path / "crash.yaml").write_text(
        "apiVersion: v1\nkind: Pod\nmetadata: {name: crash}\nspec:\n  containers:\n"
        "  - name: app\n    image: busybox:1.37\n"
        "    command: [sh, -c, 'echo starting; echo failing; exit 3']\n"
    )
    kubectl(f"apply -f {tmp_path / 'crash.yaml'}")
    none_yet = kubectl("logs crash --previous")
    assert none_yet.stderr == (
        'Error from server (BadRequest): previous terminated container "app" in pod "crash" '
        "not found\n"
    )
    clock.advance(30)
    assert (
        kubectl("get pod crash -o jsonpath={.status.containerStatuses[0].restartCount}").stdout
        != "0"
    )
    previous = kubectl("logs crash -p -c app")
    assert previous.stdout == "starting\nfailing\n"
