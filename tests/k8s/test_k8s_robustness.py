"""Whatever a student types, kubectl and the validator answer with a message, never a traceback."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from grader.k8s.kubectl import run
from grader.k8s.validate import validate_text

WORDS = st.sampled_from(
    [
        "get",
        "describe",
        "apply",
        "create",
        "delete",
        "scale",
        "logs",
        "exec",
        "rollout",
        "status",
        "run",
        "expose",
        "drain",
        "cordon",
        "deployment",
        "deploy/web",
        "pods",
        "po",
        "svc",
        "ing",
        "cm",
        "secret",
        "generic",
        "service",
        "nodeport",
        "ingress",
        "namespace",
        "all",
        "web",
        "-f",
        "-",
        "-o",
        "yaml",
        "json",
        "wide",
        "name",
        "jsonpath={.items[*].x}",
        "-l",
        "app=web",
        "-A",
        "-n",
        "kube-system",
        "--replicas=2",
        "--replicas",
        "--image=nginx",
        "--port=80",
        "--tcp=80:80",
        "--rule=a.com/=web:80",
        "--from-literal=a=b",
        "--dry-run=client",
        "--",
        "env",
        "ls",
        "-it",
        "--force",
        "--ignore-daemonsets",
        "worker-1",
        "=",
        "",
    ]
)


@pytest.fixture(scope="module")
def folder(tmp_path_factory):
    return tmp_path_factory.mktemp("k8s")


@settings(
    max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.lists(st.one_of(WORDS, st.text(max_size=8)), max_size=7))
def test_kubectl_never_raises(folder, argv):
    result = run(argv, stdin="kind: Pod\n", folder=folder, cwd=folder)
    assert isinstance(result.code, int)
    if result.code:
        assert result.stderr.strip() or result.stdout.strip()


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.sampled_from(
            [
                "apiVersion: v1",
                "kind: Service",
                "kind: Deployment",
                "metadata:",
                "  name: x",
                "spec:",
                "  ports:",
                "  - port: 80",
                "    targetPort: web",
                "  selector: {app: x}",
                "data:",
                "  password: '%%%'",
                "---",
                "\t",
                "- a",
                ": b",
                "  replicas: two",
                "'",
            ]
        ),
        max_size=12,
    )
)
def test_validator_never_raises(lines):
    _, problems = validate_text("\n".join(lines) + "\n")
    assert all(p.message for p in problems)
