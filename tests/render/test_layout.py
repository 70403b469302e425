"""Column alignment, the PORTS column, Go's JSON encoding and the formatter's format rules."""

from __future__ import annotations

import pytest

from grader.render.contexts import ContainerContext, Header, ImageContext, image_rows
from grader.render.formatter import FormatError, final_format, render
from grader.render.gojson import go_marshal
from grader.render.ports import displayable_ports
from grader.render.tabwriter import align


def test_align_pads_to_widest_plus_three_with_min_ten() -> None:
    text = "A\tLONGER HEADER\tZ\nvalue-number-one\tb\tlast\n"
    assert align(text) == (
        "A                  LONGER HEADER   Z\nvalue-number-one   b               last\n"
    )


def test_align_line_without_tab_ends_the_block() -> None:
    assert align("a\tb\nplain\nccccccccccccc\td\n") == "a         b\nplain\nccccccccccccc   d\n"


def test_align_counts_wide_characters_twice() -> None:
    assert align("日本\tx\nab\ty\n") == "日本      x\nab        y\n"


def _port(private: int, public: int = 0, ip: str = "", proto: str = "tcp") -> dict:
    return {"IP": ip, "PrivatePort": private, "PublicPort": public, "Type": proto}


@pytest.mark.parametrize(
    ("ports", "text"),
    [
        ([], ""),
        ([_port(80)], "80/tcp"),
        (
            [_port(80, 8080, "0.0.0.0"), _port(80, 8080, "::")],
            "0.0.0.0:8080->80/tcp, [::]:8080->80/tcp",
        ),
        (
            [_port(8000 + i, 8000 + i, "0.0.0.0") for i in range(3)],
            "0.0.0.0:8000-8002->8000-8002/tcp",
        ),
        (
            [_port(7000), _port(7001), _port(7003), _port(53, proto="udp")],
            "7000-7001/tcp, 53/udp, 7003/tcp",
        ),
        (
            [_port(80, 8080, "0.0.0.0"), _port(80, 8081, "0.0.0.0")],
            "0.0.0.0:8080->80/tcp, 0.0.0.0:8081->80/tcp",
        ),
    ],
)
def test_displayable_ports(ports: list[dict], text: str) -> None:
    assert displayable_ports(ports) == text


def test_go_marshal_indent_and_html_escaping() -> None:
    value = [{"Cmd": ["a<b", "c&d"], "Empty": [], "Map": {}, "N": 1.0, "F": 0.5, "Nil": None}]
    assert go_marshal(value, indent=4) == (
        '[\n    {\n        "Cmd": [\n            "a\\u003cb",\n            "c\\u0026d"\n'
        '        ],\n        "Empty": [],\n        "Map": {},\n        "N": 1,\n'
        '        "F": 0.5,\n        "Nil": null\n    }\n]'
    )
    assert go_marshal({"a": "<x>"}, escape_html=False) == '{"a":"<x>"}'


def test_final_format_handles_table_json_and_escapes() -> None:
    assert final_format("table {{.ID}}\\t{{.Names}}") == "{{.ID}}\t{{.Names}}"
    assert final_format("json") == "{{json .}}"
    assert final_format("  ID\\n{{.ID}}  ") == "ID\n{{.ID}}"


CONTAINER = {
    "Id": "f" * 64,
    "Names": ["/web"],
    "Image": "nginx",
    "Command": "/docker-entrypoint.sh nginx -g 'daemon off;'",
    "Created": 1000,
    "Ports": [],
    "State": "running",
    "Status": "Up 3 minutes",
}


def test_table_with_no_rows_prints_the_header() -> None:
    fmt = ContainerContext.format_for("table")
    assert render(fmt, [], ContainerContext.HEADER) == (
        "CONTAINER ID   IMAGE     COMMAND   CREATED   STATUS    PORTS     NAMES\n"
    )


def test_label_column_header_is_the_label_name() -> None:
    row = ContainerContext(dict(CONTAINER, Labels={"com.example.tier": "x"}), now=1180)
    out = render('table {{.Names}}\\t{{.Label "com.example.tier"}}', [row], ContainerContext.HEADER)
    assert out == "NAMES     tier\nweb       x\n"
    assert isinstance(ContainerContext.HEADER, Header)


def test_bad_template_is_docker_error() -> None:
    with pytest.raises(FormatError, match='^template parsing error: template: :1: function "x"'):
        render("{{x}}", [ContainerContext(CONTAINER)])


def test_quiet_and_default_formats() -> None:
    assert ContainerContext.format_for("table", quiet=True) == "{{.ID}}"
    assert ContainerContext.format_for("{{.Names}}", quiet=True) == "{{.ID}}"
    assert render(
        ContainerContext.format_for("table", quiet=True), [ContainerContext(CONTAINER)]
    ) == ("ffffffffffff\n")


def test_image_rows_one_per_tag_and_dangling() -> None:
    image = {
        "Id": "sha256:" + "a" * 64,
        "RepoTags": ["nginx:latest", "nginx:1.27", "docker.io/me/web:1"],
        "RepoDigests": [],
        "Created": 0,
        "Size": 187_000_000,
    }
    dangling = {
        "Id": "sha256:" + "b" * 64,
        "RepoTags": [],
        "RepoDigests": [],
        "Created": 0,
        "Size": 5,
    }
    rows = image_rows([image, dangling], now=100)
    assert [(r.Repository(), r.Tag()) for r in rows] == [
        ("nginx", "latest"),
        ("nginx", "1.27"),
        ("me/web", "1"),
        ("<none>", "<none>"),
    ]
    assert rows[0].Size() == "187MB"
    assert ImageContext.format_for("table", digests=True).startswith(
        "table {{.Repository}}\t{{.Tag}}\t{{.Digest}}"
    )


def test_image_rows_show_a_repository_digest_on_each_of_its_tags() -> None:
    digest = "sha256:" + "d" * 64
    image = {
        "Id": "sha256:" + "a" * 64,
        "RepoTags": ["127.0.0.1:5000/web:a", "127.0.0.1:5000/web:b", "web:1"],
        "RepoDigests": [f"127.0.0.1:5000/web@{digest}", f"old/web@{digest}"],
        "Created": 0,
        "Size": 5,
    }
    rows = image_rows([image], digests=True, now=100)
    assert [(r.Repository(), r.Tag(), r.Digest()) for r in rows] == [
        ("127.0.0.1:5000/web", "a", digest),
        ("127.0.0.1:5000/web", "b", digest),
        ("web", "1", "<none>"),
        ("old/web", "<none>", digest),
    ]
    plain = image_rows([image], now=100)
    assert [(r.Repository(), r.Tag()) for r in plain][-1] == ("old/web", "<none>")
    assert {r.Digest() for r in plain[:3]} == {"<none>"}
