"""What a ``RUN`` step does to an image, for the sandbox builder (no processes are started).

A RUN command is recorded as Docker records it and its effect on the filesystem is
worked out for the commands the course meets: ``npm install``/``npm ci`` (node_modules from
package.json, local ``file:`` dependencies included), ``apt-get update``/``install``,
``apk add``, ``echo``/``printf`` with ``>``/``>>``, ``mkdir``, ``touch``, ``rm``, ``cd``,
``exit``, ``true``/``false``. Their output imitates the real tools closely enough to teach
from (``added 1 package``; ``/bin/sh: npm: not found`` on an image without npm;
``Could not read package.json`` when the Dockerfile runs ``npm install`` before copying it).
Any other command succeeds without changing files.
"""

from __future__ import annotations

import json
import posixpath
import re
import shlex
from collections.abc import Callable
from dataclasses import dataclass, field

FileEntry = tuple[str, int, bytes]
"""(kind "f"/"d"/"l", permission bits, content or link target), as the sandbox stores files."""

Reader = Callable[[str], FileEntry | None]
"""Look a path up in the image being built: its entry, or None when it does not exist."""

APT_PACKAGE_BYTES = 180_000
"""Bytes an installed Debian/Alpine package adds (a plausible small package)."""

APT_LISTS_BYTES = 1_200_000
"""Bytes ``apt-get update`` leaves in /var/lib/apt/lists."""

APT_LIST = "/var/lib/apt/lists/deb.debian.org_debian_dists_bookworm_main_binary-amd64_Packages"
"""The package index ``apt-get update`` downloads and ``apt-get install`` needs."""


@dataclass
class RunResult:
    """The outcome of one RUN step."""

    exit_code: int = 0
    output: list[str] = field(default_factory=list)
    """Lines the step prints (each ending with a newline)."""

    changes: dict[str, FileEntry] = field(default_factory=dict)
    """Files added or changed, by absolute path."""

    removed: set[str] = field(default_factory=set)
    """Paths deleted (whiteouts in the new layer)."""

    def size(self) -> int:
        """Bytes the layer adds."""
        return sum(len(data) for kind, _, data in self.changes.values() if kind == "f")


@dataclass
class _Shell:
    read: Reader
    workdir: str
    result: RunResult

    def lookup(self, path: str) -> FileEntry | None:
        if path in self.result.removed:
            return None
        if path in self.result.changes:
            return self.result.changes[path]
        return self.read(path)

    def absolute(self, path: str) -> str:
        return posixpath.normpath(posixpath.join(self.workdir, path))

    def write(self, path: str, data: bytes, mode: int = 0o644, kind: str = "f") -> None:
        self.mkdirs(posixpath.dirname(path))
        self.result.removed.discard(path)
        self.result.changes[path] = (kind, mode, data)

    def mkdirs(self, path: str) -> None:
        parts = [p for p in path.split("/") if p]
        current = ""
        for part in parts:
            current += "/" + part
            if self.lookup(current) is None:
                self.result.changes[current] = ("d", 0o755, b"")

    def say(self, text: str) -> None:
        self.result.output.extend(line + "\n" for line in text.split("\n"))

    def has_program(self, name: str) -> bool:
        return any(
            self.lookup(f"{folder}/{name}") is not None
            for folder in ("/usr/local/bin", "/usr/bin", "/bin", "/usr/sbin", "/sbin")
        )


def run(command: list[str], read: Reader, workdir: str = "/") -> RunResult:
    """Work out what ``command`` (RUN's argv, ``/bin/sh -c ...`` for shell form) does.

    Args:
        command: the argv Docker runs.
        read: looks paths up in the image the step starts from.
        workdir: the image's working directory.
    """
    result = RunResult()
    shell = _Shell(read, workdir or "/", result)
    script = command[2] if command[:2] == ["/bin/sh", "-c"] and len(command) > 2 else None
    pieces = _split_script(script) if script is not None else [("", command)]
    for joiner, argv in pieces:
        if joiner == "&&" and result.exit_code != 0:
            break
        if joiner == "||" and result.exit_code == 0:
            continue
        if not argv:
            continue
        result.exit_code = _run_one(shell, argv)
        if argv[0] == "exit":
            break
    return result


def _split_script(script: str) -> list[tuple[str, list[str]]]:
    """Split a shell script on ``&&``, ``||`` and ``;`` into (joiner, argv) pieces."""
    lexer = shlex.shlex(script, posix=True, punctuation_chars=";&|>")
    lexer.whitespace_split = True
    pieces: list[tuple[str, list[str]]] = []
    joiner = ""
    words: list[str] = []
    for token in lexer:
        if token in {"&&", "||", ";"}:
            pieces.append((joiner, words))
            joiner, words = token, []
        else:
            words.append(token)
    pieces.append((joiner, words))
    return pieces


def _run_one(shell: _Shell, argv: list[str]) -> int:
    argv, redirect = _take_redirect(argv)
    program, args = argv[0], argv[1:]
    if program == "exit":
        return int(args[0]) if args and args[0].isdigit() else 0
    if program == "true" or program == ":":
        return 0
    if program == "false":
        return 1
    if program == "cd":
        shell.workdir = shell.absolute(args[0] if args else "/root")
        return 0
    if program in {"echo", "printf"}:
        text = " ".join(a for a in args if a not in {"-n", "-e"})
        if program == "printf":
            text = text.replace("\\n", "\n")
        elif "-n" not in args:
            text += "\n"
        if redirect is None:
            shell.say(text.rstrip("\n"))
            return 0
        target, append = redirect
        path = shell.absolute(target)
        old = shell.lookup(path) if append else None
        shell.write(path, (old[2] if old and old[0] == "f" else b"") + text.encode())
        return 0
    if program == "mkdir":
        for name in (a for a in args if not a.startswith("-")):
            shell.mkdirs(shell.absolute(name))
        return 0
    if program == "touch":
        for name in args:
            path = shell.absolute(name)
            if shell.lookup(path) is None:
                shell.write(path, b"")
        return 0
    if program == "rm":
        for name in (a for a in args if not a.startswith("-")):
            _remove(shell, shell.absolute(name))
        return 0
    if program in {"npm", "apt-get", "apt", "apk"} and not shell.has_program(program):
        # busybox ash (Alpine) and dash (Debian: it names the script's line) word it apart
        line = "" if shell.lookup("/bin/busybox") is not None else " 1:"
        shell.say(f"/bin/sh:{line} {program}: not found")
        return 127
    if program == "npm":
        return _npm(shell, args)
    if program in {"apt-get", "apt"}:
        return _apt(shell, args)
    if program == "apk":
        return _apk(shell, args)
    return 0


def _take_redirect(argv: list[str]) -> tuple[list[str], tuple[str, bool] | None]:
    """Pull a trailing ``> file`` or ``>> file`` off a command's words."""
    for index, word in enumerate(argv):
        if word in {">", ">>"} and index + 1 < len(argv):
            return argv[:index] + argv[index + 2 :], (argv[index + 1], word == ">>")
    return argv, None


def _remove(shell: _Shell, path: str) -> None:
    if path.endswith("/*"):
        folder = path[:-2]
        for changed in list(shell.result.changes):
            if changed.startswith(folder + "/"):
                del shell.result.changes[changed]
        return
    shell.result.changes.pop(path, None)
    for changed in list(shell.result.changes):
        if changed.startswith(path + "/"):
            del shell.result.changes[changed]
    if shell.read(path) is not None:
        shell.result.removed.add(path)


def _npm(shell: _Shell, args: list[str]) -> int:
    verb = args[0] if args else ""
    if verb not in {"install", "i", "ci"}:
        return 0
    manifest_path = shell.absolute("package.json")
    manifest = shell.lookup(manifest_path)
    if manifest is None or manifest[0] != "f":
        return _npm_enoent(shell, manifest_path)
    try:
        package = json.loads(manifest[2] or b"{}")
    except json.JSONDecodeError as error:
        shell.say(
            "npm error code EJSONPARSE\n"
            f"npm error JSON.parse Invalid package.json: {error.msg}\n"
            "npm error JSON.parse Failed to parse JSON data."
        )
        return 1
    lock_path = shell.absolute("package-lock.json")
    if verb == "ci" and shell.lookup(lock_path) is None:
        shell.say(
            "npm error code EUSAGE\nnpm error\n"
            "npm error The `npm ci` command can only install with an existing "
            "package-lock.json or\n"
            "npm error npm-shrinkwrap.json with lockfileVersion >= 1."
        )
        return 1
    omit_dev = any(a in {"--production", "--omit=dev"} for a in args)
    dependencies = dict(package.get("dependencies") or {})
    if not omit_dev:
        dependencies.update(package.get("devDependencies") or {})
    modules = shell.absolute("node_modules")
    # A file: dependency becomes a symlink even when its folder is not there yet: npm 11
    # (recorded on the real daemon) installs it and the link works once COPY brings it.
    for name, spec in sorted(dependencies.items()):
        target = f"{modules}/{name}"
        if isinstance(spec, str) and spec.startswith("file:"):
            link = posixpath.relpath(shell.absolute(spec[5:]), posixpath.dirname(target))
            shell.write(target, link.encode(), 0o777, "l")
            continue
        version = re.sub(r"^[\^~>=<v ]+", "", str(spec)) or "1.0.0"
        shell.write(
            f"{target}/package.json",
            json.dumps({"name": name, "version": version}, indent=2).encode() + b"\n",
        )
        shell.write(f"{target}/index.js", b"module.exports = {};\n")
    lock = {
        "name": package.get("name", "app"),
        "version": package.get("version", "1.0.0"),
        "lockfileVersion": 3,
        "requires": True,
        "packages": {"": {"dependencies": package.get("dependencies") or {}}},
    }
    lock_bytes = json.dumps(lock, indent=2).encode() + b"\n"
    if dependencies:
        shell.write(f"{modules}/.package-lock.json", lock_bytes)
    if shell.lookup(lock_path) is None:
        shell.write(lock_path, lock_bytes)
    count = len(dependencies)
    linked = sum(str(spec).startswith("file:") for spec in dependencies.values())
    if count:
        noun = "package" if count == 1 else "packages"
        audited = count + linked + 1
        shell.say(f"\nadded {count} {noun}, and audited {audited} packages in 1s")
    else:
        shell.say("\nup to date, audited 1 package in 1s")
    shell.say("\nfound 0 vulnerabilities")
    return 0


def _npm_enoent(shell: _Shell, path: str) -> int:
    """Npm 10's report of a package.json it cannot read (exit 254)."""
    shell.say(
        "npm error code ENOENT\nnpm error syscall open\n"
        f"npm error path {path}\nnpm error errno -2\n"
        "npm error enoent Could not read package.json: Error: ENOENT: no such file or "
        f"directory, open '{path}'\n"
        "npm error enoent This is related to npm not being able to find a file.\n"
        "npm error enoent\n"
        "npm error A complete log of this run can be found in: "
        "/root/.npm/_logs/debug-0.log"
    )
    return 254


def _apt(shell: _Shell, args: list[str]) -> int:
    words = [a for a in args if not a.startswith("-")]
    if not words:
        return 0
    if words[0] == "update":
        shell.say(
            "Get:1 http://deb.debian.org/debian bookworm InRelease [151 kB]\n"
            "Get:2 http://deb.debian.org/debian bookworm/main amd64 Packages [8792 kB]\n"
            "Fetched 8943 kB in 1s (8943 kB/s)\nReading package lists..."
        )
        shell.write(APT_LIST, b"\0" * APT_LISTS_BYTES)
        return 0
    if words[0] != "install":
        return 0
    packages = words[1:]
    lists = shell.lookup(APT_LIST)
    shell.say("Reading package lists...\nBuilding dependency tree...\nReading state information...")
    if lists is None:
        shell.say(f"E: Unable to locate package {packages[0]}" if packages else "")
        return 100
    assume_yes = any(a in {"-y", "--yes", "--assume-yes", "-qy", "-yq"} for a in args)
    shell.say(
        "The following NEW packages will be installed:\n  "
        + " ".join(packages)
        + f"\n0 upgraded, {len(packages)} newly installed, 0 to remove and 0 not upgraded."
    )
    if not assume_yes:
        shell.say("Do you want to continue? [Y/n] Abort.")
        return 1
    for package in packages:
        name = package.split("=")[0]
        shell.write(f"/usr/bin/{name}", b"\x7fELF" + b"\0" * APT_PACKAGE_BYTES, 0o755)
        shell.write(f"/usr/share/doc/{name}/copyright", f"{name}: Debian package\n".encode())
        shell.say(f"Setting up {name} ...")
    return 0


def _apk(shell: _Shell, args: list[str]) -> int:
    words = [a for a in args if not a.startswith("-")]
    if not words or words[0] != "add":
        return 0
    packages = words[1:]
    shell.say(
        "fetch https://dl-cdn.alpinelinux.org/alpine/v3.20/main/x86_64/APKINDEX.tar.gz\n"
        "fetch https://dl-cdn.alpinelinux.org/alpine/v3.20/community/x86_64/APKINDEX.tar.gz"
    )
    for index, package in enumerate(packages, start=1):
        shell.say(f"({index}/{len(packages)}) Installing {package}")
        shell.write(f"/usr/bin/{package}", b"\x7fELF" + b"\0" * APT_PACKAGE_BYTES, 0o755)
    shell.say(f"OK: {8 + len(packages)} MiB in {14 + len(packages)} packages")
    return 0
