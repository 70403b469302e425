"""How each course image is made without a registry, and which tags it answers to.

One :class:`Recipe` per image family. Tags in one family point at the same image (for
example ``nginx:latest``, ``nginx:1.27`` and ``nginx:alpine``); docs/real-engine.md says
what differs from the Docker Hub images they stand in for.
"""

from __future__ import annotations

import io
import json
import os
import platform
import shutil
import struct
import subprocess
import tarfile
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import docker

from grader.images.debian import ImageBuildError, rootfs_tarball

BUSYBOX = Path("/bin/busybox")
PATH_ENV = "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
HELLO_SOURCE = Path(__file__).with_name("hello.c")
DOCKER_ARCH = {"x86_64": "amd64", "aarch64": "arm64v8"}

NGINX_DEFAULT_CONF = """\
server {
    listen       80;
    server_name  localhost;

    location / {
        root   /usr/share/nginx/html;
        index  index.html index.htm;
    }

    error_page   500 502 503 504  /50x.html;
    location = /50x.html {
        root   /usr/share/nginx/html;
    }
}
"""

NGINX_50X = """\
<!DOCTYPE html>
<html>
<head>
<title>Error</title>
</head>
<body>
<h1>An error occurred.</h1>
<p>Sorry, the page you are looking for is currently unavailable.<br/>
Please try again later.</p>
</body>
</html>
"""

Builder = Callable[[docker.APIClient, Path, str], str]
"""(client, cache folder, tag to build) -> image id."""


@dataclass(frozen=True)
class Recipe:
    """One image family: its tags (first = the one built) and the function that builds it."""

    name: str
    tags: tuple[str, ...]
    build: Builder


# -- helpers -------------------------------------------------------------------------------


def _add_bytes(tar: tarfile.TarFile, name: str, data: bytes, mode: int = 0o644) -> None:
    info = tarfile.TarInfo(name)
    info.size = len(data)
    info.mode = mode
    tar.addfile(info, io.BytesIO(data))


def _add_dir(tar: tarfile.TarFile, name: str, mode: int = 0o755) -> None:
    info = tarfile.TarInfo(name)
    info.type = tarfile.DIRTYPE
    info.mode = mode
    tar.addfile(info)


def _build_context(client: docker.APIClient, tag: str, files: dict[str, bytes]) -> str:
    """Run a classic ``docker build`` of an in-memory context; return the image id."""
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w") as tar:
        for name, data in files.items():
            _add_bytes(tar, name, data, 0o755 if name != "Dockerfile" else 0o644)
    buffer.seek(0)
    image_id = ""
    log: list[str] = []
    for item in client.build(
        fileobj=buffer, custom_context=True, tag=tag, rm=True, forcerm=True, decode=True
    ):
        if "error" in item:
            raise ImageBuildError(f"docker build of {tag} failed: {item['error']}")
        log.append(item.get("stream", ""))
        image_id = item.get("aux", {}).get("ID", image_id)
    if not image_id:
        raise ImageBuildError(f"docker build of {tag} gave no image id:\n{''.join(log)}")
    return image_id


def _import(client: docker.APIClient, tarball: Path, tag: str, instructions: list[str]) -> str:
    """``docker import`` a root filesystem, then set its config with a one-step build.

    dockerd 20.10's import refuses ``--change STOPSIGNAL``, so the configuration is a
    small Dockerfile on top of the imported layer (which adds no filesystem layer).
    """
    result = client.import_image(src=str(tarball))
    base = ""
    for line in str(result).splitlines():
        if line.strip():
            item = json.loads(line)
            if "error" in item:
                raise ImageBuildError(f"docker import for {tag} failed: {item['error']}")
            base = item.get("status", base)
    if not base.startswith("sha256:"):
        raise ImageBuildError(f"docker import for {tag} gave no image id: {result}")
    dockerfile = "\n".join([f"FROM {base}", *instructions]) + "\n"
    return _build_context(client, tag, {"Dockerfile": dockerfile.encode()})


def _is_static_elf(path: Path) -> bool:
    """True when ``path`` is a 64-bit ELF with no program interpreter (statically linked)."""
    data = path.read_bytes()
    if data[:5] != b"\x7fELF\x02":
        return False
    phoff = struct.unpack_from("<Q", data, 0x20)[0]
    phentsize, phnum = struct.unpack_from("<HH", data, 0x36)
    pt_interp = 3
    return all(
        struct.unpack_from("<I", data, phoff + i * phentsize)[0] != pt_interp for i in range(phnum)
    )


def _dpkg_version(root: Path, package: str) -> str:
    """The upstream version of an installed package in a root filesystem ("1.22.1")."""
    status = (root / "var/lib/dpkg/status").read_text()
    for stanza in status.split("\n\n"):
        if f"Package: {package}\n" in stanza + "\n":
            for line in stanza.splitlines():
                if line.startswith("Version: "):
                    version = line.split(": ", 1)[1]
                    return version.split(":")[-1].split("-")[0].split("+")[0]
    raise ImageBuildError(f"{package} is not installed in {root}")


# -- busybox and alpine ------------------------------------------------------------------------


def _busybox_rootfs(os_release: str) -> bytes:
    if not BUSYBOX.is_file() or not _is_static_elf(BUSYBOX):
        raise ImageBuildError(
            f"{BUSYBOX} is missing or not statically linked (apt-get install busybox-static)"
        )
    applets = subprocess.run(
        [str(BUSYBOX), "--list-full"], capture_output=True, text=True, check=True
    ).stdout.split()
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w") as tar:
        for folder in ("bin", "sbin", "usr", "usr/bin", "usr/sbin", "etc", "home", "var"):
            _add_dir(tar, folder)
        _add_dir(tar, "tmp", 0o1777)
        _add_dir(tar, "root", 0o700)
        _add_bytes(tar, "bin/busybox", BUSYBOX.read_bytes(), 0o755)
        for applet in sorted(set(applets)):
            if applet == "bin/busybox":
                continue
            link = tarfile.TarInfo(applet)
            link.type = tarfile.SYMTYPE
            link.linkname = "/bin/busybox"
            tar.addfile(link)
        _add_bytes(
            tar,
            "etc/passwd",
            b"root:x:0:0:root:/root:/bin/sh\n"
            b"daemon:x:1:1:daemon:/usr/sbin:/bin/false\n"
            b"nobody:x:65534:65534:nobody:/home:/bin/false\n",
        )
        _add_bytes(tar, "etc/group", b"root:x:0:\ndaemon:x:1:\nnogroup:x:65534:\n")
        _add_bytes(tar, "etc/os-release", os_release.encode())
    return buffer.getvalue()


def _busybox_image(os_release: str) -> Builder:
    def build(client: docker.APIClient, cache_dir: Path, tag: str) -> str:
        del cache_dir  # nothing slow to cache: busybox-static is on the host
        dockerfile = b'FROM scratch\nADD rootfs.tar /\nCMD ["sh"]\n'
        files = {"Dockerfile": dockerfile, "rootfs.tar": _busybox_rootfs(os_release)}
        return _build_context(client, tag, files)

    return build


BUSYBOX_RELEASE = (
    'NAME="BusyBox"\nID=busybox\nPRETTY_NAME="BusyBox (docker-k8s-course offline image)"\n'
)
ALPINE_RELEASE = (
    'NAME="BusyBox"\nID=busybox\nID_LIKE=alpine\n'
    'PRETTY_NAME="BusyBox stand-in for Alpine Linux (docker-k8s-course offline image, '
    'no apk)"\n'
)


# -- hello-world ---------------------------------------------------------------------------


def _hello_world(client: docker.APIClient, cache_dir: Path, tag: str) -> str:
    del cache_dir  # compiling takes well under a second
    arch = DOCKER_ARCH.get(platform.machine(), platform.machine())
    with tempfile.TemporaryDirectory() as tmp:
        binary = Path(tmp) / "hello"
        result = subprocess.run(
            [
                "gcc", "-static", "-nostdlib", "-Os", "-s", "-fno-asynchronous-unwind-tables",
                "-fno-stack-protector", f'-DARCH="{arch}"', "-o", str(binary), str(HELLO_SOURCE),
            ],
            capture_output=True,
            text=True,
            check=False,
        )  # fmt: skip
        if result.returncode != 0:
            raise ImageBuildError(f"compiling hello-world failed:\n{result.stderr}")
        files = {
            "Dockerfile": b'FROM scratch\nCOPY hello /\nCMD ["/hello"]\n',
            "hello": binary.read_bytes(),
        }
    return _build_context(client, tag, files)


# -- nginx ---------------------------------------------------------------------------------


def _customize_nginx(root: Path) -> None:
    """Make Debian's nginx behave like the official image: its site, logs to the terminal."""
    (root / "etc/nginx/sites-enabled/default").unlink(missing_ok=True)
    (root / "etc/nginx/conf.d/default.conf").write_text(NGINX_DEFAULT_CONF)
    (root / "usr/share/nginx/html/50x.html").write_text(NGINX_50X)
    logs = root / "var/log/nginx"
    for name, target in (("access.log", "/dev/stdout"), ("error.log", "/dev/stderr")):
        (logs / name).unlink(missing_ok=True)
        (logs / name).symlink_to(target)
    version = _dpkg_version(root, "nginx-common")
    (root / "etc/nginx/.course-version").write_text(version + "\n")


def _nginx(client: docker.APIClient, cache_dir: Path, tag: str) -> str:
    tarball = rootfs_tarball(
        "nginx", cache_dir, include=("nginx-light",), customize=_customize_nginx
    )
    with tarfile.open(tarball) as tar:
        member = tar.extractfile("./etc/nginx/.course-version")
        version = member.read().decode().strip() if member else "unknown"
    instructions = [
        f"ENV {PATH_ENV}",
        f"ENV NGINX_VERSION={version}",
        "EXPOSE 80",
        "STOPSIGNAL SIGQUIT",
        'CMD ["nginx", "-g", "daemon off;"]',
    ]
    return _import(client, tarball, tag, instructions)


# -- node ----------------------------------------------------------------------------------


def _host_node() -> tuple[Path, Path, str]:
    """The machine's Node.js binary, its npm folder and version ("20.20.2")."""
    found = shutil.which("node")
    if found is None:
        raise ImageBuildError("node:20 is made from this machine's Node.js: none on PATH")
    binary = Path(found).resolve()
    npm = binary.parent.parent / "lib" / "node_modules" / "npm"
    if not (npm / "bin" / "npm-cli.js").is_file():
        raise ImageBuildError(f"npm not found beside {binary} (looked in {npm})")
    version = subprocess.run(
        [str(binary), "--version"], capture_output=True, text=True, check=True
    ).stdout.strip()
    return binary, npm, version.lstrip("v")


def _customize_node(binary: Path, npm: Path) -> Callable[[Path], None]:
    def customize(root: Path) -> None:
        bin_dir = root / "usr/local/bin"
        lib_dir = root / "usr/local/lib/node_modules"
        lib_dir.mkdir(parents=True, exist_ok=True)
        shutil.copy2(binary, bin_dir / "node")
        shutil.copytree(npm, lib_dir / "npm", symlinks=True)
        for tool in ("npm", "npx"):
            (bin_dir / tool).symlink_to(f"../lib/node_modules/npm/bin/{tool}-cli.js")
        with open(root / "etc/passwd", "a") as passwd:
            passwd.write("node:x:1000:1000::/home/node:/bin/bash\n")
        with open(root / "etc/group", "a") as group:
            group.write("node:x:1000:\n")
        home = root / "home/node"
        home.mkdir(parents=True, exist_ok=True)
        os.chown(home, 1000, 1000)

    return customize


def _node(client: docker.APIClient, cache_dir: Path, tag: str) -> str:
    binary, npm, version = _host_node()
    tarball = rootfs_tarball(
        f"node-{version}",
        cache_dir,
        include=("ca-certificates",),
        customize=_customize_node(binary, npm),
    )
    instructions = [f"ENV {PATH_ENV}", f"ENV NODE_VERSION={version}", 'CMD ["node"]']
    return _import(client, tarball, tag, instructions)


# -- the catalogue ---------------------------------------------------------------------------

RECIPES: tuple[Recipe, ...] = (
    Recipe("hello-world", ("hello-world:latest",), _hello_world),
    Recipe("busybox", ("busybox:latest",), _busybox_image(BUSYBOX_RELEASE)),
    Recipe("alpine", ("alpine:latest", "alpine:3.20"), _busybox_image(ALPINE_RELEASE)),
    Recipe("nginx", ("nginx:latest", "nginx:1.27", "nginx:alpine"), _nginx),
    Recipe("node", ("node:20", "node:20-alpine"), _node),
)
"""Every image the offline builder makes, in build order."""
