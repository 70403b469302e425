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


def test_extension_loads_the_dockerfile_magic_too(shell):
    assert "dockerfile" in shell.magics_manager.magics["cell"]


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
    assert "This answer cell has no docker command yet" in captured.err
    assert "Traceback" not in captured.out + captured.err


def test_strip_stub_keeps_the_students_lines():
    script, stubbed = magics.strip_stub("# YOUR CODE HERE\nraise NotImplementedError()\ndocker ps")
    assert stubbed
    assert script == "docker ps"


def test_empty_line_magic_shows_usage(capsys):
    assert magics.run_line("  ") == 2
    assert "usage: %docker COMMAND" in capsys.readouterr().err
