"""The rollout widget on the simulated cluster: steps within the bounds, a stall, an undo."""

from __future__ import annotations

import pytest

from grader.k8s.kubectl import run
from grader.kubectl_magic import run_cell
from grader.widgets import RolloutProgress

WEB = """\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: 4
  minReadySeconds: 5
  strategy:
    rollingUpdate:
      maxSurge: 1
      maxUnavailable: 1
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
"""


@pytest.fixture
def web(sandbox_dir, clock, tmp_path, monkeypatch) -> RolloutProgress:
    """Deployment web (4 replicas, surge 1, unavailable 1) rolled out, on a clock that waits."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "web.yaml").write_text(WEB)
    assert run(["apply", "-f", "web.yaml"]).code == 0
    widget = RolloutProgress(deployment="web")
    widget.play()
    return widget


def kubectl(line: str) -> None:
    """A ``%%kubectl`` cell of one line (it refreshes the widgets on screen)."""
    assert run_cell(line) == 0


def totals(step):
    pods = [p for revision in step for p in revision["pods"]]
    return len(pods), sum(p["state"] == "available" for p in pods)


def test_a_rolling_update_moves_pod_by_pod_within_its_bounds(web):
    assert web.current["phase"] == "complete"
    assert (web.current["max_pods"], web.current["min_available"]) == (5, 3)
    first = len(web.steps)
    kubectl("kubectl set image deployment/web web=nginx:1.27-alpine")
    [old, new] = web.current["revisions"]
    assert (old["image"], new["image"]) == ("nginx:1.27", "nginx:1.27-alpine")
    assert web.current["phase"] == "progressing"
    web.play()
    assert web.current["phase"] == "complete"
    update = web.steps[first - 1 :]
    assert len(update) >= 4, "the update was not seen step by step"
    for step in update:
        pods, available = totals(step)
        assert pods <= 5 and available >= 3, step
    news = [
        sum(len(r["pods"]) for r in step if r["image"] == "nginx:1.27-alpine") for step in update
    ]
    assert news == sorted(news) and news[-1] == 4
    [done] = web.current["revisions"]
    assert [p["state"] for p in done["pods"]] == ["available"] * 4
    assert "Scaled down replica set" in web.current["events"][-1]
    assert web.description.startswith(
        "Deployment web: 4 replicas, maxSurge 1 (at most 5 pods), maxUnavailable 1 "
        "(at least 3 available). Rollout complete: 4 pods, 4 available. Now: revision 2 "
        "(nginx:1.27-alpine): 4 pods, 4 available. Steps seen: 1."
    )


def test_a_stalled_rollout_and_its_undo(web):
    kubectl("kubectl set image deployment/web web=nginx:1.27.55")
    web.play()
    assert web.current["phase"] == "stalled"
    old, new = web.current["revisions"]
    assert {p["status"] for p in new["pods"]} <= {"ErrImagePull", "ImagePullBackOff"}
    assert all(p["state"] == "failing" for p in new["pods"])
    assert sum(p["state"] == "available" for p in old["pods"]) >= 3
    assert "Rollout stalled" in web.description and "failing: " in web.description
    web.handle({"type": "step"})
    assert web.current["phase"] == "stalled", "a stall does not end by waiting"
    for _ in range(20):  # 30 simulated seconds a step: past progressDeadlineSeconds (600)
        web.step()
    assert web.current["phase"] == "deadline exceeded"
    assert "Rollout deadline exceeded" in web.description
    assert len(web.current["revisions"]) == 2, "nothing rolls back by itself"
    kubectl("kubectl rollout undo deployment/web")
    web.play()
    [back] = web.current["revisions"]
    assert (back["revision"], back["image"], web.current["phase"]) == (3, "nginx:1.27", "complete")


def test_no_deployment_is_said_not_drawn(sandbox_dir):
    widget = RolloutProgress(deployment="nothing")
    assert widget.current == {} and widget.steps == []
    assert widget.description == "There is no Deployment nothing."
