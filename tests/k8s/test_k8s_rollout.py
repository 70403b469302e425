"""Deployments in motion: set image, rolling updates pod by pod, rollout status/history/undo."""

from __future__ import annotations

import re
import shlex

import pytest

from grader.k8s.cluster import Cluster
from grader.k8s.deployments import limits
from grader.k8s.kubectl import run

PACED = """apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: 3
  minReadySeconds: 10
  strategy:
    rollingUpdate: {maxSurge: 1, maxUnavailable: 0}
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
      - name: web
        image: nginx:1.27
"""


@pytest.fixture
def kubectl(sandbox_dir, clock):
    def call(line: str, stdin: str = ""):
        return run(shlex.split(line), stdin=stdin)

    return call


def _sets(kubectl) -> dict[str, tuple[int, str]]:
    """ReplicaSet name -> (desired replicas, image)."""
    out = kubectl("get rs -o jsonpath={.items[*].metadata.name}").stdout.split()
    found = {}
    for name in out:
        desired = kubectl(f"get rs {name} -o jsonpath={{.spec.replicas}}").stdout
        image = kubectl(
            f"get rs {name} -o jsonpath={{.spec.template.spec.containers[0].image}}"
        ).stdout
        found[name] = (int(desired), image)
    return found


def _images(kubectl) -> list[str]:
    """The image of every pod, sorted."""
    text = kubectl("get pods -o jsonpath={.items[*].spec.containers[0].image}").stdout
    return sorted(text.split())


def test_set_image_makes_a_new_replicaset_and_revision(kubectl):
    kubectl("create deployment web --image=nginx:1.27 --replicas=3")
    result = kubectl("set image deployment/web nginx=nginx:1.27-alpine")
    assert (result.stdout, result.code) == ("deployment.apps/web image updated\n", 0)
    sets = _sets(kubectl)
    assert sorted(sets.values()) == [(0, "nginx:1.27"), (3, "nginx:1.27-alpine")]
    assert _images(kubectl) == ["nginx:1.27-alpine"] * 3
    assert '"deployment.kubernetes.io/revision": "2"' in kubectl("get deploy web -o json").stdout


def test_set_image_errors_are_kubectls(kubectl):
    kubectl("create deployment web --image=nginx:1.27")
    missing = kubectl("set image deployment/web nope=nginx:1.27-alpine")
    assert (missing.stderr, missing.code) == ('error: unable to find container named "nope"\n', 1)
    assert kubectl("set image deployment/web").stderr == (
        "error: at least one image update is required\n"
    )
    gone = kubectl("set image deployment/other nginx=nginx:1.27-alpine")
    assert gone.stderr == 'Error from server (NotFound): deployments.apps "other" not found\n'
    same = kubectl("set image deployment/web nginx=nginx:1.27")
    assert (same.stdout, same.code) == ("", 0)  # no change: kubectl prints nothing


def test_set_image_every_container_with_a_star_and_on_a_bare_pod(kubectl):
    kubectl("create deployment multi --image=nginx:1.27 --image=busybox:1.36")
    kubectl("set image deploy multi '*=nginx:1.27-alpine'")
    images = kubectl(
        "get deploy multi -o jsonpath={.spec.template.spec.containers[*].image}"
    ).stdout
    assert images == "nginx:1.27-alpine nginx:1.27-alpine"
    kubectl("run solo --image=nginx:1.27")
    assert kubectl("set image pod/solo solo=nginx:1.27-alpine").stdout == "pod/solo image updated\n"
    pod = kubectl("get pod solo -o jsonpath={.status.containerStatuses[0].restartCount}")
    assert pod.stdout == "1"  # the kubelet restarted the container with the new image


def test_rolling_update_goes_pod_by_pod_on_the_clock(kubectl, clock, tmp_path):
    (tmp_path / "web.yaml").write_text(PACED)
    kubectl(f"apply -f {tmp_path / 'web.yaml'}")
    clock.advance(60)
    kubectl("set image deployment/web web=nginx:1.27-alpine")
    # maxSurge 1, maxUnavailable 0: one new pod beside the three old ones
    assert _images(kubectl) == ["nginx:1.27"] * 3 + ["nginx:1.27-alpine"]
    clock.advance(5)
    assert _images(kubectl) == ["nginx:1.27"] * 3 + ["nginx:1.27-alpine"]  # not available yet
    clock.advance(5)  # the new pod was ready 10 s: one old pod goes, a second new one comes
    assert _images(kubectl) == ["nginx:1.27"] * 2 + ["nginx:1.27-alpine"] * 2
    clock.advance(10)
    assert _images(kubectl) == ["nginx:1.27"] + ["nginx:1.27-alpine"] * 3
    clock.advance(10)
    assert _images(kubectl) == ["nginx:1.27-alpine"] * 3


def test_a_clock_jump_replays_the_steps_at_their_own_times(kubectl, clock, tmp_path):
    (tmp_path / "web.yaml").write_text(PACED)
    kubectl(f"apply -f {tmp_path / 'web.yaml'}")
    clock.advance(60)
    kubectl("set image deployment/web web=nginx:1.27-alpine")
    clock.advance(300)
    ages = kubectl("get pods -o jsonpath={.items[*].metadata.creationTimestamp}").stdout.split()
    assert len(ages) == 3 and len(set(ages)) == 3  # created 10 s apart, not all at once
    text = kubectl("describe deployment web").stdout
    steps = [
        line.split("deployment-controller")[1].strip()
        for line in text.splitlines()
        if "ScalingReplicaSet" in line
    ]
    assert steps[1:] == [
        f"Scaled up replica set {_new(kubectl)} to 1",
        f"Scaled down replica set {_old(kubectl)} to 2 from 3",
        f"Scaled up replica set {_new(kubectl)} to 2 from 1",
        f"Scaled down replica set {_old(kubectl)} to 1 from 2",
        f"Scaled up replica set {_new(kubectl)} to 3 from 2",
        f"Scaled down replica set {_old(kubectl)} to 0 from 1",
    ]


def _new(kubectl) -> str:
    return next(n for n, (count, _) in _sets(kubectl).items() if count)


def _old(kubectl) -> str:
    return next(n for n, (count, _) in _sets(kubectl).items() if not count)


def test_rollout_status_prints_each_step_and_moves_the_clock(kubectl, clock, tmp_path):
    (tmp_path / "web.yaml").write_text(PACED)
    kubectl(f"apply -f {tmp_path / 'web.yaml'}")
    clock.advance(60)
    kubectl("set image deployment/web web=nginx:1.27-alpine")
    before = Cluster.load().now()
    result = kubectl("rollout status deployment/web")
    assert result.stdout == (
        'Waiting for deployment "web" rollout to finish: 1 out of 3 new replicas have been '
        "updated...\n"
        'Waiting for deployment "web" rollout to finish: 2 out of 3 new replicas have been '
        "updated...\n"
        'Waiting for deployment "web" rollout to finish: 1 old replicas are pending '
        "termination...\n"
        'deployment "web" successfully rolled out\n'
    )
    assert result.code == 0
    assert Cluster.load().now() - before == pytest.approx(30, abs=1)
    again = kubectl("rollout status deploy web")
    assert again.stdout == 'deployment "web" successfully rolled out\n'


def test_rollout_status_of_a_new_deployment_waits_for_available_pods(kubectl, clock, tmp_path):
    (tmp_path / "web.yaml").write_text(PACED)
    kubectl(f"apply -f {tmp_path / 'web.yaml'}")
    assert kubectl("get deploy web").stdout.splitlines()[1].split()[1:4] == ["3/3", "3", "0"]
    assert kubectl("rollout status deployment/web").stdout == (
        'Waiting for deployment "web" rollout to finish: 0 of 3 updated replicas are '
        "available...\n"
        'deployment "web" successfully rolled out\n'
    )
    assert kubectl("get deploy web").stdout.splitlines()[1].split()[1:4] == ["3/3", "3", "3"]


def test_rollout_status_without_watch_prints_one_line(kubectl, clock, tmp_path):
    (tmp_path / "web.yaml").write_text(PACED)
    kubectl(f"apply -f {tmp_path / 'web.yaml'}")
    clock.advance(60)
    kubectl("set image deployment/web web=nginx:1.27-alpine")
    result = kubectl("rollout status deployment/web --watch=false")
    assert result.stdout == (
        'Waiting for deployment "web" rollout to finish: 1 out of 3 new replicas have been '
        "updated...\n"
    )
    assert result.code == 0


def test_a_missing_image_stalls_the_rollout_while_old_pods_serve(kubectl, clock):
    kubectl("create deployment web --image=nginx:1.27 --replicas=3 --port=80")
    kubectl("expose deployment web --port=80")
    kubectl("set image deployment/web nginx=nginx:9.99")
    clock.advance(30)
    pods = kubectl("get pods").stdout
    assert pods.count("Running") == 3
    assert len(re.findall("ErrImagePull|ImagePullBackOff", pods)) == 1
    endpoints = kubectl("get endpoints web -o jsonpath={.subsets[*].addresses[*].ip}").stdout
    assert len(endpoints.split()) == 3  # the old pods keep serving
    timed_out = kubectl("rollout status deployment/web --timeout=60s")
    assert timed_out.stdout == (
        'Waiting for deployment "web" rollout to finish: 1 out of 3 new replicas have been '
        "updated...\n"
    )
    assert (timed_out.stderr, timed_out.code) == (
        "error: timed out waiting for the condition\n",
        1,
    )
    serving = kubectl("logs deploy/web")  # kubectl picks a serving pod, not the stuck one
    assert serving.code == 0, serving.stderr
    stuck = kubectl("rollout status deployment/web")
    assert stuck.stderr == 'error: deployment "web" exceeded its progress deadline\n'
    assert stuck.code == 1
    condition = kubectl(
        'get deploy web -o jsonpath={.status.conditions[?(@.type=="Progressing")].reason}'
    )
    assert "ProgressDeadlineExceeded" in kubectl("get deploy web -o yaml").stdout, condition
    fixed = kubectl("rollout undo deployment/web")
    assert fixed.stdout == "deployment.apps/web rolled back\n"
    assert _images(kubectl) == ["nginx:1.27"] * 3
    assert "ImagePullBackOff" not in kubectl("get pods").stdout


def test_rollout_history_lists_revisions_and_change_causes(kubectl):
    kubectl("create deployment web --image=nginx:1.27")
    recorded = kubectl("set image deployment/web nginx=nginx:1.27-alpine --record")
    assert recorded.stderr == (
        "Flag --record has been deprecated, --record will be removed in the future\n"
    )
    kubectl("set image deployment/web nginx=nginx:1.27")  # revision 3 inherits the cause
    kubectl("annotate deployment/web kubernetes.io/change-cause='back to 1.27' --overwrite")
    history = kubectl("rollout history deployment/web")
    assert history.stdout == (
        "deployment.apps/web \n"
        "REVISION  CHANGE-CAUSE\n"
        "2         kubectl set image deployment/web nginx=nginx:1.27-alpine --record=true\n"
        "3         back to 1.27\n"
        "\n"
    )


def test_rollout_history_of_one_revision_shows_its_pod_template(kubectl):
    kubectl("create deployment web --image=nginx:1.27 --port=80")
    kubectl("set image deployment/web nginx=nginx:1.27-alpine")
    text = kubectl("rollout history deployment/web --revision=1").stdout
    assert text.startswith("deployment.apps/web with revision #1\nPod Template:\n")
    assert "  Labels:\tapp=web\n\tpod-template-hash=" in text
    assert "    Image:\tnginx:1.27\n    Port:\t80/TCP\n    Host Port:\t0/TCP\n" in text
    assert text.endswith("  Tolerations:\t<none>\n\n")
    missing = kubectl("rollout history deployment/web --revision=9")
    assert (missing.stderr, missing.code) == ("error: unable to find the specified revision\n", 1)


def test_rollout_undo_to_a_revision_and_its_refusals(kubectl):
    kubectl("create deployment web --image=nginx:1.27.5")
    first = kubectl("rollout undo deployment/web")
    assert first.stderr == 'error: no rollout history found for deployment "web"\n'
    kubectl("set image deployment/web nginx=nginx:1.27")
    kubectl("set image deployment/web nginx=nginx:1.27-alpine")
    assert kubectl("rollout undo deployment/web --to-revision=1").stdout == (
        "deployment.apps/web rolled back\n"
    )
    assert _images(kubectl) == ["nginx:1.27.5"]
    revisions = kubectl("rollout history deployment/web").stdout.split("\n")[2:-2]
    assert [line.split()[0] for line in revisions] == ["2", "3", "4"]  # 1 came back as 4
    same = kubectl("rollout undo deployment/web --to-revision=4")
    assert same.stdout == (
        "deployment.apps/web skipped rollback (current template already matches revision 4)\n"
    )
    nowhere = kubectl("rollout undo deployment/web --to-revision=7")
    assert nowhere.stderr == "error: unable to find specified revision 7 in history\n"
    pod = kubectl("rollout undo pod/x")
    assert pod.stderr.startswith('Error from server (NotFound): pods "x" not found')
    kubectl("run solo --image=nginx:1.27")
    kubectl("expose pod solo --port=80")
    refusals = {
        "rollout undo pod/solo": 'error: no rollbacker has been implemented for "Pod"',
        "rollout history pod/solo": 'error: no history viewer has been implemented for "Pod"',
        "rollout status pod/solo": "error: no status viewer has been implemented for Pod",
        "rollout history svc/solo": 'error: error retrieving history for "Service", no visitor '
        "method exists for { Service}",
    }
    for line, text in refusals.items():
        assert kubectl(line).stderr == text + "\n", line


def test_pause_holds_template_changes_until_resume(kubectl):
    kubectl("create deployment web --image=nginx:1.27.5 --replicas=2")
    kubectl("set image deployment/web nginx=nginx:1.27")
    assert kubectl("rollout pause deployment/web").stdout == "deployment.apps/web paused\n"
    again = kubectl("rollout pause deploy web")
    assert (again.stderr, again.code) == ('error: deployments.apps "web" is already paused\n', 1)
    kubectl("set image deployment/web nginx=nginx:1.27-alpine")
    kubectl("set image deployment/web nginx=nginx:1")
    assert _images(kubectl) == ["nginx:1.27"] * 2  # nothing rolled out while paused
    undo = kubectl("rollout undo deployment/web")
    assert undo.stderr.startswith("error: you cannot rollback a paused deployment")
    assert kubectl("rollout resume deploy/web").stdout == "deployment.apps/web resumed\n"
    assert _images(kubectl) == ["nginx:1"] * 2  # both changes in one rollout
    assert len(_sets(kubectl)) == 3
    assert kubectl("rollout resume deploy/web").stderr == (
        'error: deployments.apps "web" is not paused\n'
    )


def test_scale_changes_replicas_and_checks_current_replicas(kubectl):
    kubectl("create deployment web --image=nginx:1.27-alpine --replicas=2")
    assert kubectl("scale deployment web --replicas=4").stdout == "deployment.apps/web scaled\n"
    assert len(_images(kubectl)) == 4
    refused = kubectl("scale deploy/web --replicas=1 --current-replicas=2")
    assert (refused.stderr, refused.code) == ("error: Expected replicas to be 2, was 4\n", 1)
    by_label = kubectl("scale deploy -l app=web --replicas=1")
    assert by_label.stdout == "deployment.apps/web scaled\n"
    assert len(_images(kubectl)) == 1
    assert len(_sets(kubectl)) == 1  # scaling is no rollout: no new ReplicaSet


def test_recreate_replaces_every_pod_at_once(kubectl, tmp_path):
    (tmp_path / "web.yaml").write_text(
        PACED.replace(
            "  strategy:\n    rollingUpdate: {maxSurge: 1, maxUnavailable: 0}\n", ""
        ).replace("  minReadySeconds: 10\n", "  strategy: {type: Recreate}\n")
    )
    kubectl(f"apply -f {tmp_path / 'web.yaml'}")
    kubectl("set image deployment/web web=nginx:1.27-alpine")
    text = kubectl("describe deployment web").stdout
    assert re.search(r"^StrategyType: +Recreate$", text, re.M)
    assert "RollingUpdateStrategy" not in text
    events = [line for line in text.splitlines() if "ScalingReplicaSet" in line]
    assert "Scaled down replica set" in events[1] and "to 0 from 3" in events[1]
    assert events[2].endswith("to 3")


@pytest.mark.parametrize(
    ("surge", "unavailable", "replicas", "expected"),
    [
        ("25%", "25%", 3, (1, 0)),
        ("25%", "25%", 4, (1, 1)),
        ("25%", "25%", 10, (3, 2)),
        (0, 0, 3, (0, 1)),
        (2, "50%", 5, (2, 2)),
    ],
)
def test_surge_rounds_up_and_unavailable_down(surge, unavailable, replicas, expected):
    dep = {
        "spec": {
            "replicas": replicas,
            "strategy": {"rollingUpdate": {"maxSurge": surge, "maxUnavailable": unavailable}},
        }
    }
    assert limits(dep) == expected
