"""A simulated pod's web server: the page it answers and the nginx answer around it.

``curl`` run in another pod (:mod:`grader.k8s.podnet`) and ``kubectl port-forward``
(:mod:`grader.k8s.portforward`) both reach it: nginx's page for ``/`` (the course's
``website`` image is built on nginx too), a small page naming the pod for other images, and
nginx's 404 page for any other path; the headers and the access-log line come from the
Docker sandbox's own nginx answer (:func:`grader.engine.sandbox.server.answer`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from grader.k8s.podimage import image

Obj = dict[str, Any]
NGINX_VERSIONS = {"1.27": "1.27.5", "1.26": "1.26.3", "1.25": "1.25.5"}
"""The nginx release each image tag the course uses holds."""


def image_of(pod: Obj) -> str:
    """The first container's image reference."""
    return str(pod["spec"]["containers"][0].get("image", ""))


def page(pod: Obj) -> str:
    """The page the pod's web server answers ``/`` with (an nginx image's own index.html)."""
    if "nginx" in image_of(pod):
        return image(image_of(pod))[1]["/usr/share/nginx/html/index.html"][2].decode()
    return f"<h1>Hello from {pod['metadata']['name']}</h1>\n"


def nginx_version(pod: Obj) -> str:
    """The nginx version of the pod's image tag (``nginx:1.27`` -> 1.27.5)."""
    return NGINX_VERSIONS.get(image_of(pod).rpartition(":")[2], "1.27.5")


def respond(pod: Obj, target: str) -> tuple[int, str, dict[str, str], bytes, str]:
    """The pod's page for ``/``, nginx's 404 (and its error-log reason) for anything else."""
    path = target.split("?", 1)[0]
    if path in {"/", "/index.html"}:
        return 200, "OK", {"Content-Type": "text/html"}, page(pod).encode(), ""
    html = "/usr/share/nginx/html" + path
    reason = f'open() "{html}" failed (2: No such file or directory)'
    body = (
        "<html>\r\n<head><title>404 Not Found</title></head>\r\n<body>\r\n<center>"
        f"<h1>404 Not Found</h1></center>\r\n<hr><center>nginx/{nginx_version(pod)}"
        "</center>\r\n</body>\r\n</html>\r\n"
    )
    return 404, "Not Found", {}, body.encode(), reason


@dataclass
class PodWebRoot:
    """One request to ``pod``'s server, as :func:`~grader.engine.sandbox.server.answer` wants it.

    ``request`` is the cluster's record of the request, where the access-log line goes.
    """

    pod: Obj
    request: Obj

    def version(self) -> str:
        """The nginx version in the ``Server`` header."""
        return nginx_version(self.pod)

    def respond(self, method: str, target: str) -> tuple[int, str, dict[str, str], bytes, str]:
        """The pod's answer to ``target``."""
        return respond(self.pod, target)

    def log(self, stream: int, line: str) -> None:
        """The access-log line shows in ``kubectl logs`` of the pod."""
        if stream == 1:
            self.request["line"] = line
