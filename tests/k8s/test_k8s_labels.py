"""kubectl label / annotate, and label selectors on get, delete, logs, describe."""

from __future__ import annotations

import shlex

import pytest

from grader.k8s.kubectl import run
from grader.k8s.selectors import SelectorError, parse


@pytest.fixture
def kubectl(sandbox_dir):
    def call(line: str):
        return run(shlex.split(line))

    kubectl_lines = [
        "run web --image=nginx:1.27 --labels=app=web,tier=frontend",
        "run api --image=nginx:1.27 --labels=app=api,tier=backend",
        "run db --image=nginx:1.27 --labels=app=db",
    ]
    for line in kubectl_lines:
        assert call(line).code == 0
    return call


def _labels(kubectl, pod: str) -> str:
    return kubectl(f"get pod {pod} -o jsonpath={{.metadata.labels}}").stdout


def test_label_adds_a_label(kubectl):
    result = kubectl("label pods db tier=storage")
    assert (result.stdout, result.code) == ("pod/db labeled\n", 0)
    assert kubectl("get pods -l tier=storage -o name").stdout == "pod/db\n"


def test_an_existing_label_needs_overwrite(kubectl):
    refused = kubectl("label pod web tier=edge")
    assert (
        refused.stderr == "error: 'tier' already has a value (frontend), and --overwrite is false\n"
    )
    assert refused.code == 1
    assert kubectl("get pods -l tier=frontend -o name").stdout == "pod/web\n"  # unchanged
    done = kubectl("label pod web tier=edge --overwrite")
    assert done.stdout == "pod/web labeled\n"
    assert kubectl("get pods -l tier=edge -o name").stdout == "pod/web\n"
    same = kubectl("label pod web tier=edge")  # the same value is no change, no error
    assert (same.stdout, same.code) == ("pod/web not labeled\n", 0)


def test_a_trailing_dash_removes_a_label(kubectl):
    assert kubectl("label pod web tier-").stdout == "pod/web unlabeled\n"
    assert kubectl("get pods -l tier -o name").stdout == "pod/api\n"
    again = kubectl("label pod web tier-")
    assert again.stdout == 'label "tier" not found.\npod/web not labeled\n'


def test_adding_and_removing_in_one_command_is_modified(kubectl):
    assert kubectl("label pod api team=shop tier-").stdout == "pod/api modified\n"


def test_label_refusals_are_kubectls(kubectl):
    cases = {
        "label pods web": "error: at least one label update is required",
        "label": "error: one or more resources must be specified as <resource> <name> or "
        "<resource>/<name>",
        "label pods web tier=a tier-": "error: can not both modify and remove a label in the "
        "same command",
        "label pods web a=b=c": "error: invalid label spec: a=b=c",
        "label pods --all -l app=web x=y": "error: cannot set --all and --selector at the same "
        "time",
    }
    for line, first in cases.items():
        result = kubectl(line)
        assert (result.stderr.splitlines()[0], result.code) == (first, 1), line
    bad_value = kubectl("label pods web 'tier=a b'")
    assert bad_value.stderr.startswith('error: invalid label value: "tier=a b": a valid label')
    bad_key = kubectl("label pods web 'bad key=x'")
    assert bad_key.stderr.startswith(
        'The Pod "web" is invalid: metadata.labels: Invalid value: "bad key": name part must'
    )
    missing = kubectl("label pods nope a=b")
    assert missing.stderr == 'Error from server (NotFound): pods "nope" not found\n'


def test_label_by_selector_and_all(kubectl):
    result = kubectl("label pods -l 'tier in (frontend,backend)' exposed=yes")
    assert result.stdout == "pod/api labeled\npod/web labeled\n"
    assert kubectl("label pods --all env=prod").stdout.count("labeled") == 3
    assert kubectl("get pods -l env=prod,exposed=yes -o name").stdout == "pod/api\npod/web\n"


def test_label_list_and_dry_run(kubectl):
    assert kubectl("label pod db --list").stdout == "app=db\n"
    dry = kubectl("label pod db tier=x --dry-run=client")
    assert dry.stdout == "pod/db labeled (dry run)\n"
    assert "tier" not in _labels(kubectl, "db")


def test_relabelling_a_pod_out_of_its_replicaset_gets_it_replaced(kubectl):
    kubectl("create deployment shop --image=nginx:1.27 --replicas=2")
    pods = kubectl("get pods -l app=shop -o name").stdout.split()
    kubectl(f"label {pods[0]} app=debug --overwrite")
    assert len(kubectl("get pods -l app=shop -o name").stdout.split()) == 2  # a new one came
    assert kubectl("get pods -l app=debug -o name").stdout == pods[0] + "\n"  # kept, freed
    owners = kubectl(f"get {pods[0]} -o jsonpath={{.metadata.ownerReferences}}").stdout
    assert owners in {"", "[]"}


def test_annotate_sets_overwrites_and_removes(kubectl):
    assert kubectl("annotate pod web note=hello").stdout == "pod/web annotated\n"
    refused = kubectl("annotate pod web note=bye")
    assert refused.stderr == (
        "error: --overwrite is false but found the following declared annotation(s): 'note' "
        "already has a value (hello)\n"
    )
    assert kubectl("annotate pod web note=bye --overwrite").code == 0
    assert '"note": "bye"' in kubectl("get pod web -o json").stdout
    assert kubectl("annotate pod web note-").stdout == "pod/web annotated\n"
    assert '"note"' not in kubectl("get pod web -o json").stdout
    assert (
        kubectl("annotate pods web").stderr == "error: at least one annotation update is required\n"
    )
    both = kubectl("annotate pods web a=1 a-")
    assert both.stderr == (
        "error: can not both modify and remove the following annotation(s) in the same command: a\n"
    )


def test_change_cause_can_always_be_overwritten(kubectl):
    kubectl("create deployment shop --image=nginx:1.27")
    kubectl("annotate deploy shop kubernetes.io/change-cause=first")
    second = kubectl("annotate deploy shop kubernetes.io/change-cause=second")
    assert (second.stdout, second.code) == ("deployment.apps/shop annotated\n", 0)


@pytest.mark.parametrize(
    ("selector", "names"),
    [
        ("app=web", ["web"]),
        ("app==web", ["web"]),
        ("app!=web", ["api", "db"]),
        ("app in (web,api)", ["api", "web"]),
        ("app notin (web, api)", ["db"]),
        ("tier", ["api", "web"]),
        ("!tier", ["db"]),
        ("tier!=frontend", ["api", "db"]),
        ("app in (web,api),tier=backend", ["api"]),
    ],
)
def test_selectors_on_get(kubectl, selector, names):
    out = kubectl(f"get pods -l '{selector}' -o name").stdout
    assert out == "".join(f"pod/{n}\n" for n in names)


def test_selectors_on_delete_logs_describe_and_all_namespaces(kubectl):
    # with a selector, kubectl shows each pod's last 10 lines
    assert kubectl("logs -l 'app in (web)'").stdout == kubectl("logs web --tail=10").stdout
    described = kubectl("describe pods -l tier=backend").stdout
    assert (
        described.startswith("Name:             api\n") and "Name:             web" not in described
    )
    kubectl("create namespace shop")
    kubectl("run cart -n shop --image=nginx:1.27 --labels=app=web")
    everywhere = kubectl("get pods -A -l app=web").stdout
    assert "shop        cart" in everywhere and "default     web" in everywhere
    assert kubectl("delete pods -l 'app notin (web)'").stdout == (
        'pod "api" deleted\npod "db" deleted\n'
    )
    assert kubectl("get pods -o name").stdout == "pod/web\n"
    assert kubectl("delete pods -l app=nothing").stderr == "No resources found\n"


def test_a_selector_that_does_not_parse():
    with pytest.raises(SelectorError, match="unable to parse requirement: found 'a b'"):
        parse("a b")
    assert parse("").matches({"any": "thing"})
