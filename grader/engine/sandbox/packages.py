"""Package managers in sandbox containers: ``npm install``/``ci``, ``apt-get``, ``apk add``.

They run wherever the sandbox shell runs a command — a ``RUN`` step of a build or a
``docker exec`` — and change the container's files as the real tools would, in outline:
``npm install`` writes ``node_modules`` from package.json (a ``file:`` dependency becomes a
symlink), ``apt-get update`` fills the package lists that ``apt-get install`` needs, ``apk
add`` installs at once. Their messages are the real tools' (npm 10, apt 2.6, apk 2.14), in
the stream each tool writes them to. Nothing is downloaded.
"""

from __future__ import annotations

import json
import posixpath
import re
from collections.abc import Callable

from grader.engine.sandbox.fs import FsError
from grader.engine.sandbox.shell import Context, Result

APT_PACKAGE_BYTES = 180_000
"""Bytes an installed Debian/Alpine package adds (a plausible small package)."""

APT_LISTS_BYTES = 1_200_000
"""Bytes ``apt-get update`` leaves in /var/lib/apt/lists."""

APT_LIST = "/var/lib/apt/lists/deb.debian.org_debian_dists_bookworm_main_binary-amd64_Packages"
"""The package index ``apt-get update`` downloads and ``apt-get install`` needs."""

NPM_VERSION = "10.8.2"
"""What ``npm -v`` answers in an image that does not set ``NPM_VERSION``."""

Program = Callable[[list[str], Context], Result]

ASSUME_YES = {"-y", "--yes", "--assume-yes", "-qy", "-yq"}


def _write(ctx: Context, path: str, data: bytes, mode: int = 0o644) -> None:
    """Create ``path`` with its missing parent folders, as an installer does."""
    ctx.fs.mkdir(posixpath.dirname(path), parents=True)
    ctx.fs.write(path, data)
    if mode != 0o644:
        ctx.fs.chmod(path, mode)


def _installer(tool: Program) -> Program:
    """``tool``, reporting a file it cannot write (a read-only mount, say) as a failure."""

    def run(argv: list[str], ctx: Context) -> Result:
        try:
            return tool(argv, ctx)
        except FsError as error:
            name = posixpath.basename(argv[0])
            return 1, b"", f"{name}: {error.path}: {error.reason}\n".encode()

    run.__doc__ = tool.__doc__
    return run


@_installer
def npm(argv: list[str], ctx: Context) -> Result:
    """``npm install``/``npm i``/``npm ci`` in the working directory; ``npm -v``."""
    args = argv[1:]
    if args[:1] in (["-v"], ["--version"]):
        return 0, f"{ctx.env.get('NPM_VERSION', NPM_VERSION)}\n".encode(), b""
    verb = args[0] if args else ""
    if verb not in {"install", "i", "ci"}:
        return 1, b"", f"npm error could not run 'npm {verb}' in the course sandbox\n".encode()
    manifest_path = ctx.fs.resolve("package.json", ctx.cwd)
    manifest = ctx.fs.stat(manifest_path)
    if manifest is None or manifest.kind != "f":
        return _npm_enoent(manifest_path)
    try:
        package = json.loads(manifest.data or b"{}")
    except json.JSONDecodeError as error:
        return (
            1,
            b"",
            (
                "npm error code EJSONPARSE\n"
                f"npm error JSON.parse Invalid package.json: {error.msg}\n"
                "npm error JSON.parse Failed to parse JSON data.\n"
            ).encode(),
        )
    lock_path = ctx.fs.resolve("package-lock.json", ctx.cwd)
    if verb == "ci" and not ctx.fs.exists(lock_path):
        return (
            1,
            b"",
            (
                b"npm error code EUSAGE\nnpm error\n"
                b"npm error The `npm ci` command can only install with an existing "
                b"package-lock.json or\n"
                b"npm error npm-shrinkwrap.json with lockfileVersion >= 1.\n"
            ),
        )
    omit_dev = any(a in {"--production", "--omit=dev"} for a in args)
    dependencies = dict(package.get("dependencies") or {})
    if not omit_dev:
        dependencies.update(package.get("devDependencies") or {})
    modules = ctx.fs.resolve("node_modules", ctx.cwd)
    # A file: dependency becomes a symlink even when its folder is not there yet: npm 11
    # (recorded on the real daemon) installs it and the link works once COPY brings it.
    for name, spec in sorted(dependencies.items()):
        target = f"{modules}/{name}"
        if isinstance(spec, str) and spec.startswith("file:"):
            source = ctx.fs.resolve(spec[5:], ctx.cwd)
            ctx.fs.mkdir(posixpath.dirname(target), parents=True)
            ctx.fs.symlink(posixpath.relpath(source, posixpath.dirname(target)), target)
            continue
        version = re.sub(r"^[\^~>=<v ]+", "", str(spec)) or "1.0.0"
        _write(
            ctx,
            f"{target}/package.json",
            json.dumps({"name": name, "version": version}, indent=2).encode() + b"\n",
        )
        _write(ctx, f"{target}/index.js", b"module.exports = {};\n")
    lock = {
        "name": package.get("name", "app"),
        "version": package.get("version", "1.0.0"),
        "lockfileVersion": 3,
        "requires": True,
        "packages": {"": {"dependencies": package.get("dependencies") or {}}},
    }
    lock_bytes = json.dumps(lock, indent=2).encode() + b"\n"
    if dependencies:
        _write(ctx, f"{modules}/.package-lock.json", lock_bytes)
    if not ctx.fs.exists(lock_path):
        _write(ctx, lock_path, lock_bytes)
    count = len(dependencies)
    linked = sum(str(spec).startswith("file:") for spec in dependencies.values())
    if count:
        noun = "package" if count == 1 else "packages"
        summary = f"added {count} {noun}, and audited {count + linked + 1} packages in 1s"
    else:
        summary = "up to date, audited 1 package in 1s"
    return 0, f"\n{summary}\n\nfound 0 vulnerabilities\n".encode(), b""


def _npm_enoent(path: str) -> Result:
    """The report of npm 10 on a package.json it cannot read (exit 254)."""
    return (
        254,
        b"",
        (
            "npm error code ENOENT\nnpm error syscall open\n"
            f"npm error path {path}\nnpm error errno -2\n"
            "npm error enoent Could not read package.json: Error: ENOENT: no such file or "
            f"directory, open '{path}'\n"
            "npm error enoent This is related to npm not being able to find a file.\n"
            "npm error enoent\n"
            "npm error A complete log of this run can be found in: "
            "/root/.npm/_logs/debug-0.log\n"
        ).encode(),
    )


@_installer
def apt_get(argv: list[str], ctx: Context) -> Result:
    """``apt-get``/``apt`` ``update`` and ``install [-y] PACKAGE...``."""
    words = [a for a in argv[1:] if not a.startswith("-")]
    if not words:
        return 0, b"", b""
    if words[0] == "update":
        _write(ctx, APT_LIST, b"\0" * APT_LISTS_BYTES)
        return (
            0,
            (
                b"Get:1 http://deb.debian.org/debian bookworm InRelease [151 kB]\n"
                b"Get:2 http://deb.debian.org/debian bookworm/main amd64 Packages [8792 kB]\n"
                b"Fetched 8943 kB in 1s (8943 kB/s)\nReading package lists...\n"
            ),
            b"",
        )
    if words[0] != "install":
        return 0, b"", b""
    packages = words[1:]
    out = "Reading package lists...\nBuilding dependency tree...\nReading state information...\n"
    if not ctx.fs.exists(APT_LIST):
        missing = f"E: Unable to locate package {packages[0]}\n" if packages else ""
        return 100, out.encode(), missing.encode()
    out += (
        "The following NEW packages will be installed:\n  "
        + " ".join(packages)
        + f"\n0 upgraded, {len(packages)} newly installed, 0 to remove and 0 not upgraded.\n"
    )
    if not ASSUME_YES & set(argv[1:]):
        return 1, (out + "Do you want to continue? [Y/n] Abort.\n").encode(), b""
    for package in packages:
        name = package.split("=")[0]
        _write(ctx, f"/usr/bin/{name}", b"\x7fELF" + b"\0" * APT_PACKAGE_BYTES, 0o755)
        _write(ctx, f"/usr/share/doc/{name}/copyright", f"{name}: Debian package\n".encode())
        out += f"Setting up {name} ...\n"
    return 0, out.encode(), b""


@_installer
def apk(argv: list[str], ctx: Context) -> Result:
    """``apk add PACKAGE...`` (Alpine)."""
    words = [a for a in argv[1:] if not a.startswith("-")]
    if not words or words[0] != "add":
        return 0, b"", b""
    packages = words[1:]
    out = (
        "fetch https://dl-cdn.alpinelinux.org/alpine/v3.20/main/x86_64/APKINDEX.tar.gz\n"
        "fetch https://dl-cdn.alpinelinux.org/alpine/v3.20/community/x86_64/APKINDEX.tar.gz\n"
    )
    for index, package in enumerate(packages, start=1):
        out += f"({index}/{len(packages)}) Installing {package}\n"
        _write(ctx, f"/usr/bin/{package}", b"\x7fELF" + b"\0" * APT_PACKAGE_BYTES, 0o755)
    out += f"OK: {8 + len(packages)} MiB in {14 + len(packages)} packages\n"
    return 0, out.encode(), b""
