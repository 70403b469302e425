"""Looking into containers: top, port, stats, diff, commit, and archives for ``docker cp``."""

from __future__ import annotations

import io
import json
import posixpath
import random
import time
from typing import TYPE_CHECKING

from grader.engine.errors import Conflict, EngineError, NotFound
from grader.engine.sandbox import processes, refs
from grader.engine.sandbox.base import JSON, SandboxBase
from grader.engine.sandbox.clock import now_ns, rfc3339_ns
from grader.engine.sandbox.fs import ContainerFS, FsError

if TYPE_CHECKING:
    import tarfile


class InspectionMixin(SandboxBase):
    """top, port, stats, changes, commit, archive."""

    def _fs_of(self, cid: str, doc: JSON) -> ContainerFS:
        row = self.store.db.execute(
            "SELECT doc FROM images WHERE id = ?", (doc["Image"],)
        ).fetchone()
        return ContainerFS(self.store, doc, json.loads(row[0]))

    def top(self, container: str, ps_args: str | None = None) -> JSON:
        """``GET /containers/{id}/top``."""
        self._settle()
        cid, doc = self._container(container)
        if not doc["State"]["Running"]:
            raise Conflict(f"container {cid} is not running")
        return processes.top(doc, doc["State"]["Pid"])

    def port(self, container: str, private_port: int | str) -> list[JSON] | None:
        """``docker port``: the host bindings of one container port."""
        _, doc = self._container(container)
        key = str(private_port) if "/" in str(private_port) else f"{private_port}/tcp"
        return doc["NetworkSettings"]["Ports"].get(key)

    def stats(self, container: str, stream: bool = False) -> JSON:
        """``GET /containers/{id}/stats?stream=false``: one plausible sample."""
        self._settle()
        cid, doc = self._container(container)
        running = doc["State"]["Running"]
        usage = random.randint(3_000_000, 9_000_000) if running else 0
        cpu = {
            "cpu_usage": {
                "total_usage": usage * 4,
                "usage_in_kernelmode": usage,
                "usage_in_usermode": usage * 3,
            },
            "system_cpu_usage": int(time.time() * 1e9) * 2,
            "online_cpus": 2,
            "throttling_data": {"periods": 0, "throttled_periods": 0, "throttled_time": 0},
        }
        pre = json.loads(json.dumps(cpu))
        pre["cpu_usage"]["total_usage"] -= usage // 50 if running else 0
        pre["system_cpu_usage"] -= 2_000_000_000
        return {
            "read": rfc3339_ns(now_ns()) if running else "0001-01-01T00:00:00Z",
            "preread": rfc3339_ns(now_ns() - 1_000_000_000) if running else "0001-01-01T00:00:00Z",
            "pids_stats": {"current": len(processes.process_table(doc)) if running else 0},
            "blkio_stats": {
                k: None
                for k in (
                    "io_service_bytes_recursive",
                    "io_serviced_recursive",
                    "io_queue_recursive",
                    "io_service_time_recursive",
                    "io_wait_time_recursive",
                    "io_merged_recursive",
                    "io_time_recursive",
                    "sectors_recursive",
                )
            },
            "num_procs": 0,
            "storage_stats": {},
            "cpu_stats": cpu,
            "precpu_stats": pre,
            "memory_stats": {"usage": usage, "stats": {"inactive_file": 0}, "limit": 8_271_892_480}
            if running
            else {},
            "name": doc["Name"],
            "id": cid,
            "networks": {
                "eth0": {
                    "rx_bytes": 1016,
                    "rx_packets": 12,
                    "rx_errors": 0,
                    "rx_dropped": 0,
                    "tx_bytes": 0,
                    "tx_packets": 0,
                    "tx_errors": 0,
                    "tx_dropped": 0,
                }
            }
            if running
            else {},
        }

    def diff(self, container: str) -> list[JSON]:
        """``GET /containers/{id}/changes``."""
        cid, doc = self._container(container)
        return self._fs_of(cid, doc).changes()

    def commit(
        self,
        container: str,
        repository: str | None = None,
        tag: str | None = None,
        message: str | None = None,
        author: str | None = None,
        changes: list[str] | None = None,
    ) -> JSON:
        """``POST /commit``: a new image = the container's image + its writable layer."""
        import hashlib

        cid, doc = self._container(container)
        row = self.store.db.execute(
            "SELECT doc FROM images WHERE id = ?", (doc["Image"],)
        ).fetchone()
        parent = json.loads(row[0])
        layer = self.store.db.execute(
            "SELECT path, kind, mode, data, mtime FROM container_files WHERE container_id = ?",
            (cid,),
        ).fetchall()
        digest = hashlib.sha256(json.dumps([doc["Id"], time.time_ns()]).encode()).hexdigest()
        image_id = "sha256:" + digest
        created = rfc3339_ns(now_ns())
        config = apply_changes({**doc["Config"], "Hostname": "", "Image": doc["Image"]}, changes)
        size = sum(len(r[3] or b"") for r in layer)
        history = [
            *parent.get("_history", []),
            {
                "created": created,
                "created_by": " ".join([doc["Path"], *doc["Args"]]),
                "comment": message or "",
                "size": size,
            },
        ]
        new = {
            **parent,
            "Parent": doc["Image"],
            "Comment": message or "",
            "Created": created,
            "Container": cid,
            "Author": author or "",
            "Config": config,
            "Size": parent["Size"] + size,
            "VirtualSize": parent["Size"] + size,
            "RootFS": {
                "Type": "layers",
                "Layers": [
                    *parent["RootFS"]["Layers"],
                    "sha256:" + hashlib.sha256(digest.encode()).hexdigest(),
                ],
            },
            "Metadata": {"LastTagTime": created if repository else "0001-01-01T00:00:00Z"},
            "_history": history,
        }
        with self.store.write() as db:
            db.execute(
                "INSERT INTO images(id, doc, created) VALUES (?, ?, ?)",
                (image_id, json.dumps(new), time.time()),
            )
            for path, kind, mode, data, mtime in layer:
                db.execute(
                    "INSERT INTO image_files(image_id, path, kind, mode, data, mtime) "
                    "VALUES (?, ?, ?, ?, ?, ?)",
                    (image_id, path, kind, mode, data, mtime),
                )
            if repository:
                ref = refs.parse(f"{repository}:{tag}" if tag else repository)
                db.execute(
                    "INSERT OR REPLACE INTO tags(ref, image_id, repo) VALUES (?, ?, ?)",
                    (ref.name, image_id, ref.repo),
                )
        return {"Id": image_id}

    def get_archive(self, container: str, path: str) -> tuple[bytes, JSON]:
        """``GET /containers/{id}/archive``: a tar of ``path`` and its stat."""
        cid, doc = self._container(container)
        fs = self._fs_of(cid, doc)
        entry = fs.stat(path)
        if entry is None:
            raise NotFound(f"Could not find the file {path} in container {container}")
        import tarfile  # on first use: it would slow every ``docker`` command's start-up

        buffer = io.BytesIO()
        with tarfile.open(fileobj=buffer, mode="w") as tar:
            self._add_to_tar(tar, fs, fs.resolve(path), posixpath.basename(path.rstrip("/")) or "/")
        stat = {
            "name": posixpath.basename(path.rstrip("/")),
            "size": entry.size,
            "mode": entry.mode | (0x80000000 if entry.kind == "d" else 0),
            "mtime": rfc3339_ns(int((entry.mtime or time.time()) * 1e9)),
            "linkTarget": "",
        }
        return buffer.getvalue(), stat

    def _add_to_tar(self, tar: tarfile.TarFile, fs: ContainerFS, path: str, name: str) -> None:
        import tarfile

        link = fs.readlink(path)
        if link is not None:  # archived as the link it is, never followed (no loops)
            info = tarfile.TarInfo(name)
            info.type, info.linkname, info.mode = tarfile.SYMTYPE, link, 0o777
            tar.addfile(info)
            return
        entry = fs.stat(path)
        if entry is None:
            return
        info = tarfile.TarInfo(name)
        info.mode = entry.mode
        info.mtime = int(entry.mtime or time.time())
        if entry.kind == "d":
            info.type = tarfile.DIRTYPE
            tar.addfile(info)
            for child in fs.listdir(path):
                self._add_to_tar(tar, fs, posixpath.join(path, child), f"{name}/{child}")
        else:
            data = fs.read(path)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))

    def put_archive(self, container: str, path: str, data: bytes) -> bool:
        """``PUT /containers/{id}/archive``: extract a tar under the folder ``path``."""
        cid, doc = self._container(container)
        fs = self._fs_of(cid, doc)
        target = fs.stat(path)
        if target is None:
            raise NotFound(f"Could not find the file {path} in container {container}")
        if target.kind != "d":
            raise EngineError("extraction point is not a directory", 400)
        import tarfile

        try:
            with tarfile.open(fileobj=io.BytesIO(data), mode="r:*") as tar:
                for member in tar.getmembers():
                    dest = posixpath.normpath(posixpath.join(fs.resolve(path), member.name))
                    if member.isdir():
                        fs.mkdir(dest, parents=True)
                    elif member.isfile():
                        fs.mkdir(posixpath.dirname(dest), parents=True)
                        handle = tar.extractfile(member)
                        fs.write(dest, handle.read() if handle else b"")
        except FsError as error:
            raise EngineError(f"{error.path}: {error.reason}", 500) from None
        except tarfile.TarError as error:
            raise EngineError(str(error), 400) from None
        return True


def apply_changes(config: JSON, changes: list[str] | None) -> JSON:
    """``config`` after ``--change`` instructions (``CMD``, ``ENV``) of commit and import."""
    config = dict(config)
    for change in changes or []:
        word, _, value = change.partition(" ")
        if word.upper() == "CMD":
            config["Cmd"] = json.loads(value) if value.startswith("[") else ["/bin/sh", "-c", value]
        elif word.upper() == "ENV":
            config["Env"] = [
                *(config.get("Env") or []),
                value.replace(" ", "=", 1) if "=" not in value else value,
            ]
    return config
