"""``docker login`` and ``docker search``: the engine's ``/auth`` and ``/images/search``.

Both ask the engine, as the Docker 28 CLI does (``POST /auth`` with the credentials,
``GET /images/search``), so they print what the engine answers: on the sandbox, which has
no network, a login succeeds only to the course's own registry and a search cannot reach
Docker Hub (:mod:`grader.engine.sandbox.offline`).

Credentials come as the CLI takes them: ``--username``, ``--password`` or all of standard
input (``--password-stdin``), else prompts on the terminal (the password unechoed). Without
a terminal to prompt on, the CLI's refusal. A bare ``docker login`` first tries Docker's
web-based login, which needs the internet, then falls back to the prompts, as the CLI does
offline. The course keeps no credentials (no registry it reaches asks for them), so after
``Login Succeeded`` it prints no warning about where they were stored.
"""

from __future__ import annotations

import sys
from typing import TextIO

from grader.commands.model import Command
from grader.dockercli.listing import filters
from grader.dockercli.session import CommandFailed, Session, read_stdin
from grader.render.contexts import SearchContext
from grader.render.formatter import FormatError, render

HUB_INDEX = "https://index.docker.io/v1/"
"""The server address the CLI sends for Docker Hub."""
NON_TTY = "Error: Cannot perform an interactive login from a non TTY device"
HUB_INTRO = (
    "Log in with your Docker ID or email address to push and pull images from Docker Hub. "
    "If you don't have a Docker ID, head over to https://hub.docker.com/ to create one.\n"
    "You can log in with your password or a Personal Access Token (PAT). Using a "
    "limited-scope PAT grants better security and is required for organizations using SSO. "
    "Learn more at https://docs.docker.com/go/access-tokens/\n\n"
)
"""What the CLI prints before asking for a Docker Hub user name."""
PAT_NOTE = (
    "\n Info -> A Personal Access Token (PAT) can be used instead.\n"
    "         To create a PAT, visit \x1b[4mhttps://app.docker.com/settings\x1b[0m\n"
    "         \n         \n"
)
"""What the CLI prints (stderr) before asking for a Docker Hub password."""
NO_WEB_LOGIN = "Failed to start web-based login - falling back to command line login...\n\n"
"""The CLI's words when Docker Hub's web-based login cannot start (no internet)."""


def _read_unechoed(stdin: TextIO) -> str:
    """A line typed on the terminal without showing it, as the CLI reads a password."""
    try:
        import termios

        descriptor = stdin.fileno()
        saved = termios.tcgetattr(descriptor)
    except (ImportError, OSError, ValueError, AttributeError):  # not a real terminal
        return stdin.readline()
    quiet = list(saved)
    quiet[3] &= ~termios.ECHO
    termios.tcsetattr(descriptor, termios.TCSAFLUSH, quiet)
    try:
        return stdin.readline()
    finally:
        termios.tcsetattr(descriptor, termios.TCSAFLUSH, saved)


def _credentials(cmd: Command, session: Session, server: str) -> tuple[str, str]:
    """The user name and password, from the options, standard input or the prompts."""
    user = str(cmd.option("username") or "").strip()
    password = str(cmd.option("password") or "")
    stdin = sys.stdin
    if cmd.option("password-stdin"):
        password = read_stdin().removesuffix("\n").removesuffix("\r")
    password = password.strip()
    if user and password:
        return user, password
    if stdin is None or not stdin.isatty():
        raise CommandFailed(NON_TTY)
    hub = server == HUB_INDEX
    if not user:
        if hub and not password:
            session.err(NO_WEB_LOGIN)
        session.out((HUB_INTRO if hub else "") + "Username: ")
        user = stdin.readline().strip()
        if not user:
            raise CommandFailed("Error: Non-null Username Required")
    if hub:
        session.err(PAT_NOTE)
    session.out("Password: ")
    password = _read_unechoed(stdin).strip()
    session.out("\n")
    if not password:
        raise CommandFailed("Error: Password Required")
    return user, password


def login(cmd: Command, session: Session) -> int:
    """``docker login [-u USER] [-p PASSWORD | --password-stdin] [SERVER]``."""
    server = cmd.args[0] if cmd.args and cmd.args[0] != "docker.io" else HUB_INDEX
    user, password = _credentials(cmd, session, server)
    session.engine.login(user, password, registry=server)
    session.out("Login Succeeded\n")
    return 0


def search(cmd: Command, session: Session) -> int:
    """``docker search [--limit N] [--filter F] [--format F] [--no-trunc] TERM``."""
    limit = cmd.option("limit")
    found = session.engine.search(cmd.args[0], limit=int(limit) if limit else None)
    wanted = filters(cmd)
    rows = [SearchContext(item, not cmd.option("no-trunc")) for item in found]
    rows = [row for row in rows if _passes(row, wanted)]
    fmt = SearchContext.format_for(cmd.option("format", ""))
    try:
        session.out(render(fmt, rows, SearchContext.HEADER))
    except FormatError as error:
        raise CommandFailed(str(error)) from None
    return 0


def _passes(row: SearchContext, wanted: dict[str, list[str]]) -> bool:
    """The filters dockerd applies: ``is-official``, ``is-automated``, ``stars`` (at least)."""
    for official in wanted.get("is-official", []):
        if (row.IsOfficial() == "[OK]") != (official.lower() == "true"):
            return False
    for automated in wanted.get("is-automated", []):
        if (row.IsAutomated() == "[OK]") != (automated.lower() == "true"):
            return False
    for stars in wanted.get("stars", []):
        if not stars.isdigit():
            raise CommandFailed(f"Error response from daemon: invalid filter 'stars={stars}'")
        if int(row.StarCount()) < int(stars):
            return False
    return True
