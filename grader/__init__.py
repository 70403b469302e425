"""The grading package behind the Docker & Kubernetes course.

Layers, top to bottom (nothing imports upward; ``tests/test_layers.py`` checks it and
docs/architecture.md draws it):

- ``grader.course``: the instructor CLI over nbgrader;
- ``grader.grading``: grading a submission;
- ``grader.magics`` and ``grader.kubectl_magic`` (the notebook cell magics), ``grader.serve``
  (the sandbox as a daemon);
- ``grader.checks`` (what nbgrader test cells call), ``grader.widgets`` (the diagrams);
- ``grader.dockercli`` (runs a parsed docker command and prints Docker's output),
  ``grader.k8s`` (kubectl, the cluster simulator, manifest validation), ``grader.images``;
- ``grader.engine`` (one Engine API, two backends), ``grader.history``, ``grader.render``
  (Docker-identical output);
- ``grader.commands`` (docker's command-line grammar), ``grader.dockerfile`` (Dockerfiles,
  build contexts, lint hints);
- neutral helpers: ``grader.gotime``, ``grader.reference``, ``grader.state``, ``grader.shims``,
  ``grader.unexpected``, ``grader.recursion``.

Importing ``grader`` imports nothing heavy: the shim must start fast.
"""

__version__ = "0.1.0"
LABEL = "course=docker-k8s"
"""Every object the course creates on a real daemon carries this label."""
