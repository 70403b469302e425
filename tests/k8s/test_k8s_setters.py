"""kubectl set env and set resources: a new pod template (a rollout), kubectl's words."""

from __future__ import annotations

import json
import shlex

import pytest

from grader.k8s.kubectl import run


@pytest.fixture
def kubectl(sandbox_dir):
    def call(line: str):
        return run(shlex.split(line))

    call("create deployment web --image=nginx:1.27 --replicas=2")
    return call


def _container(kubectl, kind: str = "deploy/web") -> dict:
    obj = json.loads(kubectl(f"get {kind} -o json").stdout)
    spec = obj["spec"] if obj["kind"] == "Pod" else obj["spec"]["template"]["spec"]
    return spec["containers"][0]


def _revisions(kubectl) -> int:
    return len(kubectl("rollout history deploy/web").stdout.splitlines()) - 3


def test_set_env_adds_changes_and_removes_variables(kubectl):
    assert kubectl("set env deployment/web MODE=prod LEVEL=3").stdout == (
        "deployment.apps/web env updated\n"
    )
    assert _container(kubectl)["env"] == [
        {"name": "MODE", "value": "prod"},
        {"name": "LEVEL", "value": "3"},
    ]
    assert _revisions(kubectl) == 2  # a new template: a rollout
    pod = kubectl("get pods -o name").stdout.split()[0]
    assert kubectl(f"exec {pod} -- printenv MODE").stdout == "prod\n"
    kubectl("set env deployment/web -e MODE=dev")
    assert _container(kubectl)["env"][-1] == {"name": "MODE", "value": "dev"}
    refused = kubectl("set env deployment/web MODE=test --overwrite=false")
    assert refused.stderr == "error: 'MODE' already has a value (dev), and --overwrite is false\n"
    kubectl("set env deployment/web MODE- LEVEL-")
    assert "env" not in _container(kubectl)
    assert kubectl("set env deployment/web MODE-").stdout == ""  # nothing changed


def test_set_env_from_a_configmap_and_list(kubectl):
    kubectl("create configmap app --from-literal=db-url=postgres://db/shop --from-literal=mode=x")
    kubectl("set env deployment/web --from=configmap/app --keys=db-url --prefix=APP_")
    assert _container(kubectl)["env"] == [
        {"name": "APP_DB_URL", "valueFrom": {"configMapKeyRef": {"name": "app", "key": "db-url"}}}
    ]
    kubectl("set env deployment/web PLAIN=1")
    assert kubectl("set env deployment/web --list").stdout == (
        "# deployment web, container nginx\n# APP_DB_URL from configmap app, key db-url\nPLAIN=1\n"
    )
    resolved = kubectl("set env deployment/web --list --resolve").stdout
    assert "APP_DB_URL=postgres://db/shop\n" in resolved


def test_set_env_refusals(kubectl):
    cases = {
        "set env deployment/web": "error: at least one environment variable must be provided",
        "set env MODE=prod deployment/web": "error: all resources must be specified before "
        "environment changes: MODE=prod deployment/web",
        "set env deployment/web --keys=a": "error: when specifying --keys, a configmap or secret "
        "must be provided with --from",
        "set env deployment/web --from=deploy/web": "error: unsupported resource specified in "
        "--from",
    }
    for line, first in cases.items():
        result = kubectl(line)
        assert (result.stderr.splitlines()[0], result.code) == (first, 1), line
    kubectl("run solo --image=nginx:1.27")
    pod = kubectl("set env pod/solo MODE=x")
    assert pod.stderr.startswith('The Pod "solo" is invalid: spec: Forbidden: pod updates')
    assert "env" not in _container(kubectl, "pod/solo")


def test_set_resources_sets_limits_and_requests(kubectl, clock):
    done = kubectl("set resources deployment/web --limits=cpu=200m,memory=64Mi")
    assert done.stdout == "deployment.apps/web resource requirements updated\n"
    kubectl("set resources deployment web -c nginx --requests=cpu=100m,memory=32Mi")
    assert _container(kubectl)["resources"] == {
        "limits": {"cpu": "200m", "memory": "64Mi"},
        "requests": {"cpu": "100m", "memory": "32Mi"},
    }
    assert _revisions(kubectl) == 3
    tiny = kubectl("set resources deployment/web --limits=memory=4Mi")
    assert tiny.code == 0
    clock.advance(5)  # nginx needs 6Mi: the new pods' containers are killed
    assert "Reason:       OOMKilled" in kubectl("describe pods").stdout


def test_set_resources_refusals(kubectl):
    nothing = kubectl("set resources deployment/web")
    assert nothing.stderr == (
        "error: you must specify an update to requests or limits (in the form of "
        "--requests/--limits)\n"
    )
    assert kubectl("set resources").stderr.startswith(
        "error: You must provide one or more resources by argument or filename."
    )
    missing = kubectl("set resources deployment/web -c db --limits=cpu=1")
    assert missing.stderr == "error: unable to find container named db\n"
    bad = kubectl("set resources deployment/web --limits=gpu=1")
    assert bad.stderr == "error: invalid argument 'gpu=1' for --limits\n"
