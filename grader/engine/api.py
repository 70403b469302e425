"""The Engine API: the one interface both engines implement.

It is a subset of docker-py's low-level ``docker.APIClient``, with the same method names,
parameters and return values (the Docker Engine API's JSON, as dicts). So:

- the real backend (``grader.engine.real``) is ``docker.APIClient`` plus the course's
  label and safety rules, and
- the sandbox (``grader.engine.sandbox``) answers the same calls with the same JSON keys
  from its SQLite state, and
- everything above (``grader.dockercli``, ``grader.render``, ``grader.checks``,
  ``grader.widgets``) is written once against this protocol.

Errors are ``grader.engine.errors.EngineError`` subclasses on both backends. Streaming
endpoints (pull, push, build, logs with follow) return iterators of already-decoded items.
Times in JSON are RFC 3339 strings with nanoseconds where Docker uses them ("Created" of
inspect), Unix seconds where Docker does ("Created" in list endpoints).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from typing import Any, Protocol, runtime_checkable

from grader.engine.registry_http import REGISTRY

JSON = dict[str, Any]

FOLLOW_QUIET: tuple[str, bytes] = ("quiet", b"")
"""Yielded by a followed log stream that has caught up when no line can come any more
unless something outside the running cell acts (the sandbox's streams, while grading,
where nothing else acts): a follower may stop as if its time bound had passed."""


class RegisteredWait(Protocol):
    """A wait the engine has registered (:meth:`EngineAPI.register_wait`), read later.

    Docker's CLI posts ``/containers/{id}/wait`` and reads the answer at the end, in a
    goroutine: dockerd registers the wait and sends the response headers at once, the body
    when the container stops. This is the course's handle on such a wait.
    """

    def result(self) -> Mapping[str, Any]:
        """Block until the container is not running: ``{StatusCode, Error}``, once.

        The exit counted is the first from the registration on, even when the container
        stopped before this call (or was restarted, or removed, since).
        """

    def close(self) -> None:
        """Give the wait up unread (an engine may free what it holds); safe to repeat."""


@runtime_checkable
class EngineAPI(Protocol):
    """What a Docker engine offers the course. See docker-py's APIClient for each call."""

    kind: str
    """"docker" for a real daemon, "sandbox" for the embedded engine."""

    shared: bool
    """True when other programs use the same engine (a real daemon): the course then lists
    and removes only objects carrying its label, and a reset stays within the scope
    ``check.configure`` names. False for the sandbox, which holds only the course's objects.
    Code above the engine asks this, not :attr:`kind`, to choose that behaviour."""

    attaches_terminal: bool
    """True when ``run -it`` can attach a terminal to the container's own process (a real
    daemon). The sandbox runs no process to attach to: its interactive shells are
    line-by-line shells whose lines run through ``exec``."""

    autoremove_keeps_logs: bool
    """True when an auto-removed (``--rm``) container's logs stay readable for a moment after
    it exits (the sandbox keeps it briefly), so a client that follows the logs after the
    start still reads them all. A real daemon may remove it first: its Docker CLI attaches
    before the start instead."""

    # -- system ---------------------------------------------------------------
    def ping(self) -> bool:
        """True when the engine answers."""

    def version(self) -> JSON:
        """``GET /version``: Version, ApiVersion, Os, Arch, KernelVersion, Components..."""

    def info(self) -> JSON:
        """``GET /info``: Containers, ContainersRunning, Images, ServerVersion, ..."""

    # -- images ---------------------------------------------------------------
    def images(
        self,
        name: str | None = None,
        quiet: bool = False,
        all: bool = False,
        filters: dict[str, Any] | None = None,
    ) -> list[JSON] | list[str]:
        """``GET /images/json``: Id, RepoTags, RepoDigests, Created (unix), Size, Labels."""

    def inspect_image(self, image: str) -> JSON:
        """``GET /images/{name}/json``.

        Id, RepoTags, Created, Config{Cmd,Entrypoint,Env,
        ExposedPorts,WorkingDir,Labels}, Size, RootFS{Layers}, Architecture, Os.
        """

    def pull(
        self,
        repository: str,
        tag: str | None = None,
        all_tags: bool = False,
        platform: str | None = None,
    ) -> Iterator[JSON]:
        """``POST /images/create``: progress items ({"status": ..., "id": ...})."""

    def push(self, repository: str, tag: str | None = None) -> Iterator[JSON]:
        """``POST /images/{name}/push``: progress items, {"error": ...} on failure."""

    def tag(self, image: str, repository: str, tag: str | None = None, force: bool = False) -> bool:
        """``POST /images/{name}/tag``."""

    def remove_image(self, image: str, force: bool = False, noprune: bool = False) -> list[JSON]:
        """``DELETE /images/{name}``: [{"Untagged": ref}, {"Deleted": id}, ...]."""

    def history(self, image: str) -> list[JSON]:
        """``GET /images/{name}/history``: Id, Created, CreatedBy, Size, Comment, Tags."""

    def save_images(self, names: list[str]) -> bytes:
        """``GET /images/get?names=``: the ``docker save`` tar of the named images."""

    def load_image(self, data: bytes, quiet: bool = False) -> Iterator[JSON]:
        """``POST /images/load``: {"stream": "Loaded image: ..."} items."""

    def import_archive(
        self,
        data: bytes,
        repository: str | None = None,
        tag: str | None = None,
        message: str | None = None,
        changes: list[str] | None = None,
    ) -> JSON:
        """``POST /images/create?fromSrc=-`` with a filesystem tar: {"status": image id}."""

    def build(
        self,
        path: str,
        tag: str | list[str] | None = None,
        dockerfile: str | None = None,
        nocache: bool = False,
        buildargs: dict[str, str] | None = None,
        labels: dict[str, str] | None = None,
        version: str = "1",
    ) -> Iterator[JSON]:
        """``POST /build``: {"stream": ...} items, {"aux": {"ID": ...}} and {"error": ...}.

        ``version`` is the Engine API's builder: "1" the classic builder, "2" BuildKit's
        rules where they differ (what Docker 28's CLI asks for). An engine whose client
        speaks only the classic protocol builds classically.
        """

    def prune_builds(
        self,
        filters: Any = None,
        keep_storage: int | None = None,
        all: bool | None = None,  # noqa: A002
    ) -> JSON:
        """``POST /build/prune``: CachesDeleted, SpaceReclaimed."""

    def prune_images(self, filters: dict[str, Any] | None = None) -> JSON:
        """``POST /images/prune``: ImagesDeleted, SpaceReclaimed."""

    # -- containers -----------------------------------------------------------
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
        """``GET /containers/json``.

        Id, Names ["/name"], Image, ImageID, Command,
        Created (unix), Ports [{IP, PrivatePort, PublicPort, Type}], Labels, State, Status,
        Mounts, SizeRw/SizeRootFs when size.
        """

    def create_container(
        self, image: str, command: list[str] | str | None = None, **kwargs: Any
    ) -> JSON:
        """``POST /containers/create``.

        kwargs as docker-py's create_container
        (name, hostname, user, detach, stdin_open, tty, environment, working_dir,
        entrypoint, labels, host_config, ports, volumes, networking_config, platform).
        ``host_config`` is the dict ``create_host_config`` returns. Returns {Id, Warnings}.
        """

    def create_host_config(self, **kwargs: Any) -> JSON:
        """Build the HostConfig JSON as docker-py's create_host_config does.

        Keywords: port_bindings, binds, mounts, volumes_from,
        restart_policy, auto_remove, mem_limit, nano_cpus, network_mode, privileged,
        read_only, init, publish_all_ports ...) -> the HostConfig JSON.
        """

    def start(self, container: str) -> None:
        """``POST /containers/{id}/start``."""

    def stop(self, container: str, timeout: int | None = None) -> None:
        """``POST /containers/{id}/stop``."""

    def restart(self, container: str, timeout: int | None = None) -> None:
        """``POST /containers/{id}/restart``."""

    def kill(self, container: str, signal: str | int | None = None) -> None:
        """``POST /containers/{id}/kill``."""

    def pause(self, container: str) -> None:
        """``POST /containers/{id}/pause``."""

    def unpause(self, container: str) -> None:
        """``POST /containers/{id}/unpause``."""

    def remove_container(
        self, container: str, v: bool = False, link: bool = False, force: bool = False
    ) -> None:
        """``DELETE /containers/{id}``."""

    def inspect_container(self, container: str) -> JSON:
        """``GET /containers/{id}/json``.

        Id, Created, Path, Args, State{Status, Running,
        Paused, Restarting, ExitCode, StartedAt, FinishedAt}, Image, Name "/name",
        RestartCount, HostConfig, Mounts, Config{Hostname, Env, Cmd, Entrypoint, Image,
        WorkingDir, Labels, ExposedPorts}, NetworkSettings{Ports, IPAddress, Networks}.
        """

    def logs(
        self,
        container: str,
        stdout: bool = True,
        stderr: bool = True,
        timestamps: bool = False,
        tail: str | int = "all",
        since: Any = None,
        until: Any = None,
        follow: bool = False,
    ) -> Iterator[tuple[str, bytes]]:
        """``GET /containers/{id}/logs``: (stream name "stdout"/"stderr", line bytes)."""

    def exec_run(
        self,
        container: str,
        cmd: list[str],
        user: str = "",
        environment: list[str] | None = None,
        workdir: str | None = None,
        tty: bool = False,
        stdin: bool = False,
        detach: bool = False,
    ) -> tuple[int | None, bytes, bytes]:
        """exec_create + exec_start + exec_inspect in one: (exit code, stdout, stderr).

        Docker's "executable file not found" surfaces as exit code 126 with the runtime's
        message (``OCI runtime exec failed: ...``) in the output, as the daemon returns it.
        """

    def wait(self, container: str, timeout: int | None = None) -> Mapping[str, Any]:
        """``POST /containers/{id}/wait``: {StatusCode, Error}."""

    def register_wait(self, container: str) -> RegisteredWait:
        """``POST /containers/{id}/wait`` (condition ``not-running``), its answer read later.

        Not docker-py's: it returns once the engine has registered the wait (dockerd: once
        it has sent the response headers), so a caller knows that no exit from then on is
        missed before it looks the container up, as the Docker CLI's ``attach`` and
        ``wait`` do. A container not running now is answered with its current exit code.

        Raises:
            grader.engine.errors.NotFound: no such container (dockerd's 404, before the
                headers).
        """

    def top(self, container: str, ps_args: str | None = None) -> Mapping[str, Any]:
        """``GET /containers/{id}/top``: {Titles, Processes}."""

    def rename(self, container: str, name: str) -> None:
        """``POST /containers/{id}/rename``."""

    def commit(
        self,
        container: str,
        repository: str | None = None,
        tag: str | None = None,
        *,
        message: str | None = None,
        author: str | None = None,
        changes: list[str] | None = None,
    ) -> JSON:
        """``POST /commit``: {Id}.

        The options after ``tag`` are keyword-only: docker-py puts ``pause`` between
        ``author`` and ``changes``.
        """

    def diff(self, container: str) -> list[JSON]:
        """``GET /containers/{id}/changes``: [{Path, Kind 0 modified/1 added/2 deleted}]."""

    def stats(self, container: str, stream: bool = False) -> JSON:
        """``GET /containers/{id}/stats?stream=false``."""

    def get_archive(self, container: str, path: str) -> tuple[bytes, JSON]:
        """``GET /containers/{id}/archive``: (tar bytes, stat)."""

    def put_archive(self, container: str, path: str, data: bytes) -> bool:
        """``PUT /containers/{id}/archive``."""

    def prune_containers(self, filters: dict[str, Any] | None = None) -> JSON:
        """``POST /containers/prune``: ContainersDeleted, SpaceReclaimed."""

    def update_container(
        self,
        container: str,
        blkio_weight: int | None = None,
        cpu_period: int | None = None,
        cpu_quota: int | None = None,
        cpu_shares: int | None = None,
        cpuset_cpus: str | None = None,
        cpuset_mems: str | None = None,
        mem_limit: float | str | None = None,
        mem_reservation: float | str | None = None,
        memswap_limit: int | str | None = None,
        kernel_memory: int | str | None = None,
        restart_policy: Any = None,
    ) -> JSON:
        """``POST /containers/{id}/update``: {"Warnings": [...]}."""

    # -- volumes and networks ---------------------------------------------------
    def volumes(self, filters: dict[str, Any] | None = None) -> JSON:
        """``GET /volumes``.

        {Volumes: [{Name, Driver, Mountpoint, Labels, Scope,
        CreatedAt}], Warnings}.
        """

    def create_volume(
        self,
        name: str | None = None,
        driver: str | None = None,
        driver_opts: dict[str, str] | None = None,
        labels: dict[str, str] | None = None,
    ) -> JSON:
        """``POST /volumes/create``."""

    def inspect_volume(self, name: str) -> JSON:
        """``GET /volumes/{name}``."""

    def remove_volume(self, name: str, force: bool = False) -> None:
        """``DELETE /volumes/{name}``."""

    def prune_volumes(self, filters: dict[str, Any] | None = None) -> JSON:
        """``POST /volumes/prune``: VolumesDeleted, SpaceReclaimed."""

    def networks(
        self,
        names: list[str] | None = None,
        ids: list[str] | None = None,
        filters: dict[str, Any] | None = None,
    ) -> list[JSON]:
        """``GET /networks``: Name, Id, Created, Scope, Driver, Labels..."""

    def create_network(
        self,
        name: str,
        driver: str | None = None,
        labels: dict[str, str] | None = None,
        **kwargs: Any,
    ) -> JSON:
        """``POST /networks/create``: {Id, Warning}."""

    def inspect_network(self, net_id: str) -> JSON:
        """``GET /networks/{id}``."""

    def remove_network(self, net_id: str) -> None:
        """``DELETE /networks/{id}``."""

    def prune_networks(self, filters: dict[str, Any] | None = None) -> JSON:
        """``POST /networks/prune``: NetworksDeleted."""

    def connect_container_to_network(
        self, container: str, net_id: str, *, aliases: list[str] | None = None
    ) -> None:
        """``POST /networks/{id}/connect`` with the endpoint's aliases."""

    def disconnect_container_from_network(
        self, container: str, net_id: str, force: bool = False
    ) -> None:
        """``POST /networks/{id}/disconnect``."""

    # -- registries: login and search ----------------------------------------
    def login(
        self,
        username: str,
        password: str | None = None,
        email: str | None = None,
        registry: str | None = None,
        reauth: bool = False,
        dockercfg_path: str | None = None,
    ) -> JSON:
        """``POST /auth`` ``{username, password, serveraddress}``: {"Status": ...}."""

    def search(self, term: str, limit: int | None = None) -> list[JSON]:
        """``GET /images/search?term=&limit=``: Docker Hub's matches."""

    # -- swarm mode and plugins ------------------------------------------------
    def init_swarm(
        self,
        advertise_addr: str | None = None,
        listen_addr: str = "0.0.0.0:2377",
        force_new_cluster: bool = False,
        swarm_spec: dict[str, Any] | None = None,
        default_addr_pool: list[str] | None = None,
        subnet_size: int | None = None,
        data_path_addr: str | None = None,
        data_path_port: int | None = None,
    ) -> str:
        """``POST /swarm/init``: the new node's ID."""

    def services(
        self, filters: dict[str, Any] | None = None, status: bool | None = None
    ) -> list[JSON]:
        """``GET /services?filters=&status=`` (a swarm manager only)."""

    def nodes(self, filters: dict[str, Any] | None = None) -> list[JSON]:
        """``GET /nodes?filters=`` (a swarm manager only)."""

    def secrets(self, filters: dict[str, Any] | None = None) -> Iterable[JSON]:
        """``GET /secrets?filters=`` (a swarm manager only)."""

    def configs(self, filters: dict[str, Any] | None = None) -> list[JSON]:
        """``GET /configs?filters=`` (a swarm manager only)."""

    def plugins(self) -> list[JSON]:
        """``GET /plugins``: the installed plugins."""

    # -- a registry's content (not docker-py: the Registry HTTP API v2, as the engine sees it)
    def registry_tags(self, repository: str, host: str = REGISTRY) -> list[str] | None:
        """``GET /v2/<repository>/tags/list`` at ``host``: the tags, None for an unknown name.

        Raises:
            grader.engine.errors.RegistryUnreachable: nothing answers at ``host``.
        """

    def registry_catalog(self, host: str = REGISTRY) -> list[str]:
        """``GET /v2/_catalog`` at ``host``: the repositories.

        Raises:
            grader.engine.errors.RegistryUnreachable: nothing answers at ``host``.
        """
