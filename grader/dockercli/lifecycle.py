"""Container state changes and small queries.

Covers rm, stop, start, restart, kill, pause, unpause, rename, wait, port, top, diff,
commit, stats and container prune.

Multi-container commands act on each name in turn, print the name on success and report the
failures the way Docker 28 does (joined at the end, exit code 1).
"""

from __future__ import annotations

from collections.abc import Callable

from grader.commands.model import Command
from grader.dockercli.listing import natural_key
from grader.dockercli.session import CommandFailed, Session, client_id, daemon_text
from grader.engine.errors import EngineError, NotFound
from grader.render import units
from grader.render.tabwriter import align


def _each(cmd: Command, session: Session, action: Callable[[str], object]) -> int:
    failures = []
    for name in cmd.args:
        try:
            action(name)
        except CommandFailed as failure:  # refused by the client, before any request
            failures.append(failure.message)
            continue
        except EngineError as error:
            if cmd.name == "container rm" and cmd.option("force") and isinstance(error, NotFound):
                session.err(daemon_text(error) + "\n")
                continue
            failures.append(daemon_text(error))
            continue
        session.out(name + "\n")
    if failures:
        raise CommandFailed("\n".join(failures))
    return 0


def rm(cmd: Command, session: Session) -> int:
    """``docker rm [-f] [-v] CONTAINER...``."""
    engine = session.engine

    def remove(name: str) -> None:
        if not name.strip("/"):  # the CLI's own check (rm.go), before the client's
            raise CommandFailed("container name cannot be empty")
        engine.remove_container(
            client_id(name.strip("/")),
            v=bool(cmd.option("volumes")),
            link=bool(cmd.option("link")),
            force=bool(cmd.option("force")),
        )

    return _each(cmd, session, remove)


def stop(cmd: Command, session: Session) -> int:
    """``docker stop [-t N] CONTAINER...``."""
    timeout = cmd.option("timeout", cmd.option("time"))
    return _each(cmd, session, lambda name: session.engine.stop(client_id(name), timeout=timeout))


def restart(cmd: Command, session: Session) -> int:
    """``docker restart [-t N] CONTAINER...``."""
    timeout = cmd.option("timeout", cmd.option("time"))
    return _each(
        cmd, session, lambda name: session.engine.restart(client_id(name), timeout=timeout)
    )


def kill(cmd: Command, session: Session) -> int:
    """``docker kill [-s SIGNAL] CONTAINER...``."""
    signal = cmd.option("signal") or None
    return _each(cmd, session, lambda name: session.engine.kill(client_id(name), signal=signal))


def pause(cmd: Command, session: Session) -> int:
    """``docker pause CONTAINER...``."""
    return _each(cmd, session, lambda name: session.engine.pause(client_id(name)))


def unpause(cmd: Command, session: Session) -> int:
    """``docker unpause CONTAINER...``."""
    return _each(cmd, session, lambda name: session.engine.unpause(client_id(name)))


def start(cmd: Command, session: Session) -> int:
    """``docker start CONTAINER...`` (``-a`` follows the output like a foreground run)."""
    if cmd.option("attach") or cmd.option("interactive"):
        if len(cmd.args) > 1:
            raise CommandFailed("you cannot start and attach multiple containers at once")
        from grader.dockercli.run import attach_and_wait

        session.engine.inspect_container(cmd.args[0])  # the CLI looks first, then attaches
        session.engine.start(cmd.args[0])
        return attach_and_wait(session, cmd.args[0], remove=False)
    failed = []
    for name in cmd.args:
        try:
            session.engine.start(client_id(name))
        except CommandFailed as failure:
            session.err(failure.message + "\n")
            failed.append(name)
            continue
        except EngineError as error:
            session.err(daemon_text(error) + "\n")
            failed.append(name)
            continue
        session.out(name + "\n")
    if failed:
        raise CommandFailed(f"Error: failed to start containers: {', '.join(failed)}")
    return 0


def rename(cmd: Command, session: Session) -> int:
    """``docker rename OLD NEW``."""
    old, new = cmd.args[0].strip(), cmd.args[1].strip()
    if not old or not new:
        raise CommandFailed("Error: Neither old nor new names may be empty")
    try:
        session.engine.rename(old, new)
    except EngineError as error:
        session.err(daemon_text(error) + "\n")
        raise CommandFailed(f"Error: failed to rename container named {old}") from None
    return 0


def wait(cmd: Command, session: Session) -> int:
    """``docker wait CONTAINER...``: print each exit code.

    As the CLI, each wait is registered (``POST /wait``) and its answer read, one container
    after the other.
    """
    failures = []
    for name in cmd.args:
        try:
            registered = session.engine.register_wait(client_id(name))
            try:
                result = registered.result()
            finally:
                registered.close()
        except CommandFailed as failure:
            failures.append(failure.message)
            continue
        except EngineError as error:
            failures.append(daemon_text(error))
            continue
        session.out(f"{result.get('StatusCode', 0)}\n")
    if failures:
        raise CommandFailed("\n".join(failures))
    return 0


def _join_host_port(ip: str, port: str) -> str:
    return f"[{ip}]:{port}" if ":" in ip else f"{ip}:{port}"


def port(cmd: Command, session: Session) -> int:
    """``docker port CONTAINER [PORT[/PROTO]]``."""
    info = session.engine.inspect_container(cmd.args[0])
    ports = (info.get("NetworkSettings") or {}).get("Ports") or {}
    lines = []
    if len(cmd.args) > 1:
        number, _, proto = cmd.args[1].partition("/")
        if not number.isdigit() or int(number) > 65535:
            reason = "value out of range" if number.isdigit() else "invalid syntax"
            raise CommandFailed(
                f'Error: invalid port ({number}): strconv.ParseUint: parsing "{number}": {reason}'
            )
        frontends = ports.get(f"{number}/{proto or 'tcp'}") or []
        if not frontends:
            raise CommandFailed(
                f"Error: No public port '{cmd.args[1]}' published for {cmd.args[0]}"
            )
        lines = [_join_host_port(f.get("HostIp", ""), f.get("HostPort", "")) for f in frontends]
    else:
        for key, frontends in ports.items():
            for f in frontends or []:
                lines.append(
                    f"{key} -> {_join_host_port(f.get('HostIp', ''), f.get('HostPort', ''))}"
                )
    if lines:
        session.out("\n".join(sorted(lines, key=natural_key)) + "\n")
    return 0


def top(cmd: Command, session: Session) -> int:
    """``docker top CONTAINER [ps OPTIONS]``."""
    ps_args = " ".join(cmd.args[1:]) or None
    result = session.engine.top(cmd.args[0], ps_args=ps_args)
    text = "\t".join(result.get("Titles") or []) + "\n"
    for process in result.get("Processes") or []:
        text += "\t".join(process) + "\n"
    session.out(align(text, minwidth=20, padding=1))
    return 0


def diff(cmd: Command, session: Session) -> int:
    """``docker diff CONTAINER``: A/C/D lines."""
    for change in session.engine.diff(cmd.args[0]) or []:
        kind = {0: "C", 1: "A", 2: "D"}.get(change.get("Kind", -1), "?")
        session.out(f"{kind} {change.get('Path')}\n")
    return 0


def commit(cmd: Command, session: Session) -> int:
    """``docker commit CONTAINER [REPOSITORY[:TAG]]``: print the new image id."""
    repository, tag = None, None
    if len(cmd.args) > 1:
        repository, sep, tag = cmd.args[1].rpartition(":")
        if not sep or "/" in tag:
            repository, tag = cmd.args[1], None
    result = session.engine.commit(
        cmd.args[0],
        repository=repository,
        tag=tag,
        message=cmd.option("message"),
        author=cmd.option("author"),
        changes=cmd.option("change") or None,
    )
    session.out(f"{result.get('Id', '')}\n")
    return 0


def prune(cmd: Command, session: Session) -> int:
    """``docker container prune [-f]``."""
    if not cmd.option("force") and not confirm(
        session,
        "WARNING! This will remove all stopped containers.\nAre you sure you want to continue?",
    ):
        return 0
    report = session.engine.prune_containers(filters=_prune_filters(cmd))
    deleted = report.get("ContainersDeleted") or []
    if deleted:
        session.out("Deleted Containers:\n" + "".join(f"{c}\n" for c in deleted) + "\n")
    session.out(f"Total reclaimed space: {units.human_size(report.get('SpaceReclaimed') or 0)}\n")
    return 0


def _prune_filters(cmd: Command) -> dict[str, list[str]] | None:
    from grader.dockercli.listing import filters

    return filters(cmd) or None


def confirm(session: Session, question: str) -> bool:
    """Docker's ``[y/N]`` prompt; without an interactive stdin the answer is no (as EOF)."""
    import sys

    session.out(f"{question} [y/N] ")
    stdin = sys.stdin
    if stdin is None or not stdin.isatty():
        return False
    return stdin.readline().strip().lower() in {"y", "yes"}


def stats(cmd: Command, session: Session) -> int:
    """``docker stats --no-stream``: one sample per running container."""
    from grader.render.formatter import render

    everything = bool(cmd.option("all"))
    # as the CLI: every container listed, the stopped ones kept only with -a; each
    # container's stats asked for first (a stopped one's are zeros)
    names = cmd.args or [
        c["Id"]
        for c in session.engine.containers(all=True)
        if everything or c["State"] == "running"
    ]
    rows, failures = [], []
    for name in dict.fromkeys(names):  # the CLI collects each container once, all at once
        try:
            sample = session.engine.stats(client_id(name))
            info = session.engine.inspect_container(client_id(name))
        except CommandFailed as failure:
            failures.append(failure.message)
            continue
        except EngineError as error:
            failures.append(daemon_text(error))
            continue
        rows.append(
            _StatsRow(
                info, sample if info["State"].get("Running") else {}, not cmd.option("no-trunc")
            )
        )
    if failures:  # any container's error: the errors, and no table
        raise CommandFailed("\n".join(failures))
    fmt = cmd.option("format", "") or _StatsRow.DEFAULT_TABLE
    session.out(render(fmt, rows, _StatsRow.HEADER))
    return 0


class _StatsRow:
    """A row of ``docker stats`` computed from one stats sample (the CLI's arithmetic)."""

    go_type = "*formatter.statsContext"
    DEFAULT_TABLE = (
        "table {{.ID}}\t{{.Name}}\t{{.CPUPerc}}\t{{.MemUsage}}\t{{.MemPerc}}\t{{.NetIO}}\t"
        "{{.BlockIO}}\t{{.PIDs}}"
    )
    HEADER = {
        "ID": "CONTAINER ID",
        "Container": "CONTAINER",
        "Name": "NAME",
        "CPUPerc": "CPU %",
        "MemUsage": "MEM USAGE / LIMIT",
        "MemPerc": "MEM %",
        "NetIO": "NET I/O",
        "BlockIO": "BLOCK I/O",
        "PIDs": "PIDS",
    }

    def __init__(self, info: dict, sample: dict, trunc: bool) -> None:
        self.info, self.s, self.trunc = info, sample, trunc

    def ID(self) -> str:  # noqa: D102
        return units.truncate_id(self.info["Id"]) if self.trunc else self.info["Id"]

    def Container(self) -> str:  # noqa: D102
        return self.ID()

    def Name(self) -> str:  # noqa: D102
        return self.info.get("Name", "").lstrip("/")

    def CPUPerc(self) -> str:  # noqa: D102
        cpu, pre = self.s.get("cpu_stats") or {}, self.s.get("precpu_stats") or {}
        used = (cpu.get("cpu_usage") or {}).get("total_usage", 0)
        before = (pre.get("cpu_usage") or {}).get("total_usage", 0)
        system = cpu.get("system_cpu_usage", 0) - pre.get("system_cpu_usage", 0)
        cpus = cpu.get("online_cpus") or 1
        percent = (used - before) / system * cpus * 100 if system > 0 and used > before else 0.0
        return f"{percent:.2f}%"

    def _memory(self) -> tuple[float, float]:
        """Usage without the page cache, as the CLI's calculateMemUsageUnixNoCache."""
        memory = self.s.get("memory_stats") or {}
        usage, stats = memory.get("usage", 0), memory.get("stats") or {}
        cache = stats.get("total_inactive_file", stats.get("inactive_file", 0))
        if cache < usage:
            usage -= cache
        return usage, memory.get("limit", 0)

    def MemUsage(self) -> str:  # noqa: D102
        usage, limit = self._memory()
        return f"{_binary(usage)} / {_binary(limit)}"

    def MemPerc(self) -> str:  # noqa: D102
        usage, limit = self._memory()
        return f"{usage / limit * 100:.2f}%" if limit else "0.00%"

    def NetIO(self) -> str:  # noqa: D102
        nets = (self.s.get("networks") or {}).values()
        rx = sum(n.get("rx_bytes", 0) for n in nets)
        tx = sum(n.get("tx_bytes", 0) for n in nets)
        return f"{units.human_size(rx, 3)} / {units.human_size(tx, 3)}"

    def BlockIO(self) -> str:  # noqa: D102
        entries = (self.s.get("blkio_stats") or {}).get("io_service_bytes_recursive") or []
        read = sum(e.get("value", 0) for e in entries if e.get("op", "").lower() == "read")
        write = sum(e.get("value", 0) for e in entries if e.get("op", "").lower() == "write")
        return f"{units.human_size(read, 3)} / {units.human_size(write, 3)}"

    def PIDs(self) -> str:  # noqa: D102
        return str((self.s.get("pids_stats") or {}).get("current", 0))


def _binary(size: float) -> str:
    """go-units ``BytesSize``: binary units with 4 significant digits ("7.5MiB")."""
    names = ["B", "KiB", "MiB", "GiB", "TiB", "PiB"]
    index = 0
    while size >= 1024 and index < len(names) - 1:
        size /= 1024
        index += 1
    return f"{units.go_format_g(size, 4)}{names[index]}"
