"""Notebook 07's answer corpus: manifests judged by meaning and by what the cluster did.

Correct alternatives: objects in another order, defaults left out, named ports, ``envFrom``
instead of ``env.valueFrom``, ``data:`` in base64 instead of ``stringData:``, ``create -f``,
another way to fix a broken application. Wrong answers: a wrong replica count or image, the
path type ``Exact`` (routes ``/`` alone), values written in ``env`` instead of read from the
ConfigMap and the Secret, an image that does not exist, a manifest never applied (the apply
cell only prints), wrong diagnoses. Graded through nbgrader, one hand-in per column.
"""

from __future__ import annotations

import base64

import nbformat
import pytest
from k8s_corpus import REPO, GradedCorpus, grade_corpus, meta
from k8s_feedback import assert_fair_feedback
from releases import Releases

pytestmark = pytest.mark.xdist_group("corpus-07")
"""The graded corpus is built once: its tests share one xdist worker."""

FOLDER = REPO / "notebooks" / "07-kubernetes-components"
SOURCE = nbformat.read(FOLDER / f"{FOLDER.name}.ipynb", as_version=4)
SOLVED = {meta(c).get("grade_id"): c.source for c in SOURCE.cells}
SECRETS = ("s3cr3t-pa55", "hunter2-long", "n0t-in-env")


def edit(grade_id: str, *changes: tuple[str, str]) -> str:
    """The source's answer of ``grade_id`` with each ``(old, new)`` replaced once."""
    text = SOLVED[grade_id]
    for old, new in changes:
        assert old in text, (grade_id, old)
        text = text.replace(old, new, 1)
    return text


def edits(changes: dict[str, tuple[str, str]]) -> dict[str, str]:
    """Hand-in entries: each grade id's source answer with its ``(old, new)`` replaced once."""
    return {grade_id: edit(grade_id, change) for grade_id, change in changes.items()}


def kubectl(*lines: str) -> str:
    return "\n".join(["%%kubectl", *lines])


ENV_FROM = """        envFrom:
        - configMapRef:
            name: website-config
        - secretRef:
            name: website-secret"""
ENV_VALUE_FROM = SOLVED["ex3-config"][SOLVED["ex3-config"].index("        env:") :].split(
    "### END SOLUTION"
)[0]
SERVICE = SOLVED["ex1-website"].split("---\n")[1].split("### END SOLUTION")[0]
DEPLOYMENT = SOLVED["ex1-website"].split("### BEGIN SOLUTION\n")[1].split("---\n")[0]

RIGHT = {
    "right-a": {
        # Service first, type left to its default, a named target port
        "ex1-website": "%%writefile website.yaml\n"
        + SERVICE.replace("  type: ClusterIP\n", "").replace("targetPort: 80", "targetPort: http")
        + "---\n"
        + DEPLOYMENT.replace("website:1", "docker.io/library/website:1").replace(
            "- containerPort: 80", "- name: http\n          containerPort: 80"
        ),
        "ex1-website-apply": kubectl("kubectl create -f website.yaml"),
        "ex2-ingress": edit(
            "ex2-ingress",
            ("name: website\nspec", "name: website\n  labels:\n    app: website\nspec"),
        ),
        "ex2-ingress-apply": kubectl("kubectl apply --filename=ingress.yaml"),
        "ex3-config": edit(
            "ex3-config",
            (
                "stringData:\n  DB_PASSWORD: s3cr3t-pa55",
                "data:\n  DB_PASSWORD: " + base64.b64encode(b"hunter2-long").decode(),
            ),
            (ENV_VALUE_FROM, ENV_FROM + "\n"),
        ),
        "ex3-config-apply": kubectl("kubectl apply -f ./config.yaml"),
        "ex4-shop-status": 'shop_status = "imagepullbackoff"',
        "ex4-shop-manifest": edit(
            "ex4-shop-manifest", ("nginx:1.27", "docker.io/library/nginx:1.27")
        ),
        "ex5-api-status": 'api_status = " createcontainerconfigerror "',
        # fix the ConfigMap's key instead of the Deployment
        "ex5-api-manifest": "%%writefile api.yaml\napiVersion: v1\nkind: ConfigMap\nmetadata:\n"
        "  name: api-config\ndata:\n  DATABASE_URL: postgres://db:5432/shop\n",
        "ex6-front-endpoints": "front_endpoints = 0",
        "ex6-front-manifest": edit("ex6-front-manifest", ("spec:\n", "spec:\n  type: ClusterIP\n")),
        "ex7-report-state": 'report_last_state = "oomkilled"',
        "ex7-report-manifest": edit(
            "ex7-report-manifest",
            ("memory: 64Mi", "memory: 128Mi\n          requests:\n            memory: 64Mi"),
        ),
    },
    "right-b": {
        # more labels than asked for, on the Deployment's pods and in the Service's selector
        "ex1-website": SOLVED["ex1-website"].replace(
            "        app: website\n    spec:", "        app: website\n        tier: web\n    spec:"
        ),
        "ex1-website-apply": kubectl("kubectl apply -f website.yaml", "kubectl get pods"),
        "ex2-ingress-apply": kubectl("kubectl --namespace default apply -f ingress.yaml"),
        "ex3-config": edit(
            "ex3-config",
            (
                ENV_VALUE_FROM,
                "        env:\n        - name: DATABASE_URL\n          valueFrom:\n"
                "            configMapKeyRef:\n              name: website-config\n"
                "              key: DATABASE_URL\n        envFrom:\n        - secretRef:\n"
                "            name: website-secret\n",
            ),
        ),
        "ex4-shop-status": 'shop_status = "ErrImagePull"',
        # the ConfigMap's key fixed, and envFrom reads it
        "ex5-api-manifest": "%%writefile api.yaml\napiVersion: v1\nkind: ConfigMap\nmetadata:\n"
        "  name: api-config\ndata:\n  DATABASE_URL: postgres://db:5432/shop\n---\n"
        + SOLVED["ex5-api-manifest"].split("### BEGIN SOLUTION\n")[1].split("        env:")[0]
        + "        envFrom:\n        - configMapRef:\n            name: api-config\n",
        "ex7-report-manifest": edit("ex7-report-manifest", ("memory: 64Mi", "memory: 1Gi")),
    },
}
WRONG = {
    "wrong-a": {
        **edits(
            {
                "ex1-website": ("replicas: 2", "replicas: 3"),
                "ex2-ingress": ("pathType: Prefix", "pathType: Exact"),
                # the values written in the Deployment: nothing read from the ConfigMap or the
                # Secret
                "ex3-config": (
                    ENV_VALUE_FROM,
                    "        env:\n        - name: DATABASE_URL\n"
                    "          value: postgres://db:5432/shop\n"
                    "        - name: DB_PASSWORD\n          value: s3cr3t-pa55\n",
                ),
                "ex4-shop-manifest": ("nginx:1.27", "nginx:1.27.99"),
                "ex5-api-manifest": ("key: DB_URL", "key: DATABASE_URL"),
                "ex6-front-manifest": ("targetPort: 80", "targetPort: 8080"),
                "ex7-report-manifest": ("memory: 64Mi", "memory: 32Mi"),
            }
        ),
        "ex4-shop-status": 'shop_status = "CrashLoopBackOff"',
        "ex5-api-status": 'api_status = "CrashLoopBackOff"',
        "ex6-front-endpoints": "front_endpoints = 2",
        "ex7-report-state": 'report_last_state = "CrashLoopBackOff"',
    },
    "wrong-b": {
        **edits(
            {
                "ex1-website": ("image: website:1", "image: nginx:1.27"),
                "ex2-ingress": ("host: my-app.com", "host: www.my-app.com"),
                # envFrom reads both, but an env value written in the manifest wins for
                # DB_PASSWORD
                "ex3-config": (
                    ENV_VALUE_FROM,
                    ENV_FROM
                    + "\n        env:\n        - name: DB_PASSWORD\n          value: n0t-in-env\n",
                ),
                "ex7-report-manifest": (
                    "        resources:\n          limits:\n            memory: 64Mi\n",
                    "",
                ),
            }
        ),
        "ex4-shop-status": 'shop_status = "not ImagePullBackOff"',
        "ex4-shop-apply": kubectl("kubectl get pods -l app=shop"),
        "ex5-api-status": 'api_status = "Pending"',
        "ex5-api-apply": kubectl("kubectl get pods -l app=api"),
        "ex6-front-endpoints": 'front_endpoints = "none"',
        "ex6-front-apply": kubectl("kubectl get endpoints front"),
        "ex7-report-state": 'report_last_state = "OOM"',
    },
    "wrong-c": {
        **edits(
            {
                "ex3-config": ("postgres://db:5432/shop", "postgres://db:5433/shop"),
                "ex4-shop-manifest": ("replicas: 2", "replicas: 1"),
                "ex5-api-manifest": ("image: nginx:1.27", "image: nginx:1.72"),
                "ex6-front-manifest": ("app: front", "app: frontend"),
                "ex7-report-manifest": ("nginx:1.27", "nginx:9.99"),
            }
        ),
        "ex1-website-apply": kubectl("kubectl get pods"),
        "ex2-ingress-apply": kubectl("kubectl get ingress"),
        "ex4-shop-status": "shop_status = 1",
        "ex5-api-status": 'api_status = ""',
        "ex6-front-endpoints": "front_endpoints = -1",
        "ex7-report-state": 'report_last_state = ""',
    },
}
WRONG["wrong-d"] = {
    # the pods labelled otherwise than asked for (everything else consistent: it runs)
    "ex1-website": SOLVED["ex1-website"].replace("app: website", "run: website"),
    # no container port declared
    "ex4-shop-status": 'shop_status = "ImagePullBackOff, then CrashLoopBackOff"',
    "ex4-shop-manifest": edit(
        "ex4-shop-manifest", ("        ports:\n        - containerPort: 80\n", "")
    ),
    "ex7-report-state": 'report_last_state = "Completed"',
    "ex7-report-manifest": SOLVED["ex7-report-manifest"].replace("app: report", "tier: report"),
}
TARGETED = {
    "right-a": set("1234567"),
    "right-b": {"1", "2", "3", "4", "5", "7"},
    "wrong-d": {"1", "4", "7"},
    "wrong-a": set("1234567"),
    "wrong-b": set("1234567"),
    "wrong-c": set("1234567"),
}
"""The exercises each hand-in's entries touch (the others hold the source's answers)."""


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory, releases: Releases) -> GradedCorpus:
    return grade_corpus(FOLDER, {**RIGHT, **WRONG}, tmp_path_factory.mktemp("corpus-07"), releases)


@pytest.mark.slow
def test_every_correct_form_earns_every_point(corpus: GradedCorpus) -> None:
    corpus.assert_full_marks(list(RIGHT))


@pytest.mark.slow
def test_no_wrong_answer_earns_a_point(corpus: GradedCorpus) -> None:
    corpus.assert_no_marks({s: TARGETED[s] for s in WRONG})


@pytest.mark.slow
def test_visible_checks_agree_with_the_grade_and_feedback_teaches(corpus: GradedCorpus) -> None:
    for student in [*RIGHT, *WRONG]:
        assert_fair_feedback(corpus, student, secrets=SECRETS)


def test_each_wrong_hand_in_targets_every_exercise_it_claims() -> None:
    numbers = {gid: gid.split("-")[0].removeprefix("ex") for gid in SOLVED if gid}
    for student, entries in {**RIGHT, **WRONG}.items():
        assert {numbers[g] for g in entries} == TARGETED[student], student
