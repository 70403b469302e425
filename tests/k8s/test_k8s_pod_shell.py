"""Commands in a pod run in the sandbox's shell: dash's and busybox's words and exit codes.

``kubectl exec``, exec probes and a container's own command all go through it, over the
files of the pod's image with its ConfigMaps and Secrets mounted, and the cluster's network.
"""

from __future__ import annotations

import json
import shlex

import pytest
from clusterclock import START
from shell_corpus import cases

from grader.k8s import controllers
from grader.k8s.cluster import Cluster, new_state
from grader.k8s.execsim import exec_in_pod
from grader.k8s.kubectl import run

IMAGES = {"dash": "python:3.12-slim", "busybox": "alpine:3.20"}
"""Images whose shell is the recorded one: Debian's dash, Alpine 3.20's busybox ash."""


def pod(name: str, image: str, **container) -> dict:
    spec = {"name": "main", "image": image, "command": ["sleep", "infinity"], **container}
    return {
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": {"name": name},
        "spec": {"containers": [spec]},
    }


@pytest.fixture(scope="module")
def shells() -> Cluster:
    """A cluster running one pod per recorded shell, working in /tmp as the recording did."""
    cluster = Cluster(new_state(1, 2, now=START), now=lambda: START)
    for shell, image in IMAGES.items():
        cluster.apply(pod(shell, image, workingDir="/tmp"))
    controllers.reconcile(cluster)
    return cluster


@pytest.mark.parametrize(("shell", "script", "expected"), cases(IMAGES))
def test_exec_in_a_pod_answers_as_the_real_shell(shells, shell, script, expected):
    target = shells.get("Pod", "default", shell)
    assert list(exec_in_pod(shells, target, ["sh", "-c", script])) == expected


@pytest.fixture
def kubectl(sandbox_dir):
    def call(line: str, stdin: str = ""):
        return run(shlex.split(line), stdin=stdin)

    return call


def test_kubectl_exec_reports_a_failing_command_as_kubectl_does(kubectl):
    kubectl("run box --image=busybox:1.37 -- sleep infinity")
    failed = kubectl("exec box -- sh -c 'echo $HOSTNAME; cat /nope; exit 3'")
    assert (failed.stdout, failed.code) == ("box\n", 3)
    assert failed.stderr == (
        "cat: can't open '/nope': No such file or directory\ncommand terminated with exit code 3\n"
    )
    missing = kubectl("exec box -- bash")
    assert missing.code == 126
    assert missing.stderr == (
        "OCI runtime exec failed: exec failed: unable to start container process: exec: "
        '"bash": executable file not found in $PATH: unknown\n'
        "command terminated with exit code 126\n"
    )
    piped = kubectl("exec -i box -- sh", stdin="echo $HOSTNAME; exit 4\n")
    assert (piped.stdout, piped.code) == ("box\n", 4)


def test_env_and_mounted_files_come_from_configmaps_and_secrets(kubectl):
    kubectl("create configmap app --from-literal=MODE=prod --from-literal=LEVEL=3")
    kubectl("create secret generic db --from-literal=password=hunter2")
    manifest = pod("app", "nginx:1.27")
    container = manifest["spec"]["containers"][0]
    container["envFrom"] = [{"configMapRef": {"name": "app"}}]
    container["env"] = [
        {"name": "PW", "valueFrom": {"secretKeyRef": {"name": "db", "key": "password"}}}
    ]
    container["volumeMounts"] = [{"name": "db", "mountPath": "/etc/db"}]
    manifest["spec"]["volumes"] = [{"name": "db", "secret": {"secretName": "db"}}]
    assert kubectl("apply -f -", stdin=json.dumps(manifest)).code == 0
    shown = kubectl("exec app -- sh -c 'echo $MODE $LEVEL $PW $NGINX_VERSION; ls /etc/db'")
    assert shown.stdout == "prod 3 hunter2 1.27.5\npassword\n"
    assert kubectl("exec app -- cat /etc/db/password").stdout == "hunter2"
    absent = kubectl("exec app -- printenv MODE NOPE")
    assert (absent.stdout, absent.code) == ("prod\n", 1)


def test_a_containers_command_runs_in_the_shell_and_its_output_is_the_log(kubectl, clock):
    kubectl("run job --image=busybox:1.37 --restart=Never -- sh -c 'echo \"a  b\" >&2; exit 3'")
    kubectl("run typo --image=busybox:1.37 --restart=Never --command -- frobnicate")
    clock.advance(5)
    assert kubectl("logs job").stdout == "a  b\n"
    state = json.loads(kubectl("get pod job -o json").stdout)["status"]["containerStatuses"][0]
    assert state["state"]["terminated"]["exitCode"] == 3
    assert state["state"]["terminated"]["reason"] == "Error"
    assert kubectl("run odd --image=busybox --restart=Sometimes").stderr == (
        "error: invalid restart policy: Sometimes\nSee 'kubectl run -h' for help and examples\n"
    )
    typo = json.loads(kubectl("get pod typo -o json").stdout)["status"]["containerStatuses"][0]
    assert (typo["state"]["terminated"]["exitCode"], typo["state"]["terminated"]["reason"]) == (
        128,
        "StartError",
    )


def test_the_cluster_network_as_busybox_tools_see_it(kubectl):
    kubectl("create deployment web --image=nginx:1.27")
    kubectl("expose deployment web --port=80")
    kubectl("run box --image=busybox:1.37 -- sleep infinity")
    ip = kubectl("get svc web -o jsonpath={.spec.clusterIP}").stdout
    looked = kubectl("exec box -- nslookup web")
    assert looked.stdout == (
        "Server:\t\t10.96.0.10\nAddress:\t10.96.0.10:53\n\n"
        f"Name:\tweb.default.svc.cluster.local\nAddress: {ip}\n\n"
    )
    page = kubectl("exec box -- wget -qO- http://web.default")
    assert page.code == 0 and "<title>Welcome to nginx!</title>" in page.stdout
    box_ip = kubectl("get pod box -o jsonpath={.status.podIP}").stdout
    access = kubectl("logs deploy/web").stdout.splitlines()[-1]
    assert access.startswith(f"{box_ip} - - [") and access.endswith(
        '"GET / HTTP/1.1" 200 615 "-" "Wget" "-"'
    )
    pinged = kubectl(f"exec box -- ping -c 1 {ip}")  # a ClusterIP forwards TCP only
    assert pinged.code == 1 and "1 packets transmitted, 0 packets received" in pinged.stdout
    refused = kubectl("exec box -- wget -qO- http://web:8080")
    assert refused.code == 1 and "can't connect to remote host" in refused.stderr
    unknown = kubectl("exec box -- nslookup nowhere")
    assert unknown.code == 1 and "can't find nowhere: NXDOMAIN" in unknown.stdout


def test_exec_picks_a_container_as_kubectl_does(kubectl):
    manifest = pod("two", "busybox:1.37")
    manifest["spec"]["containers"].append(
        {"name": "side", "image": "alpine:3.20", "command": ["sleep", "infinity"]}
    )
    kubectl("apply -f -", stdin=json.dumps(manifest))
    first = kubectl("exec two -- cat /etc/alpine-release")
    assert first.code == 1
    assert first.stderr.startswith('Defaulted container "main" out of: main, side\n')
    assert kubectl("exec two -c side -- cat /etc/alpine-release").stdout.startswith("3.20")
    wrong = kubectl("exec two -c nope -- true")
    assert (
        wrong.stderr == "Error from server (BadRequest): container nope is not valid for pod two\n"
    )


def test_a_running_commands_log_grows_with_the_clock(kubectl, clock):
    kubectl("run ticker --image=busybox:1.37 -- sh -c 'while true; do echo tick; sleep 10; done'")
    kubectl("get pods")  # the kubelet starts it
    assert len(kubectl("logs ticker").stdout.splitlines()) == 1
    clock.advance(25)
    assert len(kubectl("logs ticker").stdout.splitlines()) == 3
    status = json.loads(kubectl("get pod ticker -o json").stdout)["status"]
    assert "running" in status["containerStatuses"][0]["state"]
