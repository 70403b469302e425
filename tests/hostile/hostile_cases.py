"""The hostile inputs replayed by ``test_hostile_inputs.py``, and what the real tools say.

Each :class:`Case` is one command line (after optional set-up lines). ``truth`` says where
the expected answer comes from: ``"client"`` (the Docker 28 CLI with no daemon, or kubectl
1.32 with no cluster, refuses it on its own), ``"daemon"`` (dockerd answers it), or None
(no real tool answers it the same way; the course's own message is checked instead).
``record_clients.py`` replays the cases with a truth through the real tools and writes
``tests/data/hostile/clients.json``; the tests then compare the course's answer with it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

DIGITS_400 = "1" * 400
LONG_NAME = "a" * 5000

ALIAS_BOMB = """apiVersion: v1
kind: ConfigMap
metadata:
  name: bomb
data:
  a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]
  b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]
  c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]
  d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]
  e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]
  f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]
  g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]
  h: &h [*g,*g,*g,*g,*g,*g,*g,*g,*g]
  i: &i [*h,*h,*h,*h,*h,*h,*h,*h,*h]
"""

DEEP_YAML = (
    "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: deep\ndata:\n  a: "
    + "[" * 5000
    + "]" * 5000
    + "\n"
)

DEEP_MAPPING = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: deepmap\ndata:\n" + "".join(
    "  " * (i + 1) + f"k{i}:\n" for i in range(3000)
)

TEMPLATE_NULL = """apiVersion: apps/v1
kind: Deployment
metadata:
  name: tnull
spec:
  selector:
    matchLabels: {app: web}
  template: null
"""

API_VERSION_5 = "apiVersion: 5\nkind: Pod\nmetadata:\n  name: five\n"

JOB = """apiVersion: batch/v1
kind: Job
metadata:
  name: once
spec:
  template:
    spec:
      restartPolicy: Never
      containers:
      - name: once
        image: busybox
        command: ["echo", "done"]
"""

HPA = """apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata:
  name: web
spec:
  scaleTargetRef:
    apiVersion: apps/v1
    kind: Deployment
    name: web
  minReplicas: 1
  maxReplicas: 3
  metrics:
  - type: Resource
    resource:
      name: cpu
      target:
        type: Utilization
        averageUtilization: 50
"""


@dataclass(frozen=True)
class Case:
    """One hostile command line."""

    id: str
    verb: str
    """"docker", "kubectl" or "parse" (``python -m grader parse``)."""
    args: tuple[str, ...]
    truth: str | None = None
    """"client", "daemon" or None (see the module docstring)."""
    compare: str = "first-line"
    """"first-line" (first line of stderr), "stdout", "exit" (exit code only)."""
    setup: tuple[tuple[str, ...], ...] = ()
    """Command lines run first (on both sides), the tool's name first."""
    files: dict[str, str] = field(default_factory=dict)
    """Files written into the working folder first (name -> text)."""
    expect: str = ""
    """For ``truth=None``: a substring the course's output must contain."""


BUSYBOX_LOGS = (("docker", "run", "-d", "--name", "hostile-logs", "busybox", "echo", "hi"),)

CASES = [
    Case(
        "volume-colons", "docker", ("run", "--rm", "-v", "::", "busybox", "true"), "daemon", "exit"
    ),
    Case(
        "volume-relative",
        "docker",
        ("run", "--rm", "-v", "rel", "busybox", "true"),
        "daemon",
        "exit",
    ),
    Case(
        "mount-relative-target",
        "docker",
        ("run", "--rm", "--mount", "type=bind,src=/tmp,dst=relative", "busybox", "true"),
        "daemon",
    ),
    Case(
        "mount-volume-relative-target",
        "docker",
        ("run", "--rm", "--mount", "type=volume,dst=relative", "busybox", "true"),
        "daemon",
    ),
    Case(
        "template-range-billion",
        "docker",
        ("ps", "--format", "{{range $i := 1000000000}}{{end}}"),
        expect="at most",
    ),
    Case(
        "template-range-nested",
        "docker",
        ("version", "--format", "{{range 100000}}{{range 100000}}x{{end}}{{end}}"),
        expect="at most",
    ),
    Case(
        "template-printf-width",
        "docker",
        ("version", "--format", '{{printf "%0999999999d" 1}}'),
        "client",
        "stdout",
    ),
    Case(
        "template-printf-precision",
        "docker",
        ("version", "--format", '{{printf "%.99999999f|%s" 1.5 "x"}}'),
        "client",
        "stdout",
    ),
    Case(
        "template-printf-widths-repeated",
        "docker",
        ("version", "--format", '{{range 1000}}{{printf "%999999d" 1}}{{end}}'),
        expect="at most",
    ),
    Case("template-float-overflow", "docker", ("ps", "--format", "{{1e999}}"), "client"),
    Case(
        "template-int-overflow",
        "docker",
        ("ps", "--format", "{{99999999999999999999}}"),
        "client",
    ),
    Case(
        "template-deep-parens",
        "docker",
        ("version", "--format", "{{" + "(" * 3000 + "1" + ")" * 3000 + "}}"),
        "client",
        "stdout",
    ),
    Case(
        "template-deep-if",
        "docker",
        ("version", "--format", "{{if 1}}" * 3000 + "x" + "{{end}}" * 3000),
        "client",
        "stdout",
    ),
    Case(
        "template-deep-pipes",
        "docker",
        ("version", "--format", "{{1" + " | print" * 3000 + "}}"),
        "client",
        "stdout",
    ),
    Case(
        "cpus-400-digits",
        "docker",
        ("run", "--rm", "--cpus", DIGITS_400, "busybox", "true"),
        "daemon",
    ),
    Case(
        "parse-cpus-400-digits",
        "parse",
        (f"docker run --cpus {DIGITS_400} busybox true",),
        expect='"cpus"',
    ),
    Case("cpus-1e400", "docker", ("run", "--rm", "--cpus", "1e400", "busybox", "true"), "daemon"),
    Case(
        "memory-huge",
        "docker",
        ("run", "--rm", "-m", DIGITS_400 + "g", "busybox", "true"),
        "client",
    ),
    Case(
        "logs-tail-huge",
        "docker",
        ("logs", "--tail", "9" * 30, "hostile-logs"),
        "daemon",
        "stdout",
        setup=BUSYBOX_LOGS,
    ),
    Case(
        "logs-since-huge",
        "docker",
        ("logs", "--since", "9" * 20 + "s", "hostile-logs"),
        "daemon",
        setup=BUSYBOX_LOGS,
    ),
    Case(
        "logs-until-huge",
        "docker",
        ("logs", "--until", "9" * 30, "hostile-logs"),
        "daemon",
        "exit",
        setup=BUSYBOX_LOGS,
    ),
    Case("volume-name-5000", "docker", ("volume", "create", LONG_NAME), "daemon"),
    Case(
        "container-name-5000",
        "docker",
        ("create", "--name", LONG_NAME, "busybox"),
        "daemon",
        "exit",
    ),
    Case("filter-bad-regex", "docker", ("ps", "--filter", "name=["), "daemon", "stdout"),
    Case(
        "env-invalid-utf8",
        "docker",
        ("run", "--rm", "-e", "X=\udcff", "busybox", "true"),
        "daemon",
        "exit",
    ),
    Case(
        "kubectl-replicas-out-of-range",
        "kubectl",
        ("create", "deployment", "big", "--image", "nginx", "--replicas", "9" * 20),
        "client",
    ),
    Case(
        "kubectl-replicas-100000",
        "kubectl",
        ("create", "deployment", "big", "--image", "nginx", "--replicas", "100000"),
        expect="deployment.apps/big created",
    ),
    Case(
        "kubectl-scale-100000",
        "kubectl",
        ("scale", "deployment", "small", "--replicas", "100000"),
        setup=(("kubectl", "create", "deployment", "small", "--image", "nginx"),),
        expect="scaled",
    ),
    Case(
        "kubectl-alias-bomb",
        "kubectl",
        ("apply", "-f", "bomb.yaml"),
        "client",
        files={"bomb.yaml": ALIAS_BOMB},
    ),
    Case(
        "kubectl-deep-yaml",
        "kubectl",
        ("apply", "-f", "deep.yaml"),
        files={"deep.yaml": DEEP_YAML},
        expect="deep",
    ),
    Case(
        "kubectl-deep-mapping",
        "kubectl",
        ("apply", "-f", "deepmap.yaml"),
        files={"deepmap.yaml": DEEP_MAPPING},
        expect="deepmap",
    ),
    Case(
        "kubectl-template-null",
        "kubectl",
        ("apply", "-f", "tnull.yaml"),
        files={"tnull.yaml": TEMPLATE_NULL},
        expect='The Deployment "tnull" is invalid: spec.template.spec.containers: Required value',
    ),
    Case(
        "kubectl-api-version-5",
        "kubectl",
        ("apply", "-f", "five.yaml"),
        "client",
        files={"five.yaml": API_VERSION_5},
    ),
    Case(
        "kubectl-create-job",
        "kubectl",
        ("create", "-f", "job.yaml"),
        files={"job.yaml": JOB},
        expect='no matches for kind "Job"',
    ),
    Case(
        "kubectl-create-hpa",
        "kubectl",
        ("create", "-f", "hpa.yaml"),
        files={"hpa.yaml": HPA},
        expect='no matches for kind "HorizontalPodAutoscaler"',
    ),
]

_LONG_RUN = re.compile(r"(.)\1{99,}")
_PATH = re.compile(r"/[^\s':]+")


def normalise(text: str) -> str:
    """One line with long runs of a character and host paths made comparable."""
    text = _LONG_RUN.sub(r"<\1...>", text)
    return _PATH.sub("<path>", text)
