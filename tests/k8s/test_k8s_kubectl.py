"""kubectl on the simulator: output formats, verbs, errors from the server side."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import yaml

from grader.k8s.kubectl import main, run
from grader.k8s.names import human_duration
from grader.k8s.printers import table

FILES = Path(__file__).resolve().parents[1] / "data" / "k8s" / "files"


@pytest.fixture
def kubectl(sandbox_dir):
    def call(line: str, stdin: str = ""):
        return run(line.split(), stdin=stdin, cwd=FILES)

    return call


@pytest.fixture
def web(kubectl):
    assert kubectl("apply -f web-deployment.yaml").stdout == "deployment.apps/web created\n"
    assert kubectl("apply -f web-service.yaml").stdout == "service/web created\n"
    return kubectl


@pytest.mark.parametrize(
    ("seconds", "text"),
    [
        (-5, "<invalid>"),
        (-0.5, "0s"),
        (5, "5s"),
        (119, "119s"),
        (125, "2m5s"),
        (180, "3m"),
        (600, "10m"),
        (3 * 3600, "3h"),
        (3 * 3600 + 600, "3h10m"),
        (30 * 3600, "30h"),
        (3 * 86400 + 3600, "3d1h"),
        (10 * 86400, "10d"),
        (800 * 86400, "2y70d"),
    ],
)
def test_age_column_follows_kubectl_human_duration(seconds, text):
    assert human_duration(seconds) == text


def test_table_pads_columns_by_three_spaces():
    assert table([["NAME", "READY"], ["web-1", "1/1"]]) == "NAME    READY\nweb-1   1/1\n"


def test_get_pods_table(web):
    out = web("get pods").stdout.splitlines()
    assert re.fullmatch(r"NAME +READY +STATUS +RESTARTS +AGE", out[0])
    assert len(out) == 3
    for line in out[1:]:
        assert re.fullmatch(r"web-[b-z2-9]{10}-[b-z2-9]{5} +1/1 +Running +0 +\d+s", line), line
    assert out[0].index("READY") == out[1].index("1/1")


def test_get_wide_names_and_selectors(web):
    wide = web("get pods -o wide").stdout.splitlines()
    assert wide[0].split()[5:7] == ["IP", "NODE"]
    assert all(re.search(r" 10\.244\.\d+\.\d+ +worker-\d ", line) for line in wide[1:])
    names = web("get pods -o name").stdout.splitlines()
    assert len(names) == 2 and all(n.startswith("pod/web-") for n in names)
    assert web("get deploy,svc -o name").stdout == (
        "deployment.apps/web\nservice/kubernetes\nservice/web\n"
    )
    assert web("get pods -l app=nope").stderr == "No resources found in default namespace.\n"
    assert len(web("get pods -l app=web -o name").stdout.splitlines()) == 2


def test_get_services_and_endpoints(web):
    svc = web("get svc web").stdout.splitlines()
    assert svc[0].split() == ["NAME", "TYPE", "CLUSTER-IP", "EXTERNAL-IP", "PORT(S)", "AGE"]
    assert re.fullmatch(r"web +ClusterIP +10\.96\.\d+\.\d+ +<none> +80/TCP +\d+s", svc[1])
    ep = web("get ep web").stdout.splitlines()[1]
    assert re.fullmatch(r"web +10\.244\.\d+\.\d+:80,10\.244\.\d+\.\d+:80 +\d+s", ep)


def test_get_all_namespaces_adds_the_namespace_column(web):
    out = web("get pods -A").stdout.splitlines()
    assert out[0].startswith("NAMESPACE ")
    assert any(line.startswith("kube-system ") and "kube-apiserver-" in line for line in out)


def test_yaml_and_json_outputs_are_the_objects(web):
    single = yaml.safe_load(web("get svc web -o yaml").stdout)
    assert single["kind"] == "Service" and single["spec"]["clusterIP"].startswith("10.96.")
    listed = json.loads(web("get pods -o json").stdout)
    assert listed["kind"] == "List" and len(listed["items"]) == 2
    ip = web("get svc web -o jsonpath={.spec.clusterIP}").stdout
    assert ip == single["spec"]["clusterIP"]


def test_not_found_and_unknown_resource(web):
    result = web("get pod nope")
    assert (result.code, result.stderr) == (
        1,
        'Error from server (NotFound): pods "nope" not found\n',
    )
    result = web("get deploy nope")
    assert 'deployments.apps "nope" not found' in result.stderr
    result = web("get widgets")
    assert result.stderr == 'error: the server doesn\'t have a resource type "widgets"\n'


def test_a_kubectl_command_the_simulator_lacks_is_not_called_unknown(kubectl):
    result = kubectl("patch deployment web -p {}")
    assert (result.code, result.stderr) == (
        1,
        'error: "kubectl patch" is a kubectl 1.32 command that the course\'s simulated cluster '
        "does not run\n",
    )
    assert "Did you mean this?\n\tpatch" in kubectl("pach deployment web").stderr


def test_apply_again_is_unchanged_then_configured(web):
    assert web("apply -f web-deployment.yaml").stdout == "deployment.apps/web unchanged\n"
    text = (FILES / "web-deployment.yaml").read_text().replace("replicas: 2", "replicas: 3")
    assert web("apply -f -", stdin=text).stdout == "deployment.apps/web configured\n"
    assert web("get deploy web").stdout.splitlines()[1].split()[1] == "3/3"


def test_apply_refuses_invalid_manifests_like_kubectl(kubectl):
    bad = (
        (FILES / "web-deployment.yaml")
        .read_text()
        .replace("containerPort: 80", 'containerPort: "80"')
    )
    result = kubectl("apply -f -", stdin=bad)
    assert result.code == 1
    assert result.stderr.startswith('error: error validating "STDIN": error validating data: ')
    assert "containerPort" in result.stderr and "--validate=false" in result.stderr
    assert kubectl("get deploy").stderr.startswith("No resources found")


def test_scale_delete_rollout(web):
    assert web("scale deploy web --replicas=4").stdout == "deployment.apps/web scaled\n"
    assert len(web("get pods -o name").stdout.splitlines()) == 4
    assert (
        web("rollout status deployment/web").stdout == 'deployment "web" successfully rolled out\n'
    )
    pod = web("get pods -o name").stdout.split()[0].split("/")[1]
    assert web(f"delete pod {pod}").stdout == f'pod "{pod}" deleted\n'
    assert pod not in web("get pods").stdout
    assert len(web("get pods -o name").stdout.splitlines()) == 4
    assert web("delete deploy web").stdout == 'deployment.apps "web" deleted\n'
    assert web("get pods").stderr == "No resources found in default namespace.\n"


def test_create_run_expose(kubectl):
    assert kubectl("create deployment api --image=nginx:1.27 --replicas=2").stdout == (
        "deployment.apps/api created\n"
    )
    assert (
        kubectl("expose deployment api --port=80 --type=NodePort").stdout == "service/api exposed\n"
    )
    assert re.search(r"80:3\d{4}/TCP", kubectl("get svc api").stdout)
    assert kubectl("run one --image=busybox").stdout == "pod/one created\n"
    again = kubectl("run one --image=busybox")
    assert again.stderr == 'Error from server (AlreadyExists): pods "one" already exists\n'


def test_exec_and_logs(web):
    env = dict(line.split("=", 1) for line in web("exec deploy/web -- env").stdout.splitlines())
    api = web("get svc kubernetes -o jsonpath={.spec.clusterIP}").stdout
    assert env["KUBERNETES_SERVICE_HOST"] == api
    assert (
        env["KUBERNETES_SERVICE_PORT"]
        == web("get svc kubernetes -o jsonpath={.spec.ports[0].port}").stdout
    )
    assert f"pod/{env['HOSTNAME']}" in web("get pods -o name").stdout.split()
    pod_ip = web("get pods -o jsonpath={.items[0].status.podIP}").stdout
    page = web(f"exec deploy/web -- curl -s http://{pod_ip}").stdout
    assert page.startswith("<!DOCTYPE html>")
    cluster_ip = web("get svc web -o jsonpath={.spec.clusterIP}").stdout
    for address in ("web", "web.default.svc.cluster.local", cluster_ip):
        assert web(f"exec deploy/web -- curl -s http://{address}").stdout == page, address
    missing = web("exec deploy/web -- curl -s http://nowhere")
    assert missing.code == 6 and "Could not resolve host: nowhere" in missing.stderr
    bogus = web("exec deploy/web -- frobnicate")
    assert bogus.code == 126 and 'exec: "frobnicate": executable file not found' in bogus.stderr
    pods = web("get pods -o name").stdout.split()
    assert web("logs deploy/web").stdout in {web(f"logs {pod}").stdout for pod in pods}


def test_main_prints_and_records_history(sandbox_dir, capsys):
    from grader.history import entries

    assert main(["get", "nodes", "-o", "name"]) == 0
    names = capsys.readouterr().out.split()
    assert main(["get", "nodes"]) == 0
    rows = [line.split()[:3] for line in capsys.readouterr().out.splitlines()]
    assert rows[0] == ["NAME", "STATUS", "ROLES"]
    assert [f"node/{row[0]}" for row in rows[1:]] == names
    assert {row[2] for row in rows[1:]} == {"control-plane", "<none>"}
    assert entries()[-1].argv == ["kubectl", "get", "nodes"]
    assert entries()[-1].engine == "cluster-sim"


def test_lost_control_plane_refuses_like_kubectl(web, sandbox_dir):
    from grader.k8s.cluster import Cluster

    address = web("get endpoints kubernetes -o jsonpath={.subsets[0].addresses[0].ip}").stdout
    port = web("get endpoints kubernetes -o jsonpath={.subsets[0].ports[0].port}").stdout
    with Cluster.session(sandbox_dir / "k8s") as cluster:
        (api_node,) = [n["name"] for n in cluster.control_plane if n["ip"] == address]
        cluster.set_node_up(api_node, False)
    result = web("get pods")
    assert result.code == 1
    assert result.stderr == (
        f"The connection to the server {address}:{port} was refused - did you specify the right "
        "host or port?\n"
    )


def test_namespaces(kubectl):
    assert kubectl("create deployment api --image=nginx -n shop").stderr == (
        'Error from server (NotFound): namespaces "shop" not found\n'
    )
    assert kubectl("create namespace shop").stdout == "namespace/shop created\n"
    assert kubectl("create deployment api --image=nginx -n shop").code == 0
    assert kubectl("get pods").stderr == "No resources found in default namespace.\n"
    assert kubectl("get pods -n shop -o name").stdout.startswith("pod/api-")
    assert kubectl("delete namespace shop").stdout == 'namespace "shop" deleted\n'
    assert kubectl("get pods -n shop").stderr == "No resources found in shop namespace.\n"
    refused = kubectl("delete namespace default")
    assert refused.code == 1 and "this namespace may not be deleted" in refused.stderr


def test_interactive_shell_without_a_terminal(web):
    result = web("exec -it deploy/web -- sh")
    assert result.code == 0
    assert (
        result.stderr == "Unable to use a TTY - input is not a terminal or the right kind of file\n"
    )


def test_delete_by_file_does_not_validate_the_schema(web, tmp_path):
    text = (FILES / "web-service.yaml").read_text().replace("targetPort: 80", "targetPort: [80]")
    assert web("delete -f -", stdin=text).stdout == 'service "web" deleted\n'


def test_describe_pod_explains_why_it_does_not_start(kubectl):
    env = "--env=unused=1"
    assert kubectl(f"run app --image=nginx:1.27 {env}").code == 0
    page = kubectl("describe pod app").stdout
    assert re.search(r"^Status: +Running$", page, re.M)
    assert re.search(r"^Node: +worker-\d/192\.168\.56\.\d+$", page, re.M)
    assert "Successfully assigned default/app to worker-" in page
    manifest = yaml.safe_dump(
        {
            "apiVersion": "v1",
            "kind": "Pod",
            "metadata": {"name": "cfg-user"},
            "spec": {
                "containers": [
                    {
                        "name": "app",
                        "image": "nginx:1.27",
                        "env": [
                            {
                                "name": "URL",
                                "valueFrom": {"configMapKeyRef": {"name": "cfg", "key": "url"}},
                            }
                        ],
                    }
                ]
            },
        }
    )
    assert kubectl("apply -f -", stdin=manifest).code == 0
    assert "CreateContainerConfigError" in kubectl("get pod cfg-user").stdout
    page = kubectl("describe pod cfg-user").stdout
    assert "URL:  <set to the key 'url' of config map 'cfg'>  Optional: false" in page
    assert re.search(r"Warning +Failed +\d+s +kubelet +Error: configmap \"cfg\" not found", page)


def test_describe_secret_shows_sizes_not_values(kubectl):
    kubectl("create secret generic s --from-literal=password=hunter2")
    page = kubectl("describe secret s").stdout
    assert "hunter2" not in page and re.search(r"^password: +7 bytes$", page, re.M)


def test_logs_by_selector(web):
    assert web("logs -l app=web").stdout.count("Configuration complete") == 2
    assert web("logs -l app=nope").stderr == "No resources found in default namespace.\n"


def test_label_columns_and_show_labels(web):
    out = web("get pods -L app,tier --show-labels").stdout.splitlines()
    assert out[0].split()[-3:] == ["APP", "TIER", "LABELS"]
    assert all(re.search(r" web +app=web,pod-template-hash=\w+$", line) for line in out[1:])


def test_drain_like_kubectl(web):
    refused = web("drain worker-1")
    assert refused.code == 1
    assert (
        "cannot delete DaemonSet-managed Pods (use --ignore-daemonsets to ignore)" in refused.stderr
    )
    done = web("drain worker-1 --ignore-daemonsets")
    assert done.stdout.startswith("node/worker-1 cordoned\n") and done.stdout.endswith(
        "node/worker-1 drained\n"
    )
    assert re.fullmatch(
        r"Warning: ignoring DaemonSet-managed Pods: kube-system/kube-proxy-\w+\n", done.stderr
    )
    assert "worker-1" not in web("get pods -o wide").stdout.split("NODE", 1)[1]
    assert "Ready,SchedulingDisabled" in web("get node worker-1").stdout
    assert web("uncordon worker-1").stdout == "node/worker-1 uncordoned\n"


def test_sort_by(web):
    web("scale deploy web --replicas=4")
    by_ip = web("get pods -o wide --sort-by=.status.podIP").stdout.splitlines()[1:]
    ips = [line.split()[5] for line in by_ip]
    assert ips == sorted(ips)
    by_node = web("get pods -o wide --sort-by={.spec.nodeName}").stdout.splitlines()[1:]
    nodes = [line.split()[6] for line in by_node]
    assert nodes == sorted(nodes)
    names = web("get pods --sort-by=.metadata.name -o name").stdout.split()
    assert names == sorted(names)
