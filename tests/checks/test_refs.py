"""What the checks count as the same image or the same published port."""

import pytest

from grader.checks.refs import (
    bindings,
    expected_ports,
    normalize_image,
    parse_publish,
    parse_volume,
)


@pytest.mark.parametrize(
    ("typed", "same"),
    [
        ("nginx", "nginx:latest"),
        ("docker.io/library/nginx:1.27", "nginx:1.27"),
        ("localhost:5000/website", "localhost:5000/website:latest"),
        ("nginx@sha256:abc", "nginx@sha256:abc"),
    ],
)
def test_normalize_image(typed, same):
    assert normalize_image(typed) == same


def test_publish_forms():
    assert parse_publish("8080:80") == ("", 8080, "80/tcp")
    assert parse_publish("0.0.0.0:8080:80/tcp") == ("", 8080, "80/tcp")
    assert parse_publish("127.0.0.1:8080:80") == ("127.0.0.1", 8080, "80/tcp")
    assert parse_publish("80") == ("", None, "80/tcp")
    assert parse_publish("53:53/udp") == ("", 53, "53/udp")


def test_volume_forms():
    assert parse_volume("/site:/usr/share/nginx/html:ro") == (
        "/site",
        "/usr/share/nginx/html",
        frozenset({"ro"}),
    )
    assert parse_volume("data:/data:rw") == ("data", "/data", frozenset())
    assert parse_volume("/data") == ("", "/data", frozenset())


def test_expected_ports_and_bindings():
    assert expected_ports({80: 8080, "443/tcp": [8443, 9443]}) == {
        "80/tcp": [8080],
        "443/tcp": [8443, 9443],
    }
    found = {"80/tcp": [{"HostIp": "", "HostPort": "8080"}, {"HostIp": "", "HostPort": ""}]}
    assert bindings(found) == [(8080, "80/tcp"), (None, "80/tcp")]
