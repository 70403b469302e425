"""The Go template interpreter: output and Go's error messages (checked against Docker 28)."""

from __future__ import annotations

import pytest

from grader.render.gotemplate import (
    HEADER_FUNCS,
    TemplateExecError,
    TemplateParseError,
    go_sprintf,
    parse,
)


class Row:
    """A stand-in with the shape of Docker's ContainerContext (fields are methods)."""

    go_type = "*formatter.ContainerContext"

    def ID(self) -> str:  # noqa: N802
        return "aa978f65e6c7"

    def Names(self) -> str:  # noqa: N802
        return "agitated_tharp"

    def Label(self, name: str) -> str:  # noqa: N802
        return {"tier": "front"}.get(name, "")


INSPECT = {
    "Id": "abc",
    "State": {"Running": True, "ExitCode": 0, "Status": "running"},
    "Config": {"Cmd": ["nginx", "-g", "daemon off;"], "Labels": {"b": "2", "a": "1"}, "Env": []},
    "HostConfig": {"Binds": None},
    "NetworkSettings": {"Ports": {"80/tcp": [{"HostIp": "0.0.0.0", "HostPort": "8080"}]}},
}


@pytest.mark.parametrize(
    ("text", "out"),
    [
        ("{{.ID}}", "aa978f65e6c7"),
        ("{{.ID}}}}", "aa978f65e6c7}}"),
        ("{{.Names | upper}}", "AGITATED_THARP"),
        ('{{.Label "tier"}}', "front"),
        ("{{len .Names}}", "14"),
        ('{{printf "%s-%d" .ID 3}}', "aa978f65e6c7-3"),
        ("{{println .ID}}", "aa978f65e6c7\n"),
        ("{{.ID | }}", "aa978f65e6c7"),
        ("{{- .ID -}}  x  {{ .Names }}", "aa978f65e6c7x  agitated_tharp"),
        ('{{range $i, $v := split .Names "_"}}[{{$i}}={{$v}}]{{end}}', "[0=agitated][1=tharp]"),
        ('{{if eq .Names "x" "agitated_tharp"}}yes{{else}}no{{end}}', "yes"),
        ('{{if ne .ID "a"}}1{{else if true}}2{{end}}', "1"),
        ("{{/* a comment */}}{{.ID}}", "aa978f65e6c7"),
        ("{{json .Names}}", '"agitated_tharp"'),
        ("{{with .Names}}<{{.}}>{{end}}", "<agitated_tharp>"),
        ("{{$x := .ID}}{{$x}}", "aa978f65e6c7"),
        ('{{ .ID | printf "%q" }}', '"aa978f65e6c7"'),
        ("{{truncate .ID 4}} {{pad .ID 1 2}}|", "aa97  aa978f65e6c7  |"),
        ("{{title .Names}} {{lower `A`}}", "Agitated_tharp a"),
        ("{{and 1 0}} {{or 0 2}} {{not true}}", "0 2 false"),
        ("{{lt 1 2}} {{ge 1 2}}", "true false"),
        ("{{(.Names)}}", "agitated_tharp"),
    ],
)
def test_renders(text: str, out: str) -> None:
    assert parse(text).execute(Row()) == out


@pytest.mark.parametrize(
    ("text", "out"),
    [
        ("{{.State.Running}}", "true"),
        ("{{json .Config.Cmd}}", '["nginx","-g","daemon off;"]'),
        ("{{.Config.Cmd}}", "[nginx -g daemon off;]"),
        ("{{.Config.Labels}}", "map[a:1 b:2]"),
        ("{{range $k, $v := .Config.Labels}}{{$k}}={{$v}};{{end}}", "a=1;b=2;"),
        ('{{index .Config.Labels "a"}}', "1"),
        ('{{join .Config.Cmd ","}}', "nginx,-g,daemon off;"),
        ("{{.HostConfig.Binds}}", "[]"),
        ("{{range .Config.Env}}x{{else}}empty{{end}}", "empty"),
        ('{{(index (index .NetworkSettings.Ports "80/tcp") 0).HostPort}}', "8080"),
        ("{{range $p, $b := .NetworkSettings.Ports}}{{$p}} {{end}}", "80/tcp "),
        (
            "{{.State.ExitCode}} {{json .State}}",
            '0 {"Running":true,"ExitCode":0,"Status":"running"}',
        ),
        ('{{range .Config.Cmd}}{{if eq . "-g"}}{{break}}{{end}}{{.}} {{end}}', "nginx "),
    ],
)
def test_renders_inspect_json(text: str, out: str) -> None:
    assert parse(text, missingkey_error=True).execute(INSPECT) == out


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("{{foo .ID}}", 'template: :1: function "foo" not defined'),
        ("{{.ID", "template: :1: unclosed action"),
        ("{{if .ID}}x", "template: :1: unexpected EOF"),
        ("{{.ID}", "template: :1: bad character U+007D '}'"),
        ("{{ }}", "template: :1: missing value for command"),
        ("{{end}}", "template: :1: unexpected {{end}}"),
        ("{{else}}", "template: :1: unexpected {{else}}"),
        ('x{{"a}}', "template: :1: unterminated quoted string"),
        ("{{(.ID}}", "template: :1: unclosed left paren"),
        ("{{$y}}", 'template: :1: undefined variable "$y"'),
        ("a\n{{nope}}", 'template: :2: function "nope" not defined'),
    ],
)
def test_parse_errors_are_gos(text: str, message: str) -> None:
    with pytest.raises(TemplateParseError) as caught:
        parse(text)
    assert str(caught.value) == message


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "{{.Foo}}",
            'template: :1:2: executing "" at <.Foo>: can\'t evaluate field Foo in type '
            "*formatter.ContainerContext",
        ),
        (
            "{{.Label}}",
            'template: :1:2: executing "" at <.Label>: wrong number of args for Label: '
            "want 1 got 0",
        ),
        (
            "{{index .Names 0}}",
            'template: :1:2: executing "" at <index .Names 0>: error calling index: '
            "reflect: string index out of range",
        ),
        (
            "{{.ID.X}}",
            'template: :1:5: executing "" at <.ID.X>: can\'t evaluate field X in type string',
        ),
        (
            '{{.ID "x"}}',
            'template: :1:2: executing "" at <.ID>: wrong number of args for ID: want 0 got 1',
        ),
        (
            "{{printf}}",
            'template: :1:2: executing "" at <printf>: wrong number of args for printf: '
            "want at least 1 got 0",
        ),
        ("{{upper 3}}", 'template: :1:8: executing "" at <3>: expected string; found 3'),
        (
            "{{3 .ID}}",
            'template: :1:2: executing "" at <3>: can\'t give argument to non-function 3',
        ),
        (
            "{{range .Names}}{{end}}",
            'template: :1:8: executing "" at <.Names>: range can\'t iterate over agitated_tharp',
        ),
    ],
)
def test_exec_errors_are_gos(text: str, message: str) -> None:
    with pytest.raises(TemplateExecError) as caught:
        parse(text).execute(Row())
    assert str(caught.value) == message


def test_missing_key_is_error_for_inspect_and_no_value_otherwise() -> None:
    with pytest.raises(TemplateExecError, match='map has no entry for key "Nope"'):
        parse("{{.Nope}}", missingkey_error=True).execute(INSPECT)
    assert parse("{{.Nope}}").execute(INSPECT) == "<no value>"


def test_partial_output_survives_an_error() -> None:
    with pytest.raises(TemplateExecError) as caught:
        parse("before {{.Foo}}").execute(Row())
    assert caught.value.partial == "before "  # type: ignore[attr-defined]


def test_header_functions_keep_column_names() -> None:
    header = {"Names": "NAMES"}
    assert parse("{{.Names | upper | lower}}").execute(header, funcs=HEADER_FUNCS) == "NAMES"


def test_sprintf_verbs() -> None:
    assert (
        go_sprintf("%5s|%-4d|%v|%q|%t", "ab", 7, [1, 2], "x", True) == '   ab|7   |[1 2]|"x"|true'
    )
    assert go_sprintf("%d", "x") == "%!d(string=x)"
    assert go_sprintf("%s") == "%!s(MISSING)"


def test_go_map_fields_miss_without_error_like_docker_typed_inspect() -> None:
    data = {"Config": {"Labels": None, "Cmd": ["sh"]}, "HostConfig": {"Binds": None}}
    strict = "{{.Config.Labels.course}}"
    assert parse(strict, missingkey_error=True).execute(data) == "<no value>"
    labelled = {"Config": {"Labels": {"a": "1"}}}
    assert parse('{{index .Config.Labels "x"}}', missingkey_error=True).execute(labelled) == ""
    with pytest.raises(TemplateExecError, match='map has no entry for key "Nope"'):
        parse("{{.Config.Nope}}", missingkey_error=True).execute(data)


TYPED = {
    "Config": {"Entrypoint": None, "Labels": {}, "Cmd": ["sleep", "60"]},
    "HostConfig": {
        "PortBindings": {"80/tcp": [{"HostIp": "", "HostPort": "18765"}]},
        "LogConfig": {"Type": "json-file", "Config": {}},
        "Dns": [],
    },
    "Mounts": [
        {
            "Type": "bind",
            "Source": "/tmp",
            "Destination": "/h",
            "Mode": "ro",
            "RW": False,
            "Propagation": "rslave",
        }
    ],
    "NetworkSettings": {
        "Ports": {
            "80/tcp": [
                {"HostIp": "0.0.0.0", "HostPort": "18765"},
                {"HostIp": "::", "HostPort": "18765"},
            ]
        }
    },
    "State": {
        "Status": "running",
        "Running": True,
        "Paused": False,
        "Restarting": False,
        "OOMKilled": False,
        "Dead": False,
        "Pid": 29562,
        "ExitCode": 0,
        "Error": "",
        "StartedAt": "2026-11-25T13:45:42.44775287Z",
        "FinishedAt": "0001-01-01T00:00:00Z",
    },
}


@pytest.mark.parametrize(
    ("text", "out"),
    [  # each expected text is what Docker 28.2.2 printed for the same container
        ("{{.Config.Entrypoint}}", "[]"),
        ("{{.HostConfig.PortBindings}}", "map[80/tcp:[{ 18765}]]"),
        ("{{.Mounts}}", "[{bind  /tmp /h  ro false rslave}]"),
        ("{{.HostConfig.LogConfig}}", "{json-file map[]}"),
        ("{{.Config.Labels}}", "map[]"),
        ("{{.HostConfig.Dns}}", "[]"),
        ("{{.NetworkSettings.Ports}}", "map[80/tcp:[{0.0.0.0 18765} {:: 18765}]]"),
        (
            "{{.State}}",
            "{running true false false false false 29562 0  2026-11-25T13:45:42.44775287Z "
            "0001-01-01T00:00:00Z <nil>}",
        ),
        ("{{.Config.Cmd}}", "[sleep 60]"),
    ],
)
def test_inspect_values_print_as_docker_typed_structs(text: str, out: str) -> None:
    assert parse(text, missingkey_error=True).execute(TYPED) == out
