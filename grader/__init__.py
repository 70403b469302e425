"""The grading package behind the Docker & Kubernetes course.

Layers, top to bottom (nothing calls upward):

- ``grader.commands``: docker command-line grammar (argv -> typed command or Docker's error).
- ``grader.engine``: one Engine API, two backends (the real daemon, the embedded sandbox).
- ``grader.render``: Docker-identical output (tables, Go templates, inspect JSON, logs).
- ``grader.dockercli``: runs a parsed docker command on an engine and renders its output.
- ``grader.checks``: what nbgrader test cells call.
- ``grader.k8s``: manifest validation and the cluster simulator.
- ``grader.widgets``: the interactive diagrams.
- ``grader.course``: the instructor CLI over nbgrader.

Importing ``grader`` imports nothing heavy: the shim must start fast.
"""

__version__ = "0.1.0"
LABEL = "course=docker-k8s"
"""Every object the course creates on a real daemon carries this label."""
