"""The real Docker Engine behind the Engine API: docker-py's APIClient plus the course's rules.

:class:`RealEngine` *is* a ``docker.APIClient`` (same calls, same JSON), with four changes:

- every object it creates (container, volume, network, built image) carries the label
  ``course=docker-k8s`` (:data:`grader.LABEL`), so cleanup and grading touch only those;
- in grading mode it refuses unsafe containers (:mod:`grader.engine.safety`);
- ``docker.errors`` become :mod:`grader.engine.errors` (explanation = the daemon's text),
  so nothing above the engine imports the docker SDK;
- calls the protocol shapes differently from docker-py are adapted: streaming calls return
  decoded items, ``logs`` yields ``(stream, line)`` pairs, ``exec_run`` composes
  ``exec_create``/``exec_start``/``exec_inspect``, ``get_archive`` returns bytes.
"""

from __future__ import annotations

import functools
import inspect
import json
from collections.abc import Callable, Iterator
from datetime import datetime
from typing import Any, TypeVar

import docker
import docker.errors
import requests
import requests.exceptions
from docker.utils.socket import STDERR, STDOUT

from grader import LABEL
from grader.engine import errors, registry_http
from grader.engine.api import JSON, EngineAPI
from grader.engine.registry_http import REGISTRY
from grader.engine.safety import (
    refuse_unsafe_build,
    refuse_unsafe_exec,
    refuse_unsafe_host_config,
    refuse_unsafe_volume,
)

API_VERSION = "1.41"
"""Engine API version spoken: dockerd 20.10's, which Docker 28 daemons still accept."""

LABEL_KEY, _, LABEL_VALUE = LABEL.partition("=")

T = TypeVar("T")


def translate(error: Exception, host: str | None = None) -> errors.EngineError:
    """The course's error for a docker SDK / connection error (explanation = daemon text).

    ``host`` is the daemon address, named (as Docker's CLI does) when it cannot be reached.
    """
    if isinstance(error, errors.EngineError):
        return error
    if isinstance(error, docker.errors.APIError):
        explanation = error.explanation
        if isinstance(explanation, bytes):
            explanation = explanation.decode("utf-8", "replace")
        text = str(explanation or error).strip()
        status = error.status_code or 500
        if isinstance(error, docker.errors.ImageNotFound):
            return errors.ImageNotFound(text)
        if status == 404:
            return errors.NotFound(text)
        if status == 409:
            return errors.Conflict(text)
        if status == 400:
            return errors.InvalidArgument(text)
        return errors.EngineError(text, status)
    if isinstance(error, requests.exceptions.ConnectionError | ConnectionError):
        where = f" at {host}" if host else ""
        return errors.EngineUnavailable(
            f"Cannot connect to the Docker daemon{where}. Is the docker daemon running?"
        )
    return errors.EngineError(str(error))


_FAILURES = (docker.errors.DockerException, requests.exceptions.RequestException, OSError)


def _translated_iter(items: Iterator[T], host: str | None) -> Iterator[T]:
    try:
        yield from items
    except _FAILURES as error:
        raise translate(error, host) from error


def _translated(method: Callable[..., Any]) -> Callable[..., Any]:
    """Wrap an API method so SDK errors (raised now or while iterating) become ours."""

    @functools.wraps(method)
    def wrapper(self: RealEngine, *args: Any, **kwargs: Any) -> Any:
        try:
            result = method(self, *args, **kwargs)
        except _FAILURES as error:
            raise translate(error, self.docker_host) from error
        if inspect.isgenerator(result):
            return _translated_iter(result, self.docker_host)
        return result

    return wrapper


def with_course_label(labels: dict[str, str] | list[str] | None) -> dict[str, str]:
    """``labels`` (dict, or list of keys as docker-py allows) plus ``course=docker-k8s``."""
    if isinstance(labels, list):
        merged = dict.fromkeys(labels, "")
    else:
        merged = dict(labels or {})
    merged[LABEL_KEY] = LABEL_VALUE
    return merged


def _timestamp(value: Any) -> str | None:
    """A logs ``since``/``until`` value as the API wants it (Unix seconds as text)."""
    if value is None:
        return None
    if isinstance(value, datetime):
        return f"{value.timestamp():.9f}"
    if isinstance(value, int | float):
        return f"{value:.9f}" if isinstance(value, float) else str(value)
    return str(value)


def _frames(response: requests.Response, tty: bool) -> Iterator[tuple[int, bytes]]:
    """(stream id, data) from a logs response: raw bytes for a TTY, else Docker's frames."""
    if tty:
        for chunk in response.iter_content(chunk_size=None):
            yield STDOUT, chunk
        return
    while True:
        header = response.raw.read(8)
        if len(header) < 8:
            return
        length = int.from_bytes(header[4:8], "big")
        yield header[0], response.raw.read(length) if length else b""


class RealWait:
    """A wait dockerd registered (:meth:`RealEngine.register_wait`): its open answer."""

    def __init__(self, response: requests.Response, host: str) -> None:
        self._response = response
        self._host = host
        self._answer: JSON | None = None

    def result(self) -> JSON:
        """Read the answer's body (blocks until the container stops): {StatusCode, Error}."""
        if self._answer is None:
            try:
                self._answer = dict(self._response.json())
            except (*_FAILURES, ValueError) as error:
                raise translate(error, self._host) from error
            finally:
                self._response.close()
        return self._answer

    def close(self) -> None:
        """Close the connection: dockerd drops a wait whose client has gone."""
        self._response.close()


class RealEngine(docker.APIClient):
    """The Engine API on a real Docker daemon (see the module docstring for what differs)."""

    kind = "docker"
    shared = True
    attaches_terminal = True
    autoremove_keeps_logs = False

    def __init__(self, base_url: str, timeout: int = 120) -> None:
        super().__init__(base_url=base_url, version=API_VERSION, timeout=timeout)
        self.docker_host = base_url

    # -- system -------------------------------------------------------------------------------
    def ping(self) -> bool:
        """True when the daemon answers ``/_ping``."""
        try:
            return bool(super().ping())
        except _FAILURES:
            return False

    # -- creating objects: the course label and the grading rules --------------------------
    def create_host_config(self, **kwargs: Any) -> JSON:  # type: ignore[override]
        """docker-py's create_host_config, for any keyword the Engine API passes on.

        (The override only widens the signature to the Engine API's ``**kwargs``.)
        """
        return super().create_host_config(**kwargs)

    def create_container(  # type: ignore[override]  # keywords are forwarded to docker-py
        self, image: str, command: list[str] | str | None = None, **kwargs: Any
    ) -> JSON:
        """docker-py's create_container, labelled and checked against the grading rules."""
        refuse_unsafe_host_config(kwargs.get("host_config"))
        kwargs["labels"] = with_course_label(kwargs.get("labels"))
        return super().create_container(image, command, **kwargs)

    def create_volume(
        self,
        name: str | None = None,
        driver: str | None = None,
        driver_opts: dict[str, str] | None = None,
        labels: dict[str, str] | None = None,
    ) -> JSON:
        """``POST /volumes/create`` with the course label (grading: no binds of / ...)."""
        refuse_unsafe_volume(driver_opts)
        return super().create_volume(name, driver, driver_opts, with_course_label(labels))

    def create_network(  # type: ignore[override]  # keywords are forwarded to docker-py
        self,
        name: str,
        driver: str | None = None,
        labels: dict[str, str] | None = None,
        **kwargs: Any,
    ) -> JSON:
        """``POST /networks/create`` with the course label."""
        return super().create_network(
            name, driver=driver, labels=with_course_label(labels), **kwargs
        )

    def build(  # type: ignore[override]
        self,
        path: str,
        tag: str | list[str] | None = None,
        dockerfile: str | None = None,
        nocache: bool = False,
        buildargs: dict[str, str] | None = None,
        labels: dict[str, str] | None = None,
        version: str = "1",
    ) -> Iterator[JSON]:
        """Classic-builder ``POST /build`` of a folder, labelled; yields decoded items.

        Extra tags (when ``tag`` is a list) are applied after a successful build. docker-py
        speaks only the classic builder's protocol (BuildKit needs a session it cannot
        open), so a ``version`` "2" request is built classically, as the daemon is set up.
        """
        refuse_unsafe_build(path)
        tags = [tag] if isinstance(tag, str) else list(tag or [])
        image_id = ""
        for item in super().build(
            path=path,
            tag=tags[0] if tags else None,
            dockerfile=dockerfile,
            nocache=nocache,
            buildargs=buildargs,
            labels=with_course_label(labels),
            rm=True,
            decode=True,
        ):
            image_id = item.get("aux", {}).get("ID", image_id)
            yield item
        if image_id:
            for extra in tags[1:]:
                repository, _, version = extra.rpartition(":")
                if not repository or "/" in version:
                    repository, version = extra, "latest"
                super().tag(image_id, repository, version, force=True)

    def register_wait(self, container: str) -> RealWait:
        """``POST /containers/{id}/wait``, returning once dockerd has sent the headers.

        dockerd registers the wait, then writes and flushes the response headers; the body
        (the exit) comes when the container stops. docker-py's ``_post`` with ``stream``
        returns at the headers and leaves the body unread, so the wait is in place on
        return. No timeout, as docker-py's own ``wait``: a container may run for long.
        """
        url = self._url("/containers/{0}/wait", container)  # type: ignore[attr-defined]
        response = self._post(url, stream=True, timeout=None)  # type: ignore[attr-defined]
        try:
            self._raise_for_status(response)  # type: ignore[attr-defined]
        except docker.errors.APIError:
            response.close()
            raise
        return RealWait(response, self.docker_host)

    def restart(  # type: ignore[override]  # the Engine API names a container by str
        self, container: str, timeout: int | None = None
    ) -> None:
        """``POST /containers/{id}/restart``.

        Without ``timeout`` (``docker restart`` without ``-t``) no ``t`` is sent, so the
        daemon uses the container's own stop timeout; docker-py's ``restart`` cannot do that
        (it adds ``timeout`` to its connection timeout and fails on ``None``).
        """
        if timeout is not None:
            return super().restart(container, timeout)
        url = self._url("/containers/{0}/restart", container)  # type: ignore[attr-defined]
        response = self._post(url, timeout=None)  # type: ignore[attr-defined]
        self._raise_for_status(response)  # type: ignore[attr-defined]

    # -- streaming endpoints: decoded items ------------------------------------------------
    def pull(  # type: ignore[override]
        self,
        repository: str,
        tag: str | None = None,
        all_tags: bool = False,
        platform: str | None = None,
    ) -> Iterator[JSON]:
        """``POST /images/create``: progress items as dicts."""
        yield from super().pull(
            repository, tag=tag, all_tags=all_tags, platform=platform, stream=True, decode=True
        )

    def push(self, repository: str, tag: str | None = None) -> Iterator[JSON]:  # type: ignore[override]
        """``POST /images/{name}/push``: progress items as dicts ({"error": ...} on failure)."""
        yield from super().push(repository, tag=tag, stream=True, decode=True)

    def logs(  # type: ignore[override]
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
        """``GET /containers/{id}/logs`` as ``("stdout"|"stderr", line)`` pairs.

        Each line keeps its newline; ``since``/``until`` take a datetime, Unix seconds or
        the API's own text form.
        """
        params: dict[str, Any] = {
            "stdout": int(stdout),
            "stderr": int(stderr),
            "timestamps": int(timestamps),
            "follow": int(follow),
            "tail": str(tail),
        }
        for key, value in (("since", since), ("until", until)):
            if value is not None:
                params[key] = _timestamp(value)
        tty = bool(self.inspect_container(container)["Config"].get("Tty"))
        # _get, _url and _raise_for_status are docker-py's own HTTP helpers, which its type
        # stubs (types-docker) leave out as private.
        response = self._get(  # type: ignore[attr-defined]
            self._url("/containers/{0}/logs", container),  # type: ignore[attr-defined]
            params=params,
            stream=True,
        )
        self._raise_for_status(response)  # type: ignore[attr-defined]
        pending = {"stdout": b"", "stderr": b""}
        for stream_id, data in _frames(response, tty):
            name = "stderr" if stream_id == STDERR else "stdout"
            pending[name] += data
            *lines, pending[name] = pending[name].split(b"\n")
            for line in lines:
                yield name, line + b"\n"
        for name, rest in pending.items():
            if rest:
                yield name, rest

    def exec_create(self, container: str, cmd: Any, *args: Any, **kwargs: Any) -> JSON:
        """docker-py's exec_create, refused while grading when ``privileged``."""
        privileged = kwargs.get("privileged", args[4] if len(args) > 4 else False)
        refuse_unsafe_exec(bool(privileged))
        return super().exec_create(container, cmd, *args, **kwargs)

    # -- composed calls ------------------------------------------------------------------------
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
        """exec_create + exec_start + exec_inspect: (exit code, stdout, stderr).

        A command that cannot start (``executable file not found``) gives exit code 126 and
        the daemon's ``OCI runtime exec failed: ...`` line (ending in CR LF) on *stdout*:
        moby's exec router writes a start failure into the exec's stdout stream, so
        ``docker exec`` prints it there too.
        """
        created = self.exec_create(
            container, cmd, stdin=stdin, tty=tty, user=user,
            environment=environment, workdir=workdir,
        )  # fmt: skip
        exec_id = created["Id"]
        if detach:
            self.exec_start(exec_id, detach=True, tty=tty)
            return None, b"", b""
        out, err = self.exec_start(exec_id, tty=tty, demux=True)
        return self.exec_inspect(exec_id).get("ExitCode"), out or b"", err or b""

    def registry_tags(self, repository: str, host: str = REGISTRY) -> list[str] | None:
        """The tags the registry at ``host`` lists for ``repository`` (None: unknown name)."""
        return registry_http.tags(host, repository)

    def registry_catalog(self, host: str = REGISTRY) -> list[str]:
        """The repositories the registry at ``host`` lists."""
        return registry_http.catalog(host)

    def get_archive(self, container: str, path: str) -> tuple[bytes, JSON]:  # type: ignore[override]
        """``GET /containers/{id}/archive``: (the whole tar as bytes, stat)."""
        chunks, stat = super().get_archive(container, path)
        return b"".join(chunks), stat

    def save_images(self, names: list[str]) -> bytes:
        """``GET /images/get?names=`` (docker-py saves one image at a time)."""
        url = self._url("/images/get")  # type: ignore[attr-defined]
        response = self._get(url, params={"names": names}, stream=True)  # type: ignore[attr-defined]
        self._raise_for_status(response)  # type: ignore[attr-defined]
        return response.content

    def load_image(self, data: bytes, quiet: bool = False) -> Iterator[JSON]:
        """``POST /images/load``: decoded items."""
        yield from super().load_image(data, quiet=quiet)

    def import_archive(
        self,
        data: bytes,
        repository: str | None = None,
        tag: str | None = None,
        message: str | None = None,
        changes: list[str] | None = None,
    ) -> JSON:
        """``POST /images/create?fromSrc=-``, the course's label added as a change."""
        params = {
            "fromSrc": "-",
            "repo": repository,
            "tag": tag,
            "message": message,
            "changes": [*(changes or []), f"LABEL {LABEL}"],
        }
        url = self._url("/images/create")  # type: ignore[attr-defined]
        response = self._post(  # type: ignore[attr-defined]
            url, data=data, params=params, headers={"Content-Type": "application/tar"}
        )
        self._raise_for_status(response)  # type: ignore[attr-defined]
        items = [json.loads(line) for line in response.text.splitlines() if line.strip()]
        for item in items:
            if item.get("error"):
                raise errors.EngineError(item["error"])
        return items[-1] if items else {}

    def stats(self, container: str, stream: bool = False) -> JSON:  # type: ignore[override]
        """``GET /containers/{id}/stats?stream=false``: one sample."""
        return super().stats(container, stream=False)


for _name, _member in vars(EngineAPI).items():
    if not _name.startswith("_") and callable(_member) and _name != "ping":
        setattr(RealEngine, _name, _translated(getattr(RealEngine, _name)))
for _name in ("exec_create", "exec_start", "exec_inspect"):
    setattr(RealEngine, _name, _translated(getattr(RealEngine, _name)))
