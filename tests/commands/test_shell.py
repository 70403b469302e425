"""The %%docker cell shell: quoting, variables, substitutions, lists, and clear refusals."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from grader.commands.shell import ShellError, run_script, split_words


class Recorder:
    """Runs commands by recording them; `false` fails, `docker ps -aq` prints two ids."""

    def __init__(self) -> None:
        self.ran: list[list[str]] = []
        self.env_seen: list[dict[str, str]] = []

    def execute(self, argv: list[str]) -> int:
        self.ran.append(argv)
        return 1 if argv[0] == "false" else 0

    def capture(self, argv: list[str]) -> str:
        outputs = {"docker": "abc123\ndef456\n", "pwd": "/home/jovyan/site\n", "echo": "a  b\n"}
        return outputs.get(argv[0], "")


def run(text: str, env: dict[str, str] | None = None) -> tuple[int, Recorder, dict[str, str]]:
    recorder = Recorder()
    env = {} if env is None else env
    status = run_script(text, execute=recorder.execute, capture=recorder.capture, env=env, cwd="/w")
    return status, recorder, env


def test_export_then_format_keeps_backslash_t():
    _, rec, env = run(
        'export FORMAT="ID\\t{{.ID}}\\nNAME\\t{{.Names}}"\ndocker ps --format=$FORMAT'
    )
    assert env["FORMAT"] == "ID\\t{{.ID}}\\nNAME\\t{{.Names}}"
    assert rec.ran == [["docker", "ps", "--format=ID\\t{{.ID}}\\nNAME\\t{{.Names}}"]]


def test_command_substitution_is_word_split_unless_quoted():
    _, rec, _ = run('docker rm $(docker ps -aq)\ndocker rm "$(docker ps -aq)"\necho `docker ps -q`')
    assert rec.ran == [
        ["docker", "rm", "abc123", "def456"],
        ["docker", "rm", "abc123\ndef456"],
        ["echo", "abc123", "def456"],
    ]


def test_pwd_substitution_inside_a_volume_spec():
    _, rec, _ = run("docker run -v $(pwd):/usr/share/nginx/html:ro nginx")
    assert rec.ran == [
        ["docker", "run", "-v", "/home/jovyan/site:/usr/share/nginx/html:ro", "nginx"]
    ]


def test_continuations_comments_and_blank_lines():
    text = "# start\n\ndocker run -d \\\n  -p 8080:80 \\\n  nginx   # web server\n"
    _, rec, _ = run(text)
    assert rec.ran == [["docker", "run", "-d", "-p", "8080:80", "nginx"]]


def test_and_or_lists_and_status():
    status, rec, _ = run("false && echo no || echo yes; echo $?; false")
    assert rec.ran == [["false"], ["echo", "yes"], ["echo", "0"], ["false"]]
    assert status == 1


def test_and_list_continues_on_next_line():
    _, rec, _ = run("echo a &&\necho b")
    assert rec.ran == [["echo", "a"], ["echo", "b"]]


def test_quotes_and_escapes():
    _, rec, _ = run(
        """echo 'a $X "b"' "c $X \\"d\\" \\$e" f\\ g "" ~ "~" ${MISSING:-dflt}""",
        {"X": "1", "HOME": "/h"},
    )
    assert rec.ran == [["echo", 'a $X "b"', 'c 1 "d" $e', "f g", "", "/h", "~", "dflt"]]


def test_unquoted_empty_variable_disappears():
    _, rec, _ = run("echo $EMPTY x", {"EMPTY": ""})
    assert rec.ran == [["echo", "x"]]


def test_assignments():
    _, rec, env = run('A=1\nB="two words" docker ps\nexport C=$A D\nunset A')
    assert rec.ran == [["docker", "ps"]]
    assert env == {"C": "1", "D": ""}


def test_pwd_variable_defaults_to_cwd():
    _, rec, _ = run("echo $PWD")
    assert rec.ran == [["echo", "/w"]]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("docker ps | grep nginx", "pipes (`|`) are not supported"),
        ("docker ps > out.txt", "redirections (`>`) are not supported"),
        ("docker logs web 2>&1", "redirections (`>`) are not supported"),
        ("docker run nginx &", "background jobs (`&`) are not supported"),
        ("for i in 1 2; do echo $i; done", "shell control flow (`for`) is not supported"),
        ("(docker ps)", "subshells (`(...)`) are not supported"),
        ("raise NotImplementedError()", "syntax error near unexpected token `('"),
        ("echo 'open", "unexpected EOF while looking for matching `''"),
        ('echo "open', "unexpected EOF while looking for matching `\"'"),
        ("echo $(docker ps", "unexpected EOF while looking for matching `)'"),
        ("&& docker ps", "syntax error near unexpected token `&&'"),
        ("docker ps &&", "syntax error: unexpected end of file"),
        ("echo ${A B}", "${A B}: bad substitution"),
        ("echo $((1 + 2))", "arithmetic (`$((...))`) is not supported"),
    ],
)
def test_refusals_are_clear_and_nothing_runs(text, message):
    recorder = Recorder()
    with pytest.raises(ShellError) as caught:
        run_script(
            "docker ps\n" + text,
            execute=recorder.execute,
            capture=recorder.capture,
            env={},
            cwd="/",
        )
    assert message in caught.value.message
    assert caught.value.exit_code == 2
    assert recorder.ran == []


def test_export_refuses_bad_names():
    with pytest.raises(ShellError, match="not a valid identifier"):
        run("export 1x")


def test_split_words():
    assert split_words('docker run -e "A=$X" nginx', {"X": "1 2"}) == [
        "docker",
        "run",
        "-e",
        "A=1 2",
        "nginx",
    ]
    assert split_words("") == []
    with pytest.raises(ShellError, match="command substitution is not allowed"):
        split_words("docker rm $(docker ps -q)")
    with pytest.raises(ShellError, match="expected one command"):
        split_words("docker ps; docker images")


def test_pwd_follows_a_cwd_function():
    folder = ["/w"]

    def execute(argv: list[str]) -> int:
        if argv[0] == "cd":
            folder[0] = argv[1]
        seen.append(argv)
        return 0

    seen: list[list[str]] = []
    run_script("cd /site; echo $PWD", execute=execute, capture=str, env={}, cwd=lambda: folder[0])
    assert seen == [["cd", "/site"], ["echo", "/site"]]


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="ab $(){}`'\"\\;&|<>#~=-\n\t:?", max_size=24))
def test_shell_never_raises_anything_but_shell_error(text):
    recorder = Recorder()
    try:
        status = run_script(
            text, execute=recorder.execute, capture=recorder.capture, env={"a": "x y"}, cwd="/"
        )
    except ShellError as error:
        assert error.message and error.exit_code in {1, 2}
    else:
        assert isinstance(status, int)


def test_tilde_means_home_only_alone_or_before_a_slash():
    _, rec, _ = run("echo ~ ~/a ~user a~", {"HOME": "/h"})
    assert rec.ran == [["echo", "/h", "/h/a", "~user", "a~"]]


def test_positional_parameters_are_empty():
    _, rec, _ = run('echo "$1" x$2y')
    assert rec.ran == [["echo", "", "xy"]]
