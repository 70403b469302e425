"""Notebook 09's answer corpus: what a fair instructor accepts earns the points, nothing else.

Every graded exercise gets several correct alternatives (other kubectl forms, another
revision number that names the same version, another probe that nginx passes) and several
plausible wrong answers (a wrong count, a wrong tag, a dry run, commands that only print, a
probe removed instead of repaired, a repair never applied), graded through nbgrader (the
trusted grader). Each hand-in carries one entry per exercise, so one grading run covers it.
"""

from __future__ import annotations

import pytest
from k8s_corpus import REPO, GradedCorpus, grade_corpus, meta
from k8s_feedback import assert_fair_feedback
from releases import Releases

pytestmark = pytest.mark.xdist_group("corpus-09")
"""The graded corpus is built once: its tests share one xdist worker."""

FOLDER = REPO / "notebooks" / "09-kubernetes-workloads"

API = """%%writefile api.yaml
apiVersion: apps/v1
kind: Deployment
metadata:
  name: api
spec:
  replicas: {replicas}
  selector:
    matchLabels:
      app: api
  template:
    metadata:
      labels:
        app: api
    spec:
      containers:
      - name: api
        image: nginx:1.27
        ports:
        - containerPort: 80
{probe}---
apiVersion: v1
kind: Service
metadata:
  name: api
spec:
  selector:
    app: api
  ports:
  - port: 80
    targetPort: 80
"""
PROBE = "        readinessProbe:\n"
HTTP = PROBE + "          httpGet:\n            path: {path}\n            port: 80\n"
TCP = PROBE + "          tcpSocket:\n            port: 80\n          periodSeconds: 3\n"


def api(probe: str, replicas: int = 2) -> str:
    return API.format(probe=probe, replicas=replicas)


RIGHT = {
    "right-a": {
        "ex1-scale": "%%kubectl\nkubectl scale deploy/web --replicas 5",
        "ex2-update": "%%kubectl\nkubectl set image deploy/web web=nginx:1.27-alpine",
        "ex3-stalled-status": 'stalled_status = "imagepullbackoff"',
        "ex3-undo": "%%kubectl\nkubectl rollout undo deploy/web",
        "ex4-api-endpoints": "api_endpoints = 0",
        "ex4-api-manifest": api(TCP),
        "ex4-api-apply": "%%kubectl\nkubectl apply -f api.yaml",
    },
    "right-b": {
        "ex1-scale": "%%kubectl\nkubectl scale --replicas=5 deployment/web",
        "ex2-update": (
            "%%kubectl\nkubectl set image deployment web web=nginx:1.27-alpine\n"
            "kubectl rollout status deploy/web"
        ),
        "ex3-stalled-status": 'stalled_status = "ImagePullBackOff"',
        # nginx:1.27.5's revision: 1 nginx:1.27, 2 the update, 3 the demo back to nginx:1.27
        # (its old ReplicaSet takes the next number), 4 nginx:1.27.5, 5 the stalled tag
        "ex3-undo": "%%kubectl\nkubectl rollout undo deployment/web --to-revision=4",
        "ex4-api-endpoints": "api_endpoints = 0",
        "ex4-api-manifest": api(HTTP.format(path="/index.html")),
        "ex4-api-apply": (
            "%%kubectl\nkubectl apply --filename=api.yaml\nkubectl get pods -l app=api"
        ),
    },
    "right-c": {
        "ex1-scale": "%%kubectl\nkubectl scale deployment web --replicas=5 --current-replicas=3",
        "ex2-update": (
            "%%kubectl\nkubectl set image deployment/web web=docker.io/library/nginx:1.27-alpine"
        ),
        "ex3-stalled-status": 'stalled_status = " ImagePullBackOff "',
        "ex3-undo": (
            "%%kubectl\nkubectl set image deployment/web web=nginx:1.27.5\n"
            "kubectl rollout status deployment/web"
        ),
        "ex4-api-endpoints": "api_endpoints = 0",
        "ex4-api-manifest": api(HTTP.format(path="/")),
        "ex4-api-apply": "%%kubectl\nkubectl -n default apply -f api.yaml",
    },
}
WRONG = {
    "wrong-a": {
        "ex1-scale": "%%kubectl\nkubectl scale deployment web --replicas=4",
        "ex2-update": "%%kubectl\nkubectl set image deployment/web web=nginx:1.27",
        "ex3-stalled-status": 'stalled_status = "Running"',
        "ex3-undo": "%%kubectl\nkubectl rollout history deployment/web",
        "ex4-api-endpoints": "api_endpoints = 2",
        "ex4-api-manifest": api(""),
        "ex4-api-apply": "%%kubectl\nkubectl apply -f api.yaml",
    },
    "wrong-b": {
        "ex1-scale": "%%kubectl\nkubectl get deployment web",
        "ex2-update": "%%kubectl\nkubectl rollout status deployment/web",
        "ex3-stalled-status": 'stalled_status = "CrashLoopBackOff"',
        "ex3-undo": "%%kubectl\nkubectl rollout undo deployment/web --to-revision=3",
        "ex4-api-endpoints": 'api_endpoints = "0"',
        "ex4-api-manifest": api(HTTP.format(path="/healthz"), replicas=3),
        "ex4-api-apply": "%%kubectl\nkubectl apply -f api.yaml",
    },
    "wrong-c": {
        "ex1-scale": "%%kubectl\nkubectl scale deployment web --replicas=5 --dry-run=client",
        "ex2-update": "%%kubectl\nkubectl set image deployment/web web=nginx:1.27-alpne",
        "ex3-stalled-status": 'stalled_status = "ErrImageNeverPull"',
        "ex3-undo": "%%kubectl\nkubectl scale deployment web --replicas=3",
        "ex4-api-endpoints": "api_endpoints = 1",
        "ex4-api-manifest": api(HTTP.format(path="/")),
        "ex4-api-apply": "%%kubectl\nkubectl get pods -l app=api",
    },
}


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory, releases: Releases) -> GradedCorpus:
    return grade_corpus(FOLDER, {**RIGHT, **WRONG}, tmp_path_factory.mktemp("corpus-09"), releases)


@pytest.mark.slow
def test_every_correct_form_earns_every_point(corpus: GradedCorpus) -> None:
    corpus.assert_full_marks(list(RIGHT))


@pytest.mark.slow
def test_no_wrong_answer_earns_a_point(corpus: GradedCorpus) -> None:
    corpus.assert_no_marks({student: set("1234") for student in WRONG})


@pytest.mark.slow
def test_visible_checks_agree_with_the_grade_and_feedback_teaches(corpus: GradedCorpus) -> None:
    for student in [*RIGHT, *WRONG]:
        assert_fair_feedback(corpus, student, secrets=())


def test_the_corpus_covers_every_answer_cell() -> None:
    import nbformat

    source = nbformat.read(FOLDER / f"{FOLDER.name}.ipynb", as_version=4)
    answers = {meta(c)["grade_id"] for c in source.cells if meta(c).get("solution")}
    for entries in [*RIGHT.values(), *WRONG.values()]:
        assert set(entries) == answers
