"""The one error hierarchy both engines raise, shaped like the daemon's HTTP errors.

The docker CLI prints a daemon error as ``Error response from daemon: <explanation>``;
``grader.dockercli`` does the same with :attr:`EngineError.explanation`. The sandbox raises
these directly; the real backend translates ``docker.errors.APIError`` into them, so no
layer above the engine imports the docker SDK.
"""

from __future__ import annotations


class EngineError(Exception):
    """A daemon-side refusal: HTTP status code plus Docker's explanation text."""

    def __init__(self, explanation: str, status_code: int = 500) -> None:
        super().__init__(explanation)
        self.explanation = explanation
        self.status_code = status_code


class NotFound(EngineError):
    """404: no such container, image, volume, network or exec instance."""

    def __init__(self, explanation: str) -> None:
        super().__init__(explanation, 404)


class ImageNotFound(NotFound):
    """404 for an image reference that is neither local nor pullable."""


class Conflict(EngineError):
    """409: name already in use, container running, image in use."""

    def __init__(self, explanation: str) -> None:
        super().__init__(explanation, 409)


class InvalidArgument(EngineError):
    """400: the daemon rejects a value the client let through."""

    def __init__(self, explanation: str) -> None:
        super().__init__(explanation, 400)


class EngineUnavailable(EngineError):
    """No daemon answers (the real backend only)."""

    def __init__(self, explanation: str) -> None:
        super().__init__(explanation, 503)


class GradingRefused(EngineError):
    """The course refuses a dangerous request while grading (privileged, docker socket, /)."""

    def __init__(self, explanation: str) -> None:
        super().__init__(explanation, 403)


class RegistryUnreachable(EngineError):
    """No registry answers at the address asked (reading a registry's content)."""

    def __init__(self, explanation: str) -> None:
        super().__init__(explanation, 502)
