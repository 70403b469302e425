"""The Engine's reference check, for the sandbox registry: see :mod:`grader.commands.reference`.

Image references have one parser, :mod:`grader.commands.reference` (distribution/reference's
grammar and Docker's exact error texts); this module only names the two things
:mod:`grader.engine.sandbox.registry` imports from here.
"""

from grader.commands.reference import ReferenceError, daemon_check

__all__ = ["ReferenceError", "daemon_check"]
