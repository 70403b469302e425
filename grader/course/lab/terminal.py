"""The student's JupyterLab terminal: the student's own shell, with the course's commands first.

JupyterLab starts ``$SHELL -l`` when the server has no terminal, and a login shell reads
``/etc/profile``, which on Debian resets ``PATH``: ``docker`` and ``kubectl`` would then be
whatever the machine has installed, not the course's shims. The lab's terminals run
:data:`LAUNCHER` instead (``ServerApp.terminado_settings.shell_command``, see
:mod:`grader.course.lab.config`). It starts the student's shell as an interactive,
non-login shell whose start-up file first reads the student's own and then puts the
course's ``bin`` folder first on ``PATH``, so no login script or ``~/.bashrc`` can hide the
shims:

- bash: ``bash --rcfile course.bashrc -i`` (Debian's bash also reads ``/etc/bash.bashrc``);
- zsh: ``ZDOTDIR`` points at a folder whose ``.zshenv``/``.zshrc`` read the student's;
- any other shell: POSIX ``sh -i`` with ``ENV`` naming a start-up file.

A terminal opened outside the lab's root folder (JupyterLab resolves its folder against
the server process's working directory) starts in the root folder, ``JUPYTER_SERVER_ROOT``.
"""

from __future__ import annotations

import shlex
from pathlib import Path

from grader.shims import write_shim

LAUNCHER = "terminal"
"""The launcher's file name in the lab's configuration folder."""

_LAUNCHER = """\
#!/bin/sh
# The Docker & Kubernetes course's JupyterLab terminal (grader package): the student's
# shell, interactive but not a login shell, with the course's docker and kubectl first.
COURSE_BIN={bin}
COURSE_TERMINAL={home}
export COURSE_BIN COURSE_TERMINAL
root=${{JUPYTER_SERVER_ROOT:-}}
if [ -n "$root" ] && [ -d "$root" ]; then
    case $(pwd -P)/ in
        "$(cd "$root" && pwd -P)"/*) ;;
        *) cd "$root" || exit 1 ;;
    esac
fi
shell=${{SHELL:-/bin/sh}}
case ${{shell##*/}} in
    bash) exec "$shell" --rcfile "$COURSE_TERMINAL/bashrc" -i ;;
    zsh)
        COURSE_ZDOTDIR=${{ZDOTDIR:-$HOME}}
        ZDOTDIR=$COURSE_TERMINAL/zsh
        export COURSE_ZDOTDIR ZDOTDIR
        exec "$shell" -i ;;
esac
COURSE_ENV=${{ENV:-}}
ENV=$COURSE_TERMINAL/shrc
export COURSE_ENV ENV
exec /bin/sh -i
"""

_COURSE_FIRST = """\
# The course's docker and kubectl come first, whatever the lines above did to PATH.
PATH="$COURSE_BIN:$PATH"
export PATH
hash -r 2>/dev/null
"""

FILES = {
    "bashrc": "# bash start-up file of the course's terminal.\n"
    '[ -f "$HOME/.bashrc" ] && . "$HOME/.bashrc"\n' + _COURSE_FIRST,
    "shrc": "# sh start-up file (ENV) of the course's terminal.\n"
    'unset ENV\n[ -n "$COURSE_ENV" ] && [ -f "$COURSE_ENV" ] && . "$COURSE_ENV"\n' + _COURSE_FIRST,
    "zsh/.zshenv": "# zsh: the student's .zshenv, read from their own folder.\n"
    '[ -f "$COURSE_ZDOTDIR/.zshenv" ] && . "$COURSE_ZDOTDIR/.zshenv"\n',
    "zsh/.zshrc": "# zsh: the student's .zshrc, then the course's commands first.\n"
    'ZDOTDIR=$COURSE_ZDOTDIR\n[ -f "$ZDOTDIR/.zshrc" ] && . "$ZDOTDIR/.zshrc"\n' + _COURSE_FIRST,
}
"""Start-up files next to the launcher, by path relative to its folder."""


def launcher_script(bin_dir: Path, home: Path) -> str:
    """The launcher's text: the course's commands in ``bin_dir``, start-up files in ``home``."""
    return _LAUNCHER.format(
        bin=shlex.quote(str(Path(bin_dir).resolve())), home=shlex.quote(str(Path(home).resolve()))
    )


def install(home: Path, bin_dir: Path) -> Path:
    """Write the launcher and its start-up files into ``home``; return the launcher's path."""
    home = Path(home)
    for relative, text in FILES.items():
        path = home / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return write_shim(home, LAUNCHER, launcher_script(bin_dir, home))
