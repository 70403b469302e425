"""The docker command line of the course: parse like Docker 28, run on an engine, print alike.

- :func:`execute`: one docker invocation (argv after ``docker``) on an engine.
- :func:`run_script`: a multi-line cell or script through the course's small shell
  language (``docker`` lines, ``$(docker ps -aq)``, ``export``, ``echo``, ``cd``, ``pwd``).
- ``grader.dockercli.main``: ``python -m grader docker ARG...`` and the ``docker`` shim.
- ``grader.dockercli.shim``: installs that shim on PATH.
"""

from grader.dockercli.execute import execute
from grader.dockercli.script import run_script

__all__ = ["execute", "run_script"]
