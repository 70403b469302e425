"""Containers: create, list, inspect, rename, remove and prune.

Starting, stopping and the main process's life are in :mod:`.lifecycle`; logs in
:mod:`.logs`; exec in :mod:`.exec`.
"""

from __future__ import annotations

import json
import os
import posixpath
import re
import shlex
import time
from pathlib import Path
from typing import Any

from grader.engine import safety
from grader.engine.errors import Conflict, EngineError, ImageNotFound, InvalidArgument
from grader.engine.sandbox import health, hostconfig, refs
from grader.engine.sandbox.base import JSON, LABEL_KEY, LABEL_VALUE, SandboxBase
from grader.engine.sandbox.clock import (
    ZERO_TIME,
    new_id,
    now_ns,
    parse_rfc3339,
    rfc3339_ns,
)
from grader.engine.sandbox.filters import label_matches, normalise_filters
from grader.engine.sandbox.names import random_name
from grader.engine.sandbox.networks import ALIAS_REFUSED, PREDEFINED, empty_endpoint
from grader.gotime import human_duration

CONTAINER_NAME = re.compile(r"^/?[a-zA-Z0-9][a-zA-Z0-9_.-]+$")


def name_conflict(name: str, owner: str) -> str:
    """Docker's "name already in use" explanation."""
    return (
        f'Conflict. The container name "/{name}" is already in use by container "{owner}". '
        "You have to remove (or rename) that container to be able to reuse that name."
    )


def _split(command: list[str] | str | None) -> list[str] | None:
    if command is None:
        return None
    return shlex.split(command) if isinstance(command, str) else list(command)


def empty_network_settings(networks: dict[str, JSON]) -> JSON:
    """NetworkSettings of a container that is not running."""
    return {
        "Bridge": "",
        "SandboxID": "",
        "HairpinMode": False,
        "LinkLocalIPv6Address": "",
        "LinkLocalIPv6PrefixLen": 0,
        "Ports": {},
        "SandboxKey": "",
        "SecondaryIPAddresses": None,
        "SecondaryIPv6Addresses": None,
        "EndpointID": "",
        "Gateway": "",
        "GlobalIPv6Address": "",
        "GlobalIPv6PrefixLen": 0,
        "IPAddress": "",
        "IPPrefixLen": 0,
        "IPv6Gateway": "",
        "MacAddress": "",
        "Networks": networks,
    }


def status_text(doc: JSON, now: float | None = None) -> str:
    """The ``Status`` column: "Up 5 seconds", "Exited (0) 2 minutes ago", "Created"."""
    now = now or time.time()
    state = doc["State"]
    if state["Status"] == "created":
        return "Created"
    if state["Status"] == "restarting":
        ago = human_duration(now - parse_rfc3339(state["FinishedAt"]))
        return f"Restarting ({state['ExitCode']}) {ago} ago"
    if state["Running"]:
        up = f"Up {human_duration(now - parse_rfc3339(state['StartedAt']))}"
        return up + " (Paused)" if state["Paused"] else up + health.suffix(doc)
    if state["Status"] == "dead":
        return "Dead"
    finished = parse_rfc3339(state["FinishedAt"])
    return f"Exited ({state['ExitCode']}) {human_duration(now - finished)} ago"


class ContainersMixin(SandboxBase):
    """``/containers`` endpoints other than the lifecycle ones."""

    def create_host_config(self, **kwargs: Any) -> JSON:
        """The HostConfig JSON, as docker-py's ``create_host_config`` builds it."""
        return hostconfig.create_host_config(**kwargs)

    def create_container(
        self, image: str, command: list[str] | str | None = None, **kwargs: Any
    ) -> JSON:
        """``POST /containers/create``."""
        self._settle()
        found = self._find_image(image)
        if found is None:
            refs.parse(image)
            raise ImageNotFound(f"No such image: {refs.parse(image).name}")
        image_id, image_doc = found
        hc = hostconfig.full(dict(kwargs.get("host_config") or {}))
        safety.refuse_unsafe_host_config(hc)
        name = kwargs.get("name")
        if name is not None and not CONTAINER_NAME.match(name):
            raise InvalidArgument(
                f"Invalid container name ({name}), only [a-zA-Z0-9][a-zA-Z0-9_.-] are allowed"
            )
        if hc["AutoRemove"] and hc["RestartPolicy"]["Name"] not in ("", "no"):
            raise InvalidArgument("can't create 'AutoRemove' container with restart policy")
        if hc.get("Memory") and hc["Memory"] < 6 * 1024 * 1024:
            raise InvalidArgument("Minimum memory limit allowed is 6MB")
        cpus = os.cpu_count() or 1
        if hc.get("NanoCpus") and not 0 < hc["NanoCpus"] <= cpus * 10**9:
            raise InvalidArgument(
                f"Range of CPUs is from 0.01 to {cpus}.00, as there are only {cpus} CPUs available"
            )
        warnings = []
        if hc["NetworkMode"] == "host" and hc.get("PortBindings"):
            warnings.append("Published ports are discarded when using host network mode")
        config = self._container_config(image, command, image_doc, kwargs, hc)
        path_args = (config["Entrypoint"] or []) + (config["Cmd"] or [])
        if not path_args:
            raise InvalidArgument("no command specified")
        cid = new_id()
        config["Hostname"] = kwargs.get("hostname") or cid[:12]
        network = hc["NetworkMode"] if hc["NetworkMode"] not in ("default", "") else "bridge"
        if network.startswith("container:"):
            network = "container"
        elif network not in ("host", "none"):
            net = self._network(network)
            network = net["Name"]
        networks = {} if network == "container" else {network: empty_endpoint()}
        for wanted, settings in (
            (kwargs.get("networking_config") or {}).get("EndpointsConfig") or {}
        ).items():
            joined = (
                network if wanted in (network, hc["NetworkMode"]) else self._network(wanted)["Name"]
            )
            if settings and settings.get("Aliases"):
                if joined in PREDEFINED:
                    raise InvalidArgument(ALIAS_REFUSED)
                networks.setdefault(joined, empty_endpoint())["Aliases"] = list(settings["Aliases"])
        doc: JSON = {
            "Id": cid,
            "Created": rfc3339_ns(now_ns()),
            "Path": path_args[0],
            "Args": path_args[1:],
            "State": {
                "Status": "created",
                "Running": False,
                "Paused": False,
                "Restarting": False,
                "OOMKilled": False,
                "Dead": False,
                "Pid": 0,
                "ExitCode": 0,
                "Error": "",
                "StartedAt": ZERO_TIME,
                "FinishedAt": ZERO_TIME,
            },
            "Image": image_id,
            "ResolvConfPath": "",
            "HostnamePath": "",
            "HostsPath": "",
            "LogPath": "",
            "Name": "",
            "RestartCount": 0,
            "Driver": "overlay2",
            "Platform": "linux",
            "MountLabel": "",
            "ProcessLabel": "",
            "AppArmorProfile": "",
            "ExecIDs": None,
            "HostConfig": hc,
            "GraphDriver": {"Data": None, "Name": "overlay2"},
            "Mounts": [],
            "Config": config,
            "NetworkSettings": empty_network_settings(networks),
            "_starts": 0,
        }
        folder = self.state_dir / "containers" / cid
        doc["ResolvConfPath"] = str(folder / "resolv.conf")
        doc["HostnamePath"] = str(folder / "hostname")
        doc["HostsPath"] = str(folder / "hosts")
        doc["LogPath"] = str(folder / f"{cid}-json.log")
        with self.store.write() as db:
            doc["Mounts"] = self._mounts(doc)
            if name is not None:
                name = name.lstrip("/")
                row = db.execute("SELECT id FROM containers WHERE name = ?", (name,)).fetchone()
                if row:
                    raise Conflict(name_conflict(name, row[0]))
            else:
                name = random_name()
                retry = 0
                while db.execute("SELECT 1 FROM containers WHERE name = ?", (name,)).fetchone():
                    retry += 1
                    name = random_name(retry)
            doc["Name"] = "/" + name
            db.execute(
                "INSERT INTO containers(id, name, doc, deadline, created) "
                "VALUES (?, ?, ?, NULL, ?)",
                (cid, name, json.dumps(doc), time.time()),
            )
            self._add_mount_points(db, doc, image_doc)
        return {"Id": cid, "Warnings": warnings}

    def _container_config(
        self, image: str, command: Any, image_doc: JSON, kwargs: JSON, hc: JSON
    ) -> JSON:
        base = image_doc["Config"]
        entrypoint = _split(kwargs.get("entrypoint"))
        cmd = _split(command)
        if entrypoint is not None:
            entrypoint = entrypoint or None
            if cmd is None:
                cmd = None
        else:
            entrypoint = base.get("Entrypoint")
            if cmd is None:
                cmd = base.get("Cmd")
        env = kwargs.get("environment") or []
        if isinstance(env, dict):
            env = [f"{k}={v}" for k, v in env.items()]
        given = {e.split("=", 1)[0] for e in env}
        env = list(env) + [e for e in base.get("Env") or [] if e.split("=", 1)[0] not in given]
        exposed = dict(base.get("ExposedPorts") or {})
        for port in kwargs.get("ports") or []:
            key = hostconfig.port_key(
                port if not isinstance(port, tuple) else f"{port[0]}/{port[1]}"
            )
            exposed[key] = {}
        for key in hc.get("PortBindings") or {}:
            exposed[key] = {}
        labels = kwargs.get("labels") or {}
        if isinstance(labels, list):
            labels = dict.fromkeys(labels, "")
        labels = {**labels, LABEL_KEY: labels.get(LABEL_KEY, LABEL_VALUE)}
        volumes = dict(base.get("Volumes") or {})
        for path in kwargs.get("volumes") or []:
            volumes[path] = {}
        config = {
            "Hostname": "",
            "Domainname": kwargs.get("domainname") or "",
            "User": kwargs.get("user") or base.get("User") or "",
            "AttachStdin": bool(kwargs.get("stdin_open")) and not kwargs.get("detach"),
            "AttachStdout": not kwargs.get("detach"),
            "AttachStderr": not kwargs.get("detach"),
            "ExposedPorts": exposed or None,
            "Tty": bool(kwargs.get("tty")),
            "OpenStdin": bool(kwargs.get("stdin_open")),
            "StdinOnce": bool(kwargs.get("stdin_open")) and not kwargs.get("detach"),
            "Env": env,
            "Cmd": cmd,
            "Image": image,
            "Volumes": volumes or None,
            "WorkingDir": kwargs.get("working_dir") or base.get("WorkingDir") or "",
            "Entrypoint": entrypoint,
            "OnBuild": None,
            "Labels": {**(base.get("Labels") or {}), **labels},
        }
        if config["ExposedPorts"] is None:
            del config["ExposedPorts"]
        check = health.merge(base.get("Healthcheck"), kwargs.get("healthcheck"))
        if check:
            config["Healthcheck"] = check
        stop_signal = kwargs.get("stop_signal") or base.get("StopSignal")
        if stop_signal:
            config["StopSignal"] = stop_signal
        if kwargs.get("stop_timeout") is not None:
            config["StopTimeout"] = kwargs["stop_timeout"]
        return config

    def _mounts(self, doc: JSON) -> list[JSON]:
        hc = doc["HostConfig"]
        mounts: dict[str, JSON] = {}
        for source_ref in hc.get("VolumesFrom") or []:
            ref, _, mode = source_ref.partition(":")
            _, source = self._container(ref)
            for mount in source["Mounts"]:
                copied = dict(mount)
                if mode == "ro":
                    copied["RW"], copied["Mode"] = False, "ro"
                mounts[mount["Destination"]] = copied
        for bind in hc.get("Binds") or []:
            mount = self._bind_mount(bind)
            mounts[mount["Destination"]] = mount
        for spec in hc.get("Mounts") or []:
            mount = self._mount_spec(spec)
            mounts[mount["Destination"]] = mount
        wanted = list((doc["Config"].get("Volumes") or {}).keys())
        for destination in wanted:
            if destination not in mounts:
                volume = self._ensure_volume(None)
                mounts[destination] = _volume_mount(volume, destination, True, "")
        return list(mounts.values())

    def _bind_mount(self, bind: str) -> JSON:
        parts = bind.split(":")
        if len(parts) < 2 or len(parts) > 3:
            raise InvalidArgument(f"invalid volume specification: '{bind}'")
        source, destination = parts[0], parts[1]
        mode = parts[2] if len(parts) == 3 else ""
        if not destination.startswith("/"):
            raise InvalidArgument(
                f"invalid volume specification: '{bind}': invalid mount config for type "
                f"\"volume\": invalid mount path: '{destination}' mount path must be absolute"
            )
        rw = "ro" not in mode.split(",")
        if source.startswith("/"):
            os.makedirs(source, exist_ok=True)
            return {
                "Type": "bind",
                "Source": source,
                "Destination": destination,
                "Mode": mode,
                "RW": rw,
                "Propagation": "rprivate",
            }
        volume = self._ensure_volume(source)
        return _volume_mount(volume, destination, rw, mode or "z")

    def _mount_spec(self, spec: JSON) -> JSON:
        kind = str(spec.get("Type", "volume")).lower()
        source = spec.get("Source") or ""
        target = spec.get("Target") or spec.get("Destination") or ""
        rw = not spec.get("ReadOnly")
        if not target.startswith("/"):
            raise InvalidArgument(
                f'invalid mount config for type "{kind}": invalid mount path: '
                f"'{target}' mount path must be absolute"
            )
        if kind == "bind":
            if not os.path.exists(source):
                raise InvalidArgument(
                    'invalid mount config for type "bind": bind source path does not exist: '
                    + source
                )
            return {
                "Type": "bind",
                "Source": source,
                "Destination": target,
                "Mode": "",
                "RW": rw,
                "Propagation": "rprivate",
            }
        if kind == "tmpfs":
            return {
                "Type": "tmpfs",
                "Source": "",
                "Destination": target,
                "Mode": "",
                "RW": rw,
                "Propagation": "",
            }
        volume = self._ensure_volume(source or None)
        return _volume_mount(volume, target, rw, "z")

    def _add_mount_points(self, db: Any, doc: JSON, image_doc: JSON) -> None:
        """Prepare mount points: missing ones are added folders, empty volumes get files.

        A mount point missing from the image shows up in ``docker diff``; an empty volume
        gets a copy of the image's files under its mount point, as Docker does.
        """
        from grader.engine.sandbox.fs import image_layers

        files = image_layers(self.store, image_doc, doc["Image"])
        for mount in doc["Mounts"]:
            # Docker mounts a relative anonymous volume (-v ::) at the root: /::
            target = posixpath.normpath(posixpath.join("/", mount["Destination"]))
            if mount["Type"] == "volume":
                _populate(Path(mount["Source"]), target, files)
            path = target.rstrip("/")
            missing = []
            while path and path not in files:
                missing.append(path)
                path = path.rsplit("/", 1)[0]
            for folder in reversed(missing):
                db.execute(
                    "INSERT OR IGNORE INTO container_files(container_id, path, kind, mode, "
                    "data, mtime) VALUES (?, ?, 'd', 493, x'', ?)",
                    (doc["Id"], folder, time.time()),
                )

    # -- reading -----------------------------------------------------------------------
    def containers(
        self,
        quiet: bool = False,
        all: bool = False,
        trunc: bool = False,
        latest: bool = False,
        since: str | None = None,
        before: str | None = None,
        limit: int = -1,
        size: bool = False,
        filters: dict[str, Any] | None = None,
    ) -> list[JSON]:
        """``GET /containers/json``: newest first."""
        self._settle()
        rows = self.store.db.execute(
            "SELECT doc FROM containers ORDER BY created DESC, rowid DESC"
        ).fetchall()
        docs = [json.loads(r[0]) for r in rows]
        wanted = normalise_filters(filters)
        if since or before:
            docs = self._window(docs, since, before)
            all = True
        if latest:
            limit = 1
        if limit and limit > 0:
            all = True
        now = time.time()
        result = []
        for doc in docs:
            if not all and not doc["State"]["Running"] and "status" not in wanted:
                continue
            if not self._matches(doc, wanted):
                continue
            item = self._summary(doc, now)
            if size:
                size_rw = self._size_rw(doc["Id"])
                if size_rw:
                    item["SizeRw"] = size_rw
                item["SizeRootFs"] = self._image_size(doc["Image"]) + size_rw
            result.append(item)
            if limit and 0 < limit <= len(result):
                break
        if quiet:
            return [{"Id": item["Id"]} for item in result]
        return result

    def _window(self, docs: list[JSON], since: str | None, before: str | None) -> list[JSON]:
        ids = [d["Id"] for d in docs]
        lo, hi = 0, len(docs)
        if before:
            hi = ids.index(self._container(before)[0])
            lo = hi + 1
            hi = len(docs)
        if since:
            end = ids.index(self._container(since)[0])
            return docs[lo:end] if before else docs[:end]
        return docs[lo:hi]

    def _matches(self, doc: JSON, wanted: dict[str, list[str]]) -> bool:
        state = doc["State"]["Status"]
        checks = {
            "id": lambda v: doc["Id"].startswith(v),
            "name": lambda v: re.search(v, doc["Name"]) is not None,
            "status": lambda v: state == v,
            "exited": lambda v: state == "exited" and str(doc["State"]["ExitCode"]) == v,
            "ancestor": lambda v: self._is_ancestor(v, doc),
            "volume": lambda v: any(
                m.get("Name") == v or m["Destination"] == v for m in doc["Mounts"]
            ),
            "network": lambda v: v in doc["NetworkSettings"]["Networks"],
            "publish": lambda v: any(
                b["HostPort"] == v.split("/")[0]
                for bs in doc["NetworkSettings"]["Ports"].values()
                for b in bs or []
            ),
            "expose": lambda v: hostconfig.port_key(v) in (doc["Config"].get("ExposedPorts") or {}),
        }
        for key, values in wanted.items():
            if key in ("label", "label!"):
                continue
            check = checks.get(key)
            if check is None:
                raise InvalidArgument(f"invalid filter '{key}'")
            if not any(check(v) for v in values):
                return False
        return label_matches(doc["Config"].get("Labels") or {}, wanted)

    def _is_ancestor(self, ref: str, doc: JSON) -> bool:
        found = self._find_image(ref)
        return found is not None and found[0] == doc["Image"]

    def _summary(self, doc: JSON, now: float) -> JSON:
        image = doc["Config"]["Image"]
        current = self._tag_target(image) if refs.looks_like_reference(image) else None
        if (
            current != doc["Image"]
            and not image.startswith("sha256:")
            and not doc["Image"].removeprefix("sha256:").startswith(image)
        ):
            image = doc["Image"]
        ports = []
        for key, bindings in sorted(doc["NetworkSettings"]["Ports"].items()):
            number, _, proto = key.partition("/")
            if not bindings:
                ports.append({"PrivatePort": int(number), "Type": proto})
                continue
            for b in bindings:
                ports.append(
                    {
                        "IP": b["HostIp"],
                        "PrivatePort": int(number),
                        "PublicPort": int(b["HostPort"]),
                        "Type": proto,
                    }
                )
        return {
            "Id": doc["Id"],
            "Names": [doc["Name"]],
            "Image": image,
            "ImageID": doc["Image"],
            "Command": " ".join([doc["Path"], *doc["Args"]]),
            "Created": int(parse_rfc3339(doc["Created"])),
            "Ports": ports,
            "Labels": doc["Config"].get("Labels") or {},
            "State": doc["State"]["Status"],
            "Status": status_text(doc, now),
            "HostConfig": {"NetworkMode": doc["HostConfig"]["NetworkMode"]},
            "NetworkSettings": {"Networks": doc["NetworkSettings"]["Networks"]},
            "Mounts": [
                {k: v for k, v in m.items() if k != "Destination"}
                | {"Destination": m["Destination"]}
                for m in doc["Mounts"]
            ],
        }

    def _size_rw(self, cid: str) -> int:
        row = self.store.db.execute(
            "SELECT COALESCE(SUM(LENGTH(data)), 0) FROM container_files WHERE container_id = ? "
            "AND kind = 'f'",
            (cid,),
        ).fetchone()
        return int(row[0])

    def _image_size(self, image_id: str) -> int:
        row = self.store.db.execute(
            "SELECT json_extract(doc, '$.Size') FROM images WHERE id = ?", (image_id,)
        ).fetchone()
        return int(row[0]) if row and row[0] else 0

    def inspect_container(self, container: str) -> JSON:
        """``GET /containers/{id}/json``."""
        self._settle()
        _, doc = self._container(container)
        return {k: v for k, v in doc.items() if not k.startswith("_")}

    # -- changes ------------------------------------------------------------------------
    def rename(self, container: str, name: str) -> None:
        """``POST /containers/{id}/rename``."""
        cid, doc = self._container(container)
        name = name.lstrip("/")
        if not CONTAINER_NAME.match(name):
            raise InvalidArgument(
                f"Invalid container name ({name}), only [a-zA-Z0-9][a-zA-Z0-9_.-] are allowed"
            )
        if doc["Name"] == "/" + name:
            raise InvalidArgument("Renaming a container with the same name as its current name")
        with self.store.write() as db:
            row = db.execute("SELECT id FROM containers WHERE name = ?", (name,)).fetchone()
            if row:
                raise Conflict(f"Error when allocating new name: {name_conflict(name, row[0])}")
            doc = json.loads(
                db.execute("SELECT doc FROM containers WHERE id = ?", (cid,)).fetchone()[0]
            )
            doc["Name"] = "/" + name
            deadline = db.execute(
                "SELECT deadline FROM containers WHERE id = ?", (cid,)
            ).fetchone()[0]
            self._save_container(db, doc, deadline)

    def remove_container(
        self, container: str, v: bool = False, link: bool = False, force: bool = False
    ) -> None:
        """``DELETE /containers/{id}``: refused while running unless ``force``."""
        self._settle()
        cid, doc = self._container(container)
        state = doc["State"]
        if state["Running"] or state["Status"] in ("paused", "restarting"):
            if not force:
                status = "paused" if state["Paused"] else state["Status"]
                if status == "paused":
                    reason = "container is paused and must be unpaused first"
                    raise Conflict(f'cannot remove container "{doc["Name"]}": {reason}')
                raise Conflict(
                    f'cannot remove container "{doc["Name"]}": container is {status}: stop the '
                    "container before removing or force remove"
                )
            self._terminate(cid, "SIGKILL")
        self._delete_container(cid, remove_volumes=v)

    def _delete_container(self, cid: str, remove_volumes: bool) -> None:
        """Drop a stopped container: its layer, logs, helper process (and anonymous volumes)."""
        from grader.engine.sandbox.volumes import ANONYMOUS_LABEL

        self._stop_server(cid)
        with self.store.write() as db:
            row = db.execute("SELECT doc FROM containers WHERE id = ?", (cid,)).fetchone()
            if row is None:
                return
            doc = json.loads(row[0])
            for table, key in (
                ("containers", "id"),
                ("container_files", "container_id"),
                ("logs", "container_id"),
            ):
                db.execute(f"DELETE FROM {table} WHERE {key} = ?", (cid,))
        if remove_volumes:
            for mount in doc["Mounts"]:
                if mount["Type"] != "volume":
                    continue
                try:
                    volume = self.inspect_volume(mount["Name"])
                    if ANONYMOUS_LABEL in (volume["Labels"] or {}):
                        self.remove_volume(mount["Name"])
                except EngineError:
                    continue

    def prune_containers(self, filters: dict[str, Any] | None = None) -> JSON:
        """``POST /containers/prune``: every stopped container."""
        self._settle()
        wanted = normalise_filters(filters)
        deleted, reclaimed = [], 0
        for item in self.containers(
            all=True, filters={k: v for k, v in wanted.items() if k.startswith("label")}
        ):
            if item["State"] in ("running", "paused", "restarting"):
                continue
            reclaimed += self._size_rw(item["Id"])
            self._delete_container(item["Id"], remove_volumes=False)
            deleted.append(item["Id"])
        return {"ContainersDeleted": deleted or None, "SpaceReclaimed": reclaimed}


def _populate(folder: Path, destination: str, files: dict[str, tuple]) -> None:
    """Copy the image's files under ``destination`` into an empty volume, as Docker does."""
    if not folder.is_dir() or any(folder.iterdir()):
        return
    prefix = destination.rstrip("/") + "/"
    for path, (kind, mode, data, _) in sorted(files.items()):
        if not path.startswith(prefix):
            continue
        target = folder / path[len(prefix) :]
        if kind == "d":
            target.mkdir(parents=True, exist_ok=True)
        elif kind == "f":
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(bytes(data))
            target.chmod(mode & 0o777)


def _volume_mount(volume: JSON, destination: str, rw: bool, mode: str) -> JSON:
    return {
        "Type": "volume",
        "Name": volume["Name"],
        "Source": volume["Mountpoint"],
        "Destination": destination,
        "Driver": "local",
        "Mode": mode,
        "RW": rw,
        "Propagation": "",
    }
