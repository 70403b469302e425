"""The checks nbgrader test cells call: ``from grader import checks as check``.

State checks read the engine (both engines, through the Engine API); route checks read the
history of command lines; every failure is a :class:`CheckFailed` (an ``AssertionError``)
with a teaching message that never contains the answer. See docs/checks.md.

The public names are exactly ``__all__`` (each one documented in docs/checks.md): a new
check is imported here by name, so nothing a check module imports for itself (``shutil``,
kubectl's ``run``) leaks into ``check.``.
"""

from grader.checks.answers import recall
from grader.checks.build import (
    based_on,
    built,
    cache_reuse,
    copied_before,
    image_files,
    pinned,
    serves,
    sizes,
    smallest_of,
    under_size,
)
from grader.checks.containers import container, exit_code, ids, no_containers
from grader.checks.execs import exec_shell
from grader.checks.exercises import start
from grader.checks.failure import CheckFailed, fail
from grader.checks.images import image
from grader.checks.k8s import (
    k8s_applied,
    k8s_config_value,
    k8s_diagnosis,
    k8s_endpoints,
    k8s_env_from,
    k8s_image,
    k8s_last_state,
    k8s_manifest,
    k8s_memory_limit,
    k8s_pods_deleted,
    k8s_pods_running,
    k8s_probe,
    k8s_ran,
    k8s_reachable,
    k8s_replicas,
    k8s_resources,
    k8s_rolled_out,
    k8s_routes,
    k8s_secret_keys,
    k8s_service_type,
    k8s_template,
    k8s_zero_downtime,
)
from grader.checks.mounts import mount
from grader.checks.output import output
from grader.checks.progress import passed, summary
from grader.checks.registry import registry_tag, round_trip
from grader.checks.reset import configure, reset
from grader.checks.routes import command, ran
from grader.checks.web import http

__all__ = [
    "CheckFailed",
    "based_on",
    "built",
    "cache_reuse",
    "command",
    "configure",
    "container",
    "copied_before",
    "exec_shell",
    "exit_code",
    "exit_code",
    "fail",
    "http",
    "ids",
    "image",
    "image_files",
    "k8s_applied",
    "k8s_config_value",
    "k8s_diagnosis",
    "k8s_endpoints",
    "k8s_env_from",
    "k8s_image",
    "k8s_last_state",
    "k8s_manifest",
    "k8s_memory_limit",
    "k8s_pods_deleted",
    "k8s_pods_running",
    "k8s_probe",
    "k8s_ran",
    "k8s_reachable",
    "k8s_replicas",
    "k8s_resources",
    "k8s_rolled_out",
    "k8s_routes",
    "k8s_secret_keys",
    "k8s_service_type",
    "k8s_template",
    "k8s_zero_downtime",
    "mount",
    "no_containers",
    "output",
    "passed",
    "pinned",
    "ran",
    "recall",
    "registry_tag",
    "reset",
    "round_trip",
    "serves",
    "sizes",
    "smallest_of",
    "start",
    "summary",
    "under_size",
]
