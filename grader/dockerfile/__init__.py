"""Dockerfiles for the course: parsing as Docker's builder does, and hadolint hints.

- ``grader.dockerfile.instructions``: instructions, exec/shell form, Docker's parse errors.
- ``grader.dockerfile.lint``: hadolint's advice shown next to a student's Dockerfile.

The ``%%dockerfile`` cell magic is :mod:`grader.dockerfile_magic`, in the notebook layer next
to :mod:`grader.magics` (``%load_ext grader.magics`` loads it).
"""
