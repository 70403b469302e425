"""The sandbox as a Docker Engine on a Unix socket, and the thin terminal client.

- :mod:`grader.serve.daemon`: ``python -m grader serve``, one daemon per sandbox folder,
  serving the Docker Engine API on ``unix://$COURSE_SANDBOX_DIR/docker.sock`` (the Docker
  CLI and docker-py work against it), started on demand, exiting when idle.
- :mod:`grader.serve.http`: the HTTP/1.1 layer (bodies, JSON, streams, hijacked streams).
- :mod:`grader.serve.routes` and its endpoint modules: Engine API routes to sandbox calls.
- :mod:`grader.serve.workers`: the course's own ``docker`` commands, run in forked workers
  holding the terminal's file descriptors (sent on the course-private ``course.sock``).
- :mod:`grader.serve.client`: the ``docker`` shim's client; it imports only built-in
  modules, so a terminal command costs little more than the interpreter's start-up.

This module imports nothing: the client is imported through it.
"""
