"""``python -m grader``: the course's command-line contracts.

- ``python -m grader docker ARG...`` runs one docker command on the selected engine and
  prints what Docker prints (exit codes as Docker's).
- ``python -m grader parse 'docker run ...'`` prints the parsed command as JSON, or Docker's
  client-side error on stderr with Docker's exit code.
- ``python -m grader kubectl ARG...`` runs one kubectl command on the cluster simulator.
- ``python -m grader serve`` serves the sandbox as a Docker Engine on
  ``$COURSE_SANDBOX_DIR/docker.sock`` (see :mod:`grader.serve`).

Each verb imports only what it needs, so the ``docker`` shim starts fast.
"""

from __future__ import annotations

import sys

USAGE = "usage: python -m grader {docker|parse|kubectl|serve} ARG..."


def main(argv: list[str] | None = None) -> int:
    """Dispatch to the verb's own entry point and return its exit code."""
    argv = list(sys.argv[1:] if argv is None else argv)
    if not argv or argv[0] in {"-h", "--help"}:
        print(USAGE, file=sys.stderr if not argv else sys.stdout)
        return 0 if argv else 2
    verb, rest = argv[0], argv[1:]
    if verb == "docker":
        from grader.dockercli.main import main as docker_main

        return docker_main(rest)
    if verb == "parse":
        from grader.commands.cli import main as parse_main

        return parse_main(rest)
    if verb == "kubectl":
        from grader.k8s.kubectl import main as kubectl_main

        return kubectl_main(rest)
    if verb == "serve":
        from grader.serve.daemon import main as serve_main

        return serve_main(rest)
    print(f"unknown verb {verb!r}\n{USAGE}", file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main())
