"""RUN steps run in the sandbox shell: npm, apt-get, builtins, and the failures they teach."""

from __future__ import annotations

import json

from grader.engine.sandbox.buildrun import run_step
from grader.engine.sandbox.catalogue import FileEntry, filesystem

NODE_IMAGE: dict[str, FileEntry] = filesystem("node-debian")
ALPINE: dict[str, FileEntry] = filesystem("alpine-3.20")
DEBIAN: dict[str, FileEntry] = filesystem("debian-12")
APP = {"WorkingDir": "/app"}


def sh(script: str) -> list[str]:
    return ["/bin/sh", "-c", script]


def with_files(image: dict[str, FileEntry], **files: bytes) -> dict[str, FileEntry]:
    listing = {**image, "/app": ("d", 0o755, b"")}
    listing.update({f"/app/{name}": ("f", 0o644, data) for name, data in files.items()})
    return listing


def test_npm_install_creates_node_modules_from_package_json() -> None:
    manifest = {"name": "app", "dependencies": {"express": "^4.19.2", "greet": "file:./greet"}}
    files = with_files(NODE_IMAGE, **{"package.json": json.dumps(manifest).encode()})
    files["/app/greet"] = ("d", 0o755, b"")
    files["/app/greet/package.json"] = ("f", 0o644, b'{"name": "greet"}')
    result = run_step(sh("npm install"), files, APP, {})
    assert result.exit_code == 0
    assert "added 2 packages, and audited 4 packages in 1s\n" in result.output
    assert result.changes["/app/node_modules/greet"] == ("l", 0o777, b"../greet")
    express = json.loads(result.changes["/app/node_modules/express/package.json"][2])
    assert express == {"name": "express", "version": "4.19.2"}
    assert "/app/package-lock.json" in result.changes


def test_npm_install_before_copying_package_json_fails_like_npm() -> None:
    result = run_step(["npm", "install"], with_files(NODE_IMAGE), APP, {})
    assert result.exit_code == 254
    assert "Could not read package.json" in "".join(result.output)
    assert not result.changes


def test_a_local_package_not_copied_yet_is_linked_anyway() -> None:
    """npm 11 links a file: dependency whose folder is missing (recorded on the real daemon)."""
    manifest = {"name": "app", "dependencies": {"greet": "file:./greet"}}
    files = with_files(NODE_IMAGE, **{"package.json": json.dumps(manifest).encode()})
    result = run_step(sh("npm install"), files, APP, {})
    assert result.exit_code == 0
    assert result.changes["/app/node_modules/greet"] == ("l", 0o777, b"../greet")


def test_a_missing_program_is_the_shells_not_found() -> None:
    """dash names the script's line; busybox ash does not; both exit 127."""
    on_debian = run_step(sh("npm install"), DEBIAN, {}, {})
    assert (on_debian.exit_code, on_debian.output) == (127, ["/bin/sh: 1: npm: not found\n"])
    on_alpine = run_step(sh("apt-get update"), ALPINE, {}, {})
    assert (on_alpine.exit_code, on_alpine.output) == (127, ["/bin/sh: apt-get: not found\n"])
    unknown = run_step(sh("frobnicate --now"), DEBIAN, {}, {})
    assert (unknown.exit_code, unknown.output) == (127, ["/bin/sh: 1: frobnicate: not found\n"])


def test_an_exec_form_step_has_no_shell_to_say_not_found() -> None:
    result = run_step(["frobnicate"], DEBIAN, {}, {})
    assert result.exit_code == 127
    assert result.output[-1].endswith('exec: "frobnicate": executable file not found in $PATH\n')


def test_apt_get_needs_its_lists_and_a_yes() -> None:
    result = run_step(sh("apt-get update && apt-get install curl"), DEBIAN, {}, {})
    assert result.exit_code == 1
    assert result.output[-1] == "Do you want to continue? [Y/n] Abort.\n"
    installed = run_step(sh("apt-get update && apt-get install -y curl"), DEBIAN, {}, {})
    assert installed.exit_code == 0 and "/usr/bin/curl" in installed.changes
    without_lists = run_step(sh("apt-get install -y curl"), DEBIAN, {}, {})
    assert (without_lists.exit_code, without_lists.output[-1]) == (
        100,
        "E: Unable to locate package curl\n",
    )


def test_cleaning_the_lists_in_the_same_step_makes_the_layer_smaller() -> None:
    def size(script: str) -> int:
        changes = run_step(sh(script), DEBIAN, {}, {}).changes
        return sum(len(data) for kind, _, data in changes.values() if kind == "f")

    installed = "apt-get update && apt-get install -y curl"
    assert size(installed + " && rm -rf /var/lib/apt/lists/*") < size(installed)


def test_shell_builtins_exit_codes_and_files() -> None:
    result = run_step(
        sh("mkdir -p /data && cd /data && echo hi > note.txt; echo done"), ALPINE, {}, {}
    )
    assert result.changes["/data/note.txt"][2] == b"hi\n"
    assert result.output == ["done\n"]
    assert run_step(sh("exit 3"), ALPINE, {}, {}).exit_code == 3
    assert run_step(sh("false || true"), ALPINE, {}, {}).exit_code == 0
    assert run_step(sh("false && echo never"), ALPINE, {}, {}).output == []


def test_a_deleted_image_file_is_a_whiteout_and_build_args_are_variables() -> None:
    result = run_step(
        sh("rm /etc/passwd; echo $GREETING > /greeting"), ALPINE, {}, {"GREETING": "hej"}
    )
    assert "/etc/passwd" in result.removed
    assert result.changes["/greeting"][2] == b"hej\n"


def test_output_keeps_the_order_of_stdout_and_stderr() -> None:
    result = run_step(sh("echo one; ls /nowhere; echo three"), ALPINE, {}, {})
    assert result.output == [
        "one\n",
        "ls: /nowhere: No such file or directory\n",
        "three\n",
    ]
    assert result.exit_code == 0


def test_a_step_reaches_no_server_the_sandbox_has_none_to_offer() -> None:
    """The sandbox has no internet: a download in a RUN step fails as busybox's wget does."""
    result = run_step(sh("wget -q http://example.com/app.tgz"), ALPINE, {}, {})
    assert (result.exit_code, result.output) == (1, ["wget: bad address 'example.com'\n"])
