"""kubectl edit (with $KUBE_EDITOR / $EDITOR) and port-forward serving real HTTP on 127.0.0.1."""

from __future__ import annotations

import shlex
import socket
import sys
import tempfile
import threading
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from grader.k8s import portforward
from grader.k8s.edit import HEADER, editor_command
from grader.k8s.kubectl import Terminal, run

REPLACE = """import sys
from pathlib import Path
path = Path(sys.argv[-1])
text = path.read_text()
Path(sys.argv[-1] + ".seen").write_text(text)
path.write_text(text.replace({old!r}, {new!r}))
"""


@pytest.fixture
def kubectl(sandbox_dir):
    def call(line: str, terminal: Terminal | None = None):
        return run(shlex.split(line), terminal=terminal)

    yield call
    portforward.stop_all()


def _editor(tmp_path: Path, old: str, new: str) -> str:
    script = tmp_path / "editor.py"
    script.write_text(REPLACE.format(old=old, new=new))
    return f"{sys.executable} {script}"


def _terminal(editor: str) -> Terminal:
    return Terminal(editor, lambda _: None)


# -- edit ---------------------------------------------------------------------------------------


def test_edit_runs_the_editor_and_applies_the_change(kubectl, tmp_path):
    kubectl("create deployment web --image=nginx:1.27")
    editor = _editor(tmp_path, "replicas: 1", "replicas: 3")
    result = kubectl("edit deployment/web", _terminal(editor))
    assert (result.stdout, result.code) == ("deployment.apps/web edited\n", 0)
    assert kubectl("get deploy web -o jsonpath={.spec.replicas}").stdout == "3"
    assert len(kubectl("get pods -o name").stdout.split()) == 3


def test_the_edited_file_starts_with_kubectls_comment(kubectl, tmp_path, monkeypatch):
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))  # where kubectl writes the file
    kubectl("create configmap app --from-literal=mode=dev")
    editor = _editor(tmp_path, "mode: dev", "mode: prod")
    assert kubectl("edit cm app", _terminal(editor)).stdout == "configmap/app edited\n"
    shown = next(tmp_path.glob("kubectl-edit-*.seen")).read_text()
    assert shown.startswith(HEADER + "apiVersion: v1\n")
    assert kubectl("get cm app -o jsonpath={.data.mode}").stdout == "prod"


def test_an_unchanged_or_emptied_file_cancels_the_edit(kubectl, tmp_path):
    kubectl("create deployment web --image=nginx:1.27")
    same = kubectl("edit deploy web", _terminal(_editor(tmp_path, "no such text", "x")))
    assert same.stdout == "Edit cancelled, no changes made.\n"
    empty = tmp_path / "empty.py"
    empty.write_text("import sys\nopen(sys.argv[-1], 'w').close()\n")
    emptied = kubectl("edit deploy web", _terminal(f"{sys.executable} {empty}"))
    assert emptied.stdout == "Edit cancelled, saved file was empty.\n"


def test_an_invalid_edit_is_not_applied(kubectl, tmp_path):
    kubectl("create deployment web --image=nginx:1.27")
    editor = _editor(tmp_path, "replicas: 1", "replicas: many")
    result = kubectl("edit deployment/web", _terminal(editor))
    assert result.code == 1
    assert result.stderr.startswith('A copy of your changes has been stored to "')
    assert "error: deployment.apps/web is invalid: " in result.stderr
    assert kubectl("get deploy web -o jsonpath={.spec.replicas}").stdout == "1"
    renamed = kubectl(
        "edit deployment/web", _terminal(_editor(tmp_path, "name: web\n", "name: x\n"))
    )
    assert "cannot be changed" in renamed.stderr


def test_a_failing_editor_and_no_terminal(kubectl, tmp_path):
    kubectl("create deployment web --image=nginx:1.27")
    failing = kubectl("edit deploy/web", _terminal(f"{sys.executable} -c 'raise SystemExit(1)'"))
    assert failing.stderr.startswith('error: there was a problem with the editor "')
    notebook = kubectl("edit deploy/web")
    assert notebook.code == 1 and "needs a terminal" in notebook.stderr
    assert kubectl("edit deploy/nope").stderr == (
        'Error from server (NotFound): deployments.apps "nope" not found\n'
    )


def test_editor_comes_from_kube_editor_then_editor(monkeypatch):
    monkeypatch.delenv("KUBE_EDITOR", raising=False)
    monkeypatch.delenv("EDITOR", raising=False)
    assert editor_command() == "vi"
    monkeypatch.setenv("EDITOR", "nano")
    assert editor_command() == "nano"
    monkeypatch.setenv("KUBE_EDITOR", "code --wait")
    assert editor_command() == "code --wait"


# -- port-forward ---------------------------------------------------------------------------------


def _get(port: int, path: str = "/") -> tuple[int, dict[str, str], str]:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=10) as answer:
            return answer.status, dict(answer.headers), answer.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read().decode()


def test_port_forward_serves_the_pods_page_on_localhost(kubectl, free_port):
    unused_port = free_port()
    kubectl("run web --image=nginx:1.27")
    result = kubectl(f"port-forward pod/web {unused_port}:80")
    assert (result.stdout, result.code) == (f"Forwarding from 127.0.0.1:{unused_port} -> 80\n", 0)
    status, headers, body = _get(unused_port)
    assert status == 200 and "<title>Welcome to nginx!</title>" in body
    assert headers["Server"] == "nginx/1.27.5"
    missing, _, page = _get(unused_port, "/nope.html")
    assert missing == 404 and "<h1>404 Not Found</h1>" in page
    logs = kubectl("logs web").stdout
    assert '"GET / HTTP/1.1" 200' in logs and '"GET /nope.html HTTP/1.1" 404' in logs
    with socket.socket() as probe:  # loopback only
        assert probe.connect_ex(("127.0.0.1", unused_port)) == 0


def test_port_forward_through_a_deployment_or_service(kubectl, free_port):
    kubectl("create deployment web --image=nginx:1.27 --port=80")
    kubectl("expose deployment web --port=8080 --target-port=80")
    first, second = free_port(), free_port()
    assert kubectl(f"port-forward deploy/web {first}:80").code == 0
    assert _get(first)[0] == 200
    via_service = kubectl(f"port-forward svc/web {second}:8080")
    assert via_service.stdout == f"Forwarding from 127.0.0.1:{second} -> 80\n"  # the targetPort
    assert _get(second)[0] == 200


def test_port_forward_picks_a_free_port_for_colon_port(kubectl):
    kubectl("run web --image=nginx:1.27")
    result = kubectl("port-forward web :80")
    port = int(result.stdout.split(":")[1].split()[0])
    assert port > 0 and _get(port)[0] == 200


def test_port_forward_refusals(kubectl, free_port):
    unused_port = free_port()
    kubectl("run web --image=nginx:1.27")
    kubectl("run broken --image=nginx:9.99")
    cases = {
        "port-forward pod/web abc:80": "error: error parsing local port 'abc': "
        'strconv.ParseUint: parsing "abc": invalid syntax',
        "port-forward pod/web 70000:80": "error: error parsing local port '70000': "
        'strconv.ParseUint: parsing "70000": value out of range',
        "port-forward pod/web": "error: TYPE/NAME and list of ports are required for port-forward",
        f"port-forward pod/broken {unused_port}:80": "error: unable to forward port because pod "
        "is not running. Current status=Pending",
        f"port-forward pod/nope {unused_port}:80": 'Error from server (NotFound): pods "nope" '
        "not found",
        f"port-forward pod/web {unused_port}:80 --address 0.0.0.0": "error: the simulated "
        "cluster forwards on 127.0.0.1 only, not on 0.0.0.0",
    }
    for line, first in cases.items():
        result = kubectl(line)
        assert (result.stderr.splitlines()[0], result.code) == (first, 1), line


class Lines:
    """What a foreground port-forward prints, with a wait for the n-th line (no polling)."""

    def __init__(self) -> None:
        self.lines: list[str] = []
        self.changed = threading.Condition()

    def say(self, text: str) -> None:
        with self.changed:
            self.lines.append(text)
            self.changed.notify_all()

    def wait_for(self, count: int) -> list[str]:
        with self.changed:
            assert self.changed.wait_for(lambda: len(self.lines) >= count, timeout=10)
            return list(self.lines)


def test_a_port_the_pod_does_not_listen_on_closes_the_connection(kubectl, free_port):
    unused_port = free_port()
    kubectl("run web --image=nginx:1.27")
    printed = Lines()
    ended = threading.Event()

    def forward() -> None:
        kubectl(f"port-forward pod/web {unused_port}:81", Terminal("vi", printed.say))
        ended.set()

    worker = threading.Thread(target=forward, daemon=True)
    worker.start()
    assert printed.wait_for(1) == [f"Forwarding from 127.0.0.1:{unused_port} -> 81\n"]
    with pytest.raises((urllib.error.URLError, ConnectionError, OSError)):
        _get(unused_port)
    lines = printed.wait_for(3)
    assert lines[1] == f"Handling connection for {unused_port}\n"
    assert "an error occurred forwarding" in lines[2] and "connection refused" in lines[2]
    portforward.stop_all()
    assert ended.wait(10)  # the foreground forwarder returns once stopped
