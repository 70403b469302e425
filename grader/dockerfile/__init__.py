"""Dockerfiles for the course: parsing as Docker's builder does, and hadolint hints.

- ``grader.dockerfile.instructions``: instructions, exec/shell form, Docker's parse errors.
- ``grader.dockerfile.lint``: hadolint's advice shown next to a student's Dockerfile.
"""


def load_ipython_extension(ipython: object) -> None:
    """``%load_ext grader.dockerfile``: adds the ``%%dockerfile`` cell magic."""
    from grader.dockerfile.magic import register

    register(ipython)
