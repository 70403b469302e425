"""The widgets' JavaScript in headless Chromium, against a model fed by Python.

No JupyterLab here (tests/browser covers the lab): each widget's ESM (its module with the
shared prelude) is imported into a blank page with a minimal anywidget-like model holding
the Python widget's real trait values. Clicking a button must send the message the Python
side handles; its new state must redraw.
"""

from __future__ import annotations

import base64
import io
import json

import pytest

from grader.k8s.kubectl import run
from grader.widgets import (
    ComposeGraph,
    EngineMap,
    LifecycleWidget,
    NetworkDiagram,
    PortMap,
    RolloutProgress,
    StackWidget,
)
from grader.widgets.k8s_cluster import ClusterDiagram, RequestFlow
from grader.widgets.layers import LayerStack
from grader.widgets.registry import RegistryFlow

pytestmark = [pytest.mark.browser, pytest.mark.slow]

HARNESS = """
async (args) => {
  const listeners = {};
  window.sent = [];
  const state = args.state;
  window.model = {
    get: (name) => state[name],
    on: (event, callback) => { (listeners[event] ||= []).push(callback); },
    send: (message) => window.sent.push(message),
    set_state: (next) => {
      Object.assign(state, next);
      for (const name of Object.keys(next)) (listeners[`change:${name}`] || []).forEach((f) => f());
    },
  };
  const module = await import(`data:text/javascript;base64,${args.code}`);
  const root = document.createElement("div");
  document.body.append(root);
  module.default.render({ model: window.model, el: root });
}
"""


def state_of(widget, names):
    return json.loads(json.dumps({name: getattr(widget, name) for name in names}))


@pytest.fixture
def page():
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path="/usr/bin/chromium",
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--no-first-run",
            ],
        )
        yield browser.new_page()
        browser.close()


def mount(page, widget, names):
    source = widget._esm  # anywidget has read the file into a string by now
    text = source if isinstance(source, str) else source.read_text()
    code = base64.b64encode(text.encode()).decode()
    page.evaluate(HARNESS, {"code": code, "state": state_of(widget, names)})


CLUSTER_TRAITS = ["nodes", "services", "etcd", "events", "message", "description"]


def test_cluster_diagram_crash_and_delete_buttons_round_trip(sandbox_dir, page):
    assert run(["create", "deployment", "web", "--image=nginx:1.27", "--replicas=2"]).code == 0
    diagram = ClusterDiagram()
    mount(page, diagram, CLUSTER_TRAITS)
    text = page.inner_text("body")
    assert "control-plane-1" in text and "kube-apiserver" in text and "etcd 1/1 members up" in text
    victim = diagram.nodes[1]["pods"][0]
    page.click(f"button[aria-label='crash the container of pod {victim['name']}']")
    (message,) = page.evaluate("window.sent")
    assert message == {"type": "crash_pod", "name": victim["name"], "namespace": "default"}
    diagram._handle_message(diagram, message, [])
    diagram.wait(5)
    page.evaluate("(next) => window.model.set_state(next)", state_of(diagram, CLUSTER_TRAITS))
    pods = page.locator(".k8s-pod").all_inner_texts()
    assert any(victim["name"] in pod and victim["ip"] in pod and "↻1" in pod for pod in pods)
    page.click(f"button[aria-label='delete pod {victim['name']}']")
    message = page.evaluate("window.sent")[-1]
    assert message == {"type": "delete_pod", "name": victim["name"], "namespace": "default"}
    diagram._handle_message(diagram, message, [])
    page.evaluate("(next) => window.model.set_state(next)", state_of(diagram, CLUSTER_TRAITS))
    pods = page.locator(".k8s-pod").all_inner_texts()
    assert len(pods) == 2 and not any(victim["name"] in pod for pod in pods)
    assert f"pod {victim['name']} deleted" in page.inner_text("body")
    assert page.locator(".cw-sr").inner_text() == diagram.description


def test_request_flow_draws_the_hops(sandbox_dir, page):
    run(["create", "deployment", "web", "--image=nginx:1.27"])
    run(["expose", "deployment", "web", "--port=80"])
    run(["create", "ingress", "site", "--class=nginx", "--rule=my-app.com/*=web:80"])
    flow = RequestFlow()
    mount(page, flow, ["host", "path", "hops", "description"])
    hops = page.locator(".k8s-hop").all_inner_texts()
    assert (
        hops[0] == "browser"
        and hops[1] == "Ingress site"
        and hops[2].startswith("Service web 10.96.")
    )
    assert hops[3].startswith("pod web-")
    page.click("text=Send")
    assert page.evaluate("window.sent") == [{"type": "send", "host": "my-app.com", "path": "/"}]


LIVE_WIDGETS = {
    "engine map": (EngineMap, ["graph", "description", "error"]),
    "lifecycle": (LifecycleWidget, ["container", "state", "states", "transitions", "description"]),
    "ports": (PortMap, ["mappings", "description", "error"]),
    "layers": (lambda: LayerStack("busybox:latest"), ["image", "layers", "description", "error"]),
    "registry": (
        RegistryFlow,
        ["host", "local", "remote", "moved", "arrived", "description", "error"],
    ),
    "networks": (NetworkDiagram, ["picture", "description", "error"]),
    "compose": (
        lambda: ComposeGraph(project="shop"),
        ["project", "services", "description", "error"],
    ),
    "rollout": (
        lambda: RolloutProgress(deployment="web"),
        ["deployment", "current", "steps", "description"],
    ),
}


@pytest.mark.parametrize("kind", list(LIVE_WIDGETS))
def test_live_widget_draws_and_its_refresh_button_asks_python(sandbox_dir, page, kind):
    from grader.engine import get_engine

    list(get_engine().pull("busybox", tag="latest"))
    make, names = LIVE_WIDGETS[kind]
    widget = make()
    mount(page, widget, names)
    assert page.locator("p.cw-sr").inner_text() == widget.description
    assert page.locator(".course-widget > .cw-bar > button").first.inner_text() == "Refresh"
    page.click("text=Refresh")
    assert page.evaluate("window.sent") == [{"type": "refresh"}]
    page.evaluate("window.model.set_state({description: 'redrawn', error: 'engine gone'})")
    assert page.locator("p.cw-sr").inner_text() == "redrawn"
    if "error" in names:
        assert page.locator("[role=alert]").inner_text() == "engine gone"


def test_stack_widget_draws_the_chosen_mode(page):
    widget = StackWidget(mode="vms", instances=2)
    mount(page, widget, ["mode", "instances", "stack", "description"])
    pressed = page.locator("button[aria-pressed=true]").all_inner_texts()
    assert pressed == ["Virtual machines"]
    assert page.locator(".cw-column").count() == 2
    assert "60 s" in page.locator(".cw-caption").inner_text()
    assert page.locator("p.cw-sr").inner_text() == widget.description


def test_engine_map_fits_its_mounts_column(sandbox_dir, page, tmp_path):
    from grader.dockercli import execute
    from grader.engine import get_engine

    engine = get_engine()
    site = tmp_path / "a-rather-long-folder-name-for-the-site"
    site.mkdir()
    execute(
        ["run", "-d", "--name", "web", "-v", f"{site}:/usr/share/nginx/html:ro", "nginx"],
        engine,
        stdout=io.StringIO(),
        stderr=io.StringIO(),
    )
    widget = EngineMap()
    widget.update(engine)
    mount(page, widget, ["graph", "description", "error"])
    width = page.evaluate(
        "document.querySelector('svg').getBBox && document.querySelector('svg').width.baseVal.value"
    )
    right = page.evaluate(
        "Math.max(...[...document.querySelectorAll('svg rect')]"
        ".map((r) => r.x.baseVal.value + r.width.baseVal.value))"
    )
    assert right <= width, "the Mounts column is cut off"
    assert "Mounts" in page.inner_text("body")


def test_lifecycle_labels_keep_off_the_arrows(page):
    widget = LifecycleWidget()
    mount(page, widget, ["container", "state", "states", "transitions", "description"])
    overlaps = page.evaluate(
        """() => {
          const labels = [...document.querySelectorAll('text.cw-label')];
          const paths = [...document.querySelectorAll('path.cw-edge')];
          let hits = 0;
          for (const label of labels) {
            const box = label.getBBox();
            for (const path of paths) {
              const length = path.getTotalLength();
              for (let at = 0; at <= length; at += 2) {
                const p = path.getPointAtLength(at);
                if (p.x > box.x + 1 && p.x < box.x + box.width - 1 &&
                    p.y > box.y + 1 && p.y < box.y + box.height - 1) { hits++; break; }
              }
            }
          }
          return hits;
        }"""
    )
    assert overlaps == 0
    crowded = page.evaluate(
        """() => {
          const svg = document.querySelector('svg');
          const boxes = [...document.querySelectorAll('text.cw-label')].map((t) => t.getBBox());
          const inside = boxes.every((b) => b.x >= 0 && b.x + b.width <= svg.width.baseVal.value);
          let pairs = 0;
          boxes.forEach((a, i) => boxes.slice(i + 1).forEach((b) => {
            if (a.x < b.x + b.width && b.x < a.x + a.width &&
                a.y < b.y + b.height && b.y < a.y + a.height) pairs++;
          }));
          return { inside, pairs };
        }"""
    )
    assert crowded == {"inside": True, "pairs": 0}
