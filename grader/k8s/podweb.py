"""A simulated pod's web server: the page it answers and the nginx answer around it.

``curl`` run in another pod (:mod:`grader.k8s.podnet`) and ``kubectl port-forward``
(:mod:`grader.k8s.portforward`) both reach it. A pod running the student's own nginx image
(``website:1``, or one pushed to the course registry) answers from that image's files, as
its ``httpGet`` probes do (:mod:`grader.k8s.pages`). Other pods answer their image's nginx
page for ``/`` (a catalogue nginx image's own index.html), a small page naming the pod for
images without one, and nginx's 404 page for any other path. The headers and the access-log
line come from the Docker sandbox's own nginx answer
(:func:`grader.engine.sandbox.server.answer`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from grader.engine.sandbox.server import error_page, serve_file
from grader.k8s import pages
from grader.k8s.podimage import image

if TYPE_CHECKING:
    from grader.k8s.cluster import Cluster

Obj = dict[str, Any]
Answer = tuple[int, str, dict[str, str], bytes, str]
NGINX_VERSIONS = {"1.27": "1.27.5", "1.26": "1.26.3", "1.25": "1.25.5"}
"""The nginx release each image tag the course uses holds."""


def image_of(pod: Obj) -> str:
    """The first container's image reference."""
    return str(pod["spec"]["containers"][0].get("image", ""))


def page(pod: Obj) -> str:
    """The page the pod's web server answers ``/`` with, when its image is not the student's.

    Its image's nginx index.html (an nginx image, or the course's ``website`` built on one),
    else a page naming the pod.
    """
    index = image(image_of(pod))[1].get("/usr/share/nginx/html/index.html")
    if index is not None:
        return bytes(index[2]).decode()
    return f"<h1>Hello from {pod['metadata']['name']}</h1>\n"


def _site(cluster: Cluster, pod: Obj) -> tuple[pages.ImagePages, str] | None:
    """The pages of the student's own image the pod's first container runs, if it does."""
    return pages.site(cluster, pod, pod["spec"]["containers"][0])


def nginx_version(cluster: Cluster, pod: Obj) -> str:
    """The pod's nginx version: its image's ``NGINX_VERSION``, else by tag (1.27 -> 1.27.5)."""
    found = _site(cluster, pod)
    if found is not None:
        return found[1]
    return NGINX_VERSIONS.get(image_of(pod).rpartition(":")[2], "1.27.5")


def respond(cluster: Cluster, pod: Obj, method: str, target: str, host: str) -> Answer:
    """The pod's answer to ``target`` asked of ``host`` (see the module's docstring)."""
    found = _site(cluster, pod)
    if found is not None:
        return serve_file(found[0], method, target, found[1], host)
    path = target.split("?", 1)[0]
    if path in {"/", "/index.html"}:
        return 200, "OK", {"Content-Type": "text/html"}, page(pod).encode(), ""
    html = "/usr/share/nginx/html" + path
    reason = f'open() "{html}" failed (2: No such file or directory)'
    body = error_page("404 Not Found", nginx_version(cluster, pod))
    return 404, "Not Found", {}, body, reason


@dataclass
class PodWebRoot:
    """One request to ``pod``'s server, as :func:`~grader.engine.sandbox.server.answer` wants it.

    ``request`` is the cluster's record of the request, where the access-log line goes.
    """

    cluster: Cluster
    pod: Obj
    request: Obj

    def version(self) -> str:
        """The nginx version in the ``Server`` header."""
        return nginx_version(self.cluster, self.pod)

    def respond(self, method: str, target: str, host: str) -> Answer:
        """The pod's answer to ``target``."""
        return respond(self.cluster, self.pod, method, target, host)

    def log(self, stream: int, line: str) -> None:
        """The access-log line shows in ``kubectl logs`` of the pod."""
        if stream == 1:
            self.request["line"] = line
