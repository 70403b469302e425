"""RUN simulation: npm install, apt-get, shell built-ins, and the failures they teach."""

from __future__ import annotations

import json

from grader.dockerfile.simulate import FileEntry, run

NODE_IMAGE: dict[str, FileEntry] = {
    "/usr/local/bin/npm": ("f", 0o755, b"\x7fELF"),
    "/app": ("d", 0o755, b""),
}


def reader(files: dict[str, FileEntry]):
    return lambda path: files.get(path)


def sh(script: str) -> list[str]:
    return ["/bin/sh", "-c", script]


def test_npm_install_creates_node_modules_from_package_json() -> None:
    manifest = {"name": "app", "dependencies": {"express": "^4.19.2", "greet": "file:./greet"}}
    files = {
        **NODE_IMAGE,
        "/app/package.json": ("f", 0o644, json.dumps(manifest).encode()),
        "/app/greet/package.json": ("f", 0o644, b'{"name": "greet"}'),
    }
    result = run(sh("npm install"), reader(files), "/app")
    assert result.exit_code == 0
    assert "added 2 packages, and audited 4 packages in 1s\n" in result.output
    assert result.changes["/app/node_modules/greet"] == ("l", 0o777, b"../greet")
    express = json.loads(result.changes["/app/node_modules/express/package.json"][2])
    assert express == {"name": "express", "version": "4.19.2"}
    assert "/app/package-lock.json" in result.changes


def test_npm_install_before_copying_package_json_fails_like_npm() -> None:
    result = run(["npm", "install"], reader(NODE_IMAGE), "/app")
    assert result.exit_code == 254
    assert "Could not read package.json" in "".join(result.output)


def test_a_local_package_not_copied_yet_is_linked_anyway() -> None:
    """npm 11 links a file: dependency whose folder is missing (recorded on the real daemon)."""
    manifest = {"name": "app", "dependencies": {"greet": "file:./greet"}}
    files = {**NODE_IMAGE, "/app/package.json": ("f", 0o644, json.dumps(manifest).encode())}
    result = run(sh("npm install"), reader(files), "/app")
    assert result.exit_code == 0
    assert result.changes["/app/node_modules/greet"] == ("l", 0o777, b"../greet")


def test_missing_tools_and_apt_without_yes() -> None:
    assert run(sh("apt-get update"), reader({}), "/").output == ["/bin/sh: 1: apt-get: not found\n"]
    alpine = {"/bin/busybox": ("f", 0o755, b"")}
    assert run(sh("apt-get update"), reader(alpine), "/").output == [
        "/bin/sh: apt-get: not found\n"
    ]
    debian = {"/usr/bin/apt-get": ("f", 0o755, b"")}
    result = run(sh("apt-get update && apt-get install curl"), reader(debian), "/")
    assert result.exit_code == 1
    assert result.output[-1] == "Do you want to continue? [Y/n] Abort.\n"
    result = run(sh("apt-get update && apt-get install -y curl"), reader(debian), "/")
    assert result.exit_code == 0 and "/usr/bin/curl" in result.changes
    cleaned = run(
        sh("apt-get update && apt-get install -y curl && rm -rf /var/lib/apt/lists/*"),
        reader(debian),
        "/",
    )
    assert cleaned.size() < result.size()


def test_shell_builtins_and_exit_codes() -> None:
    result = run(sh("mkdir -p /data && cd /data && echo hi > note.txt; echo done"), reader({}))
    assert result.changes["/data/note.txt"] == ("f", 0o644, b"hi\n")
    assert result.output == ["done\n"]
    assert run(sh("exit 3"), reader({})).exit_code == 3
    assert run(sh("false || true"), reader({})).exit_code == 0
    assert run(sh("false && echo never"), reader({})).output == []
