"""Manifest validation: precise messages (line, field path, expectation), never a traceback."""

from __future__ import annotations

import textwrap

import pytest

from grader.k8s.validate import ManifestError, load_manifests, validate_text

GOOD = textwrap.dedent(
    """\
    apiVersion: apps/v1
    kind: Deployment
    metadata:
      name: web
    spec:
      replicas: 2
      selector:
        matchLabels:
          app: web
      template:
        metadata:
          labels:
            app: web
        spec:
          containers:
          - name: web
            image: nginx:1.27
            ports:
            - containerPort: 80
    ---
    apiVersion: v1
    kind: Service
    metadata:
      name: web
    spec:
      selector:
        app: web
      ports:
      - port: 80
        targetPort: 80
    """
)


def problems_of(text: str, **kwargs):
    _, problems = validate_text(text, "m.yaml", **kwargs)
    return problems


def test_good_manifest_has_no_problem():
    assert problems_of(GOOD, min_replicas=2) == []


def test_yaml_syntax_errors_give_the_line_and_kubectl_words():
    bad = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n\tname: x\n"
    with pytest.raises(ManifestError) as caught:
        load_manifests(bad, "tab.yaml")
    assert caught.value.problem.line == 4
    assert "tab character" in caught.value.problem.message
    assert caught.value.kubectl_text == (
        "error: error parsing tab.yaml: error converting YAML to JSON: yaml: line 4: "
        "found character that cannot start any token"
    )
    indent = (
        "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\n spec:\n  replicas: 2\n"
    )
    (problem,) = problems_of(indent)
    assert problem.line == 5 and "indentation" in problem.message


def test_wrong_type_names_the_field_path_line_and_expectation():
    text = GOOD.replace("containerPort: 80", 'containerPort: "80"')
    (problem,) = problems_of(text)
    assert problem.path == "spec.template.spec.containers[0].ports[0].containerPort"
    assert problem.line == 19
    assert "expected integer, got string '80'" in problem.message
    assert str(problem).startswith("Deployment/web, line 19, spec.template.spec.containers[0]")


def test_unknown_field_and_missing_required_field():
    (unknown,) = problems_of(GOOD.replace("replicas: 2", "replica: 2"))
    assert unknown.path == "spec.replica" and 'unknown field "replica"' in unknown.message
    assert unknown.line == 6
    (missing,) = problems_of(
        GOOD.replace("      - name: web\n        image: nginx:1.27", "      - image: nginx:1.27")
    )
    assert missing.path.endswith("containers[0].name") and "required" in missing.message


def test_unknown_kind_and_missing_kind():
    (problem,) = problems_of("apiVersion: v1\nkind: Deploymnet\nmetadata:\n  name: x\n")
    assert 'no kind "Deploymnet"' in problem.message and problem.line == 2
    (problem,) = problems_of("apiVersion: v1\nmetadata:\n  name: x\n")
    assert problem.message.startswith("kind not set")


def test_selector_must_match_template_labels():
    text = GOOD.replace("      app: web\n  template", "      app: website\n  template")
    problems = problems_of(text)
    assert any(
        p.path == "spec.selector.matchLabels" and "does not match" in p.message for p in problems
    )


def test_service_selector_and_target_port_must_reach_the_pods():
    (problem,) = problems_of(GOOD.replace("targetPort: 80", "targetPort: 8080"))
    assert problem.path == "spec.ports[0].targetPort" and problem.line == 30
    assert "8080 is not a containerPort" in problem.message
    text = GOOD.replace("  selector:\n    app: web\n  ports", "  selector:\n    app: api\n  ports")
    (problem,) = problems_of(text)
    assert problem.path == "spec.selector" and "matches no pod labels (app=web)" in problem.message


def test_replicas_minimum_only_when_asked():
    text = GOOD.replace("replicas: 2", "replicas: 1")
    assert problems_of(text) == []
    (problem,) = problems_of(text, min_replicas=2)
    assert problem.path == "spec.replicas" and "at least 2" in problem.message


INGRESS = """\
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: site
spec:
  ingressClassName: nginx
  rules:
  - host: my-app.com
    http:
      paths:
      - path: /
        pathType: Prefix
        backend:
          service:
            name: {name}
            port:
              number: {port}
"""


def test_ingress_backend_must_name_an_existing_service_and_port():
    service = {
        "apiVersion": "v1",
        "kind": "Service",
        "metadata": {"name": "web"},
        "spec": {"ports": [{"port": 80}]},
    }
    assert problems_of(INGRESS.format(name="web", port=80), existing=[service]) == []
    (problem,) = problems_of(INGRESS.format(name="webb", port=80), existing=[service])
    assert 'Service "webb" does not exist' in problem.message and problem.line == 15
    (problem,) = problems_of(INGRESS.format(name="web", port=8080), existing=[service])
    assert "has no port 8080 (it has 80)" in problem.message
    unclassed = INGRESS.format(name="web", port=80).replace("  ingressClassName: nginx\n", "")
    (problem,) = problems_of(unclassed, existing=[service])
    assert "spec.ingressClassName is not set" in problem.message and problem.line == 5


def test_secret_data_must_be_base64_and_configmaps_hold_no_passwords():
    secret = "apiVersion: v1\nkind: Secret\nmetadata:\n  name: s\ndata:\n  password: not base64!\n"
    (problem,) = problems_of(secret)
    assert problem.path == "data.password" and "not valid base64" in problem.message
    assert problem.line == 6
    ok = secret.replace("not base64!", "czNjcmV0")
    assert problems_of(ok) == []
    cm = (
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\ndata:\n  DB_PASSWORD: x\n  URL: y\n"
    )
    (problem,) = problems_of(cm)
    assert "looks like a credential" in problem.message and problem.path == "data.DB_PASSWORD"
    url = cm.replace("  DB_PASSWORD: x\n", "").replace(
        "URL: y", "URL: postgres://app:hunter2@db/shop"
    )
    (problem,) = problems_of(url)
    assert "carries a password" in problem.message and problem.line == 6
    assert problems_of(url.replace("app:hunter2@", "")) == []


@pytest.mark.parametrize("text", ["", "# only a comment\n", "- a\n- b\n", "just words\n", "{{{"])
def test_odd_inputs_give_messages_not_tracebacks(text):
    problems = problems_of(text)
    assert problems and all(isinstance(p.message, str) and p.message for p in problems)
