"""The %%docker magic: options, nbgrader's stub, registration in a real IPython shell."""

from __future__ import annotations

import pytest
from IPython.core.interactiveshell import InteractiveShell

from grader import magics


@pytest.fixture
def shell():
    ip = InteractiveShell.instance()
    magics.load_ipython_extension(ip)
    yield ip
    InteractiveShell.clear_instance()


def test_extension_registers_cell_and_line_magics(shell):
    assert "docker" in shell.magics_manager.magics["cell"]
    assert "docker" in shell.magics_manager.magics["line"]


def test_extension_loads_the_other_parts_magics_too(shell):
    assert "dockerfile" in shell.magics_manager.magics["cell"]
    assert "kubectl" in shell.magics_manager.magics["cell"]


def test_timeout_option():
    assert magics.parse_options("--timeout 10").timeout == 10
    assert magics.parse_options("").timeout == magics.DEFAULT_TIMEOUT
    with pytest.raises(magics.MagicUsageError, match="usage: %%docker"):
        magics.parse_options("--timeout ten")
    with pytest.raises(magics.MagicUsageError, match="unknown option '--nope'"):
        magics.parse_options("--nope")
    with pytest.raises(magics.MagicUsageError, match="positive"):
        magics.parse_options("--timeout 0")


def test_bad_option_is_a_message_not_a_traceback(capsys):
    assert magics.run_cell("--timeout ten", "docker ps") == 2
    assert "usage: %%docker [--timeout SECONDS]" in capsys.readouterr().err


def test_nbgrader_stub_gives_a_clear_message(shell, capsys, sandbox_dir):
    result = shell.run_cell("%%docker\n# YOUR CODE HERE\nraise NotImplementedError()\n")
    assert result.error_in_exec is None
    captured = capsys.readouterr()
    assert "This answer cell has no docker commands yet" in captured.err
    assert "Traceback" not in captured.out + captured.err


def test_writefile_of_the_stub_writes_nothing(shell, capsys, tmp_path):
    target = tmp_path / "website.yaml"
    shell.run_cell(f"%%writefile {target}\n# YOUR CODE HERE\nraise NotImplementedError()\n")
    assert not target.exists()
    assert "This answer cell has no lines for this file yet" in capsys.readouterr().err
    shell.run_cell(f"%%writefile {target}\nkind: Pod\nraise NotImplementedError()\n")
    assert target.read_text() == "kind: Pod\n"
    shell.run_cell(f"%%writefile -a {target}\nmetadata: {{}}\n")
    assert target.read_text() == "kind: Pod\nmetadata: {}\n"


def test_strip_stub_keeps_the_students_lines():
    script, stubbed = magics.strip_stub("# YOUR CODE HERE\nraise NotImplementedError()\ndocker ps")
    assert stubbed
    assert script == "docker ps"


def test_empty_line_magic_shows_usage(capsys):
    assert magics.run_line("  ") == 2
    assert "usage: %docker COMMAND" in capsys.readouterr().err


def test_cell_runs_docker_lines_and_records_history(shell, capfd, sandbox_dir):
    from grader import history

    shell.run_cell("%%docker\ndocker pull hello-world\ndocker run --name hi hello-world\n")
    out = capfd.readouterr().out
    assert "Hello from Docker!" in out
    runs = [e for e in history.entries() if e.argv[:2] == ["docker", "run"]]
    assert [e.source for e in runs] == ["magic"]
    assert runs[0].exit_code == 0


def test_exported_variables_live_across_cells(shell, capfd, sandbox_dir):
    shell.run_cell('%%docker\nexport FORMAT="name={{.Names}}"\n')
    shell.run_cell("%%docker\ndocker pull hello-world\ndocker create --name box1 hello-world\n")
    capfd.readouterr()
    shell.run_cell('%%docker\ndocker ps -a --format "$FORMAT"\n')
    assert "name=box1" in capfd.readouterr().out


def test_line_magic(shell, capfd, sandbox_dir):
    shell.run_cell("%docker images")
    assert "REPOSITORY" in capfd.readouterr().out


def test_non_docker_line_is_a_shell_message(shell, capfd, sandbox_dir):
    result = shell.run_cell("%%docker\nprint('hello')\n")
    assert result.error_in_exec is None
    captured = capfd.readouterr()
    assert "Traceback" not in captured.out + captured.err
    assert captured.err.strip()


def test_timeout_bounds_a_foreground_server(shell, capfd, sandbox_dir):
    import time

    started = time.monotonic()
    shell.run_cell("%%docker --timeout 2\ndocker run --name fg nginx:latest\n")
    assert time.monotonic() - started < 20
    captured = capfd.readouterr()
    assert "Configuration complete; ready for start up" in captured.out
    assert "start worker processes" in captured.err


def test_port_map_refreshes_after_a_cell(shell, sandbox_dir, free_port):
    from grader.widgets import PortMap

    widget = PortMap()
    assert widget.mappings == []
    port = free_port()
    shell.run_cell(f"%%docker\ndocker run -d --name web -p {port}:80 nginx:latest\n")
    assert [(m["host_port"], m["container_port"]) for m in widget.mappings] == [(port, "80/tcp")]


class KernelStream:
    """A stream that, like ipykernel's, sends what it holds only when flushed."""

    def __init__(self, name: str, sent: list[tuple[str, str]]) -> None:
        self.name, self.sent, self.held = name, sent, ""

    def write(self, text: str) -> int:
        self.held += text
        return len(text)

    def flush(self) -> None:
        if self.held:
            self.sent.append((self.name, self.held))
            self.held = ""


def test_errors_and_output_arrive_in_the_order_they_were_written(monkeypatch, sandbox_dir):
    sent: list[tuple[str, str]] = []
    monkeypatch.setattr("sys.stdout", KernelStream("stdout", sent))
    monkeypatch.setattr("sys.stderr", KernelStream("stderr", sent))
    magics.run_cell("", "echo first\ndocker ps --bogus\ndocker ps\nnosuch\necho end\n")
    assert [name for name, _ in sent] == ["stdout", "stderr", "stdout", "stderr", "stdout"]
    assert "unknown flag: --bogus" in sent[1][1]
    assert sent[2][1].startswith("CONTAINER ID")
    assert "nosuch: command not found" in sent[3][1]
    assert sent[4] == ("stdout", "end\n")
