"""Record golden outputs of the real Docker 28 CLI, with the daemon JSON it rendered.

Run by hand against the dev daemon (``DOCKER_HOST=unix:///tmp/dk/docker.sock``)::

    .venv/bin/python tests/render/record_goldens.py

It creates a few ``rnd-`` objects, and for each case stores the Engine API JSON the CLI
would have read (fetched over the socket just before) with the CLI's stdout/stderr/exit code
and the time of the run, into ``tests/data/render/goldens.json``. A case is kept only when
two CLI runs around the API fetch print the same thing, so relative times are exact.
``test_goldens.py`` renders the stored JSON and must print the stored output.
"""

from __future__ import annotations

import http.client
import json
import os
import socket
import subprocess
import time
import urllib.parse
from pathlib import Path

OUT = Path(__file__).resolve().parents[1] / "data" / "render" / "goldens.json"
SOCKET = os.environ.get("DOCKER_HOST", "unix:///tmp/dk/docker.sock").removeprefix("unix://")
NOTES_FORMAT = (
    "ID\\t{{.ID}}\\nNAME\\t{{.Names}}\\nImage\\t{{.Image}}\\nPORTS\\t{{.Ports}}\\n"
    "COMMAND\\t{{.Command}}\\nCREATED\\t{{.CreatedAt}}\\nSTATUS\\t{{.Status}}\\n"
)
NAME_FILTER = {"name": ["rnd-"]}


class _UnixConnection(http.client.HTTPConnection):
    def connect(self) -> None:
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.sock.connect(SOCKET)


def api(path: str, **params: object) -> object:
    query = urllib.parse.urlencode(
        {k: json.dumps(v) if isinstance(v, dict) else v for k, v in params.items()}
    )
    conn = _UnixConnection("docker")
    conn.request("GET", "/v1.41" + path + ("?" + query if query else ""))
    body = conn.getresponse().read()
    return json.loads(body)


def cli(*argv: str) -> tuple[str, str, int]:
    proc = subprocess.run(["docker", *argv], capture_output=True, text=True, check=False)
    return proc.stdout, proc.stderr, proc.returncode


def setup() -> None:
    sh = ["docker", "run", "-d", "--label", "course.part=render"]
    subprocess.run(["docker", "rm", "-f", *[f"rnd-{n}" for n in NAMES]], capture_output=True)
    commands = [
        [
            *sh,
            "--name",
            "rnd-web",
            "-p",
            "8080:80",
            "-p",
            "8081:80",
            "-l",
            "tier=front",
            "busybox",
            "httpd",
            "-f",
            "-p",
            "80",
        ],
        [
            *sh,
            "--name",
            "rnd-range",
            "-p",
            "9000-9002:9000-9002",
            "--expose",
            "7000-7001",
            "busybox",
            "sleep",
            "3600",
        ],
        ["docker", "run", "--name", "rnd-exited", "busybox", "sh", "-c", "exit 3"],
        ["docker", "create", "--name", "rnd-created", "rnd-img:1.0"],
        [
            *sh,
            "--name",
            "rnd-vols",
            "-v",
            "rnd-vol1:/data",
            "-v",
            "/tmp:/host:ro",
            "busybox",
            "sleep",
            "3600",
        ],
    ]
    for command in commands:
        subprocess.run(command, capture_output=True, check=False)
    subprocess.run(
        ["docker", "volume", "create", "--label", "x=y", "rnd-vol2"], capture_output=True
    )
    subprocess.run(["docker", "network", "create", "rnd-net"], capture_output=True)


NAMES = ["web", "range", "exited", "created", "vols"]


def cases() -> list[tuple[str, list[str], dict[str, tuple[str, dict]]]]:
    ps = ("/containers/json", {"all": 1, "filters": NAME_FILTER})
    ps_size = ("/containers/json", {"all": 1, "size": 1, "filters": NAME_FILTER})
    flt = ["--filter", "name=rnd-"]
    return [
        ("ps", ["ps", "-a", *flt], {"containers": ps}),
        ("ps", ["ps", "-a", "--no-trunc", *flt], {"containers": ps}),
        ("ps", ["ps", "-a", "--format", "json", *flt], {"containers": ps}),
        (
            "ps",
            ["ps", "-a", "--format", "table {{.Names}}\\t{{.Ports}}\\t{{.State}}", *flt],
            {"containers": ps},
        ),
        ("ps", ["ps", "-a", "--format", NOTES_FORMAT, *flt], {"containers": ps}),
        (
            "ps",
            ["ps", "-a", "--format", '{{.Names}} {{.Label "tier"}} {{.Labels}}', *flt],
            {"containers": ps},
        ),
        (
            "ps",
            ["ps", "-a", "--format", "table {{.Names}}\\t{{.Mounts}}\\t{{.Networks}}", *flt],
            {"containers": ps},
        ),
        ("ps", ["ps", "-a", "-s", *flt], {"containers": ps_size}),
        (
            "images",
            ["images", "rnd-img"],
            {"images": ("/images/json", {"filters": {"reference": ["rnd-img"]}})},
        ),
        (
            "images",
            ["images", "--format", "json", "rnd-img"],
            {"images": ("/images/json", {"filters": {"reference": ["rnd-img"]}})},
        ),
        (
            "images",
            ["images", "--format", "{{.Repository}}:{{.Tag}} {{.Size}}", "busybox"],
            {"images": ("/images/json", {"filters": {"reference": ["busybox"]}})},
        ),
        (
            "volumes",
            ["volume", "ls", "--filter", "name=rnd-"],
            {"volumes": ("/volumes", {"filters": NAME_FILTER})},
        ),
        (
            "volumes",
            ["volume", "ls", "--format", "json", "--filter", "name=rnd-"],
            {"volumes": ("/volumes", {"filters": NAME_FILTER})},
        ),
        (
            "networks",
            ["network", "ls", "--filter", "name=rnd-"],
            {"networks": ("/networks", {"filters": NAME_FILTER})},
        ),
        ("history", ["history", "rnd-img:1.0"], {"history": ("/images/rnd-img:1.0/history", {})}),
        (
            "inspect",
            ["container", "inspect", "rnd-web"],
            {"inspect": ("/containers/rnd-web/json", {})},
        ),
        (
            "inspect",
            ["inspect", "--format", "{{json .Config.Cmd}} {{.State.Running}}", "rnd-web"],
            {"inspect": ("/containers/rnd-web/json", {})},
        ),
        (
            "inspect",
            [
                "inspect",
                "--format",
                "{{range $p, $b := .NetworkSettings.Ports}}{{$p}} {{end}}",
                "rnd-web",
            ],
            {"inspect": ("/containers/rnd-web/json", {})},
        ),
        (
            "inspect",
            ["image", "inspect", "rnd-img:1.0"],
            {"inspect": ("/images/rnd-img:1.0/json", {})},
        ),
        ("inspect", ["volume", "inspect", "rnd-vol2"], {"inspect": ("/volumes/rnd-vol2", {})}),
    ]


def record() -> list[dict]:
    recorded = []
    for kind, argv, endpoints in cases():
        for _attempt in range(5):
            before = time.time()
            first = cli(*argv)
            data = {key: api(path, **params) for key, (path, params) in endpoints.items()}
            second = cli(*argv)
            after = time.time()
            if first == second:
                break
        else:
            raise SystemExit(f"unstable output for {argv}")
        stdout, stderr, code = first
        recorded.append(
            {
                "kind": kind,
                "argv": argv,
                "data": data,
                "now": (before + after) / 2,
                "stdout": stdout,
                "stderr": stderr,
                "exit_code": code,
            }
        )
    return recorded


def main() -> None:
    setup()
    time.sleep(1.5)
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps(record(), indent=1, ensure_ascii=False) + "\n")
    print(f"wrote {OUT}")


if __name__ == "__main__":
    main()
