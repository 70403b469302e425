"""The lab 08/09 widgets as a student meets them: in JupyterLab, in headless Chromium.

A notebook is saved into the running lab (as a student would make one), then run cell by
cell: each widget draws, its text alternative (the visually hidden sentence a screen reader
reads) is there and says what the kernel's ``description`` says, and it redraws after a
``%%docker`` or ``%%kubectl`` cell changes the state (the rollout also after a click on
**Next step**, which the kernel answers). Screenshots go to artifacts/browser/.
"""

from __future__ import annotations

import json
import urllib.request

import nbformat
import pytest
from labkit import ARTIFACTS, CELL_OUTPUT, KERNEL_IDLE, TOKEN, run_cell

pytestmark = [pytest.mark.browser, pytest.mark.slow]

COMPOSE = """%%writefile compose.yaml
name: labshop
services:
  db:
    image: busybox:latest
    command: sh -c "echo ready > /data/status && sleep 600"
    volumes:
      - data:/data
    healthcheck:
      test: ["CMD-SHELL", "test -f /data/status"]
      interval: 1s
  api:
    image: busybox:latest
    command: sleep 600
    depends_on:
      db:
        condition: service_healthy
volumes:
  data:
"""
DEPLOYMENT = """%%writefile roll.yaml
apiVersion: apps/v1
kind: Deployment
metadata:
  name: roll
spec:
  replicas: 2
  minReadySeconds: 5
  strategy:
    rollingUpdate:
      maxSurge: 1
      maxUnavailable: 0
  selector:
    matchLabels:
      app: roll
  template:
    metadata:
      labels:
        app: roll
    spec:
      containers:
      - name: web
        image: nginx:1.27
"""
CELLS = [
    "%load_ext grader.magics\nfrom grader.widgets import ComposeGraph, NetworkDiagram, "
    "RolloutProgress",
    "net = NetworkDiagram()\nnet",
    "%%docker\ndocker network create lab-net\n"
    "docker run -d --name lab-web --network lab-net --network-alias site busybox:latest sleep 600",
    "print(net.description)",
    COMPOSE,
    'graph = ComposeGraph(project="labshop")\ngraph',
    "%%docker\ndocker compose up -d",
    "print(graph.description)",
    DEPLOYMENT,
    "%%kubectl\nkubectl apply -f roll.yaml",
    'rollout = RolloutProgress(deployment="roll")\nrollout',
    "%%kubectl\nkubectl set image deployment/roll web=nginx:1.27-alpine",
    "print(rollout.description)",
]
SPOKEN_SAYS = """([index, words]) => {
  const spoken = document.querySelectorAll('.course-widget p.cw-sr')[index];
  return spoken !== undefined && words.every((word) => spoken.textContent.includes(word));
}"""
STEPS_ABOVE = """(count) => document.querySelectorAll('.course-widget tr.cw-step').length > count"""


def save_notebook(lab: str, name: str) -> None:
    """Put a notebook of :data:`CELLS` into the lab through its contents API."""
    notebook = nbformat.v4.new_notebook()
    notebook.cells = [nbformat.v4.new_code_cell(source) for source in CELLS]
    notebook.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    body = json.dumps({"type": "notebook", "format": "json", "content": notebook}).encode()
    request = urllib.request.Request(
        f"{lab}/api/contents/{name}?token={TOKEN}", data=body, method="PUT"
    )
    request.add_header("Content-Type", "application/json")
    urllib.request.urlopen(request, timeout=30).close()


def spoken(page, index: int) -> str:
    return page.locator(".course-widget p.cw-sr").nth(index).text_content() or ""


def printed(page, index: int) -> str:
    return page.evaluate(CELL_OUTPUT, index).strip()


def test_a_student_watches_networks_compose_and_a_rollout(lab: str, page) -> None:
    save_notebook(lab, "widgets-08-09.ipynb")
    # A workspace of its own: the lab's default one, which the other tests open, is left as is.
    page.goto(f"{lab}/lab/workspaces/widgets/tree/widgets-08-09.ipynb?token={TOKEN}")
    page.wait_for_function(KERNEL_IDLE, timeout=90_000)
    run_cell(page, 0)

    run_cell(page, 1)
    network = page.locator(".course-widget").nth(0)
    network.wait_for()
    run_cell(page, 2)
    page.wait_for_function(
        SPOKEN_SAYS, arg=[0, ["Network lab-net (user-defined, names resolve)", "site"]]
    )
    assert "lab-net" in network.locator(".cw-group h4").all_inner_texts()
    chip = network.locator(".cw-group.cw-dns-on .cw-chip", has_text="lab-web")
    assert "DNS: lab-web, site" in chip.inner_text()
    run_cell(page, 3)
    assert spoken(page, 0) == printed(page, 3)
    network.screenshot(path=str(ARTIFACTS / "widget-networks.png"))

    run_cell(page, 4)
    run_cell(page, 5)
    page.wait_for_function(SPOKEN_SAYS, arg=[1, ["Project labshop has no containers"]])
    run_cell(page, 6)
    page.wait_for_function(SPOKEN_SAYS, arg=[1, ["depends on db: waits until it is healthy"]])
    graph = page.locator(".course-widget").nth(1)
    assert graph.locator("svg text.cw-label").all_text_contents() == ["waits: healthy"]
    assert graph.locator("svg text.cw-title title").all_text_contents() == ["db", "api"]
    run_cell(page, 7)
    assert spoken(page, 1) == printed(page, 7)
    graph.screenshot(path=str(ARTIFACTS / "widget-compose.png"))

    for index in (8, 9, 10, 11):
        run_cell(page, index)
    page.wait_for_function(SPOKEN_SAYS, arg=[2, ["revision 2 (nginx:1.27-alpine)"]])
    rollout = page.locator(".course-widget").nth(2)
    assert rollout.locator(".cw-revision").count() == 2
    assert "at most 3 pods" in rollout.inner_text()
    steps = rollout.locator("tr.cw-step").count()
    rollout.get_by_role("button", name="move the clock to the rollout's next step").click()
    page.wait_for_function(STEPS_ABOVE, arg=steps, timeout=30_000)
    run_cell(page, 12)
    assert spoken(page, 2) == printed(page, 12)
    assert "Steps seen: 1." in spoken(page, 2)
    rollout.screenshot(path=str(ARTIFACTS / "widget-rollout.png"))
