"""The Kubernetes checks: teaching messages on failure, silence on success, no answers shown."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from grader import checks as check
from grader.checks import CheckFailed
from grader.kubectl_magic import run_cell

FILES = Path(__file__).resolve().parents[1] / "data" / "k8s" / "files"


@pytest.fixture
def workdir(sandbox_dir, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    shutil.copy(FILES / "web-deployment.yaml", tmp_path)
    both = (
        (FILES / "web-deployment.yaml").read_text()
        + "---\n"
        + (FILES / "web-service.yaml").read_text()
    )
    (tmp_path / "web.yaml").write_text(both)
    return tmp_path


def test_manifest_apply_and_reachability_pass(workdir, capsys):
    objs = check.k8s_manifest("web.yaml", kinds=("Deployment", "Service"), min_replicas=2)
    assert [o["kind"] for o in objs] == ["Deployment", "Service"]
    assert check.k8s_apply("web.yaml") == "deployment.apps/web created\nservice/web created\n"
    assert len(check.k8s_pods_running("web", at_least=2)) == 2
    check.k8s_reachable("web")
    assert capsys.readouterr().out.startswith("Service web (10.96.")


def test_manifest_failures_teach(workdir):
    with pytest.raises(CheckFailed, match="there is no file nope.yaml"):
        check.k8s_manifest("nope.yaml")
    with pytest.raises(CheckFailed, match="holds no Service") as caught:
        check.k8s_manifest("web-deployment.yaml", kinds=("Deployment", "Service"))
    assert "---" in str(caught.value)
    stub = workdir / "stub.yaml"
    stub.write_text("# YOUR CODE HERE\nraise NotImplementedError()\n")
    with pytest.raises(CheckFailed, match="stub.yaml still holds the answer cell's placeholder"):
        check.k8s_manifest("stub.yaml")
    (workdir / "list.yaml").write_text("- just\n- a list\n")
    with pytest.raises(CheckFailed, match="list.yaml has 1 problem") as caught:
        check.k8s_manifest("list.yaml")
    assert "not a mapping of fields" in str(caught.value)
    (workdir / "one.yaml").write_text(
        (workdir / "web.yaml").read_text().replace("replicas: 2", "replicas: 1")
    )
    with pytest.raises(CheckFailed) as caught:
        check.k8s_manifest("one.yaml", min_replicas=2)
    assert "line 8, spec.replicas: replicas is 1: ask for at least 2" in str(caught.value)


def test_unreachable_service_and_missing_deployment(workdir):
    broken = (workdir / "web.yaml").read_text().replace("targetPort: 80", "targetPort: 8080")
    (workdir / "broken.yaml").write_text(broken)
    check.k8s_apply("broken.yaml")
    with pytest.raises(CheckFailed, match="does not reach a pod") as caught:
        check.k8s_reachable("web")
    assert "targetPort 8080" in str(caught.value)
    with pytest.raises(CheckFailed, match="there is no Deployment named website"):
        check.k8s_pods_running("website")
    with pytest.raises(CheckFailed, match="was refused"):
        check.k8s_apply("missing.yaml")


def test_replicas_and_ran(workdir):
    check.k8s_apply("web.yaml")
    check.start("scale")
    with pytest.raises(CheckFailed, match="asks for 2 replica"):
        check.k8s_replicas("web", 3)
    with pytest.raises(CheckFailed, match="no successful kubectl scale"):
        check.k8s_ran("scale", exercise="scale")
    run_cell("kubectl scale deploy web --replicas=3\n")
    check.k8s_replicas("web", 3)
    check.k8s_ran("scale", exercise="scale")


def test_ingress_env_and_secret(workdir, capsys):
    check.k8s_apply("web.yaml")
    with pytest.raises(CheckFailed, match="goes nowhere"):
        check.k8s_routes("my-app.com", "/", "web")
    run_cell("kubectl create ingress site --rule=my-app.com/*=web:80\n")
    check.k8s_routes("my-app.com", "/", "web")
    with pytest.raises(CheckFailed, match="have no environment variable DB_URL"):
        check.k8s_env("web", "DB_URL")
    run_cell("kubectl create secret generic db --from-literal=password=hunter2\n")
    assert check.k8s_secret_readable("db", "password") == "hunter2"
    assert "base64-decodes to 'hunter2'" in capsys.readouterr().out
    with pytest.raises(CheckFailed, match="has no key pw"):
        check.k8s_secret_readable("db", "pw")


@pytest.mark.parametrize(
    ("question", "right", "wrong"),
    [
        ("picks-node", "kube-scheduler", "kube-controller-manager"),
        ("pod-ip-after-kill", "new", "same"),
        ("snapshot-restores", "b", "a"),
        ("etcd-members-for-one-failure", 3, 2),
    ],
)
def test_architecture_answers(sandbox_dir, question, right, wrong, capsys):
    check.k8s_answer(question, right)
    assert capsys.readouterr().out.startswith("Right")
    with pytest.raises(CheckFailed) as caught:
        check.k8s_answer(question, wrong)
    assert not re.search(rf"\b{right}\b", str(caught.value))
