"""The spec helpers other layers reuse: -p, -v, --mount, sizes, references, restart, values."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from grader.commands import ports
from grader.commands.envvars import EnvFileError, container_env, parse_env_file
from grader.commands.mounts import MountSpecError, parse_mount
from grader.commands.platforms import PlatformError, parse_platform
from grader.commands.ports import PortBinding, PortSpecError, parse_expose, parse_publish
from grader.commands.restart import RestartPolicyError, daemon_policy_error, parse_restart_policy
from grader.commands.sizes import SizeError, ram_in_bytes
from grader.commands.values import ValueProblem, convert, go_parse_int, parse_duration
from grader.commands.volumes import VolumeSpecError, daemon_mode_error, parse_volume
from grader.reference import (
    ReferenceError,
    parse_any_reference,
    parse_normalized_named,
)


@pytest.mark.parametrize(
    ("spec", "expected"),
    [
        ("8080:80", [PortBinding(80, "tcp", "", "8080")]),
        ("80", [PortBinding(80, "tcp", "", "")]),
        ("127.0.0.1:8080:80/udp", [PortBinding(80, "udp", "127.0.0.1", "8080")]),
        ("127.0.0.1::80", [PortBinding(80, "tcp", "127.0.0.1", "")]),
        ("[::1]:8080:80", [PortBinding(80, "tcp", "::1", "8080")]),
        (
            "8000-8001:80-81",
            [PortBinding(80, "tcp", "", "8000"), PortBinding(81, "tcp", "", "8001")],
        ),
        ("8000-8005:80", [PortBinding(80, "tcp", "", "8000-8005")]),
        ("8080:80/TCP", [PortBinding(80, "tcp", "", "8080")]),
        ("published=8080,target=80,protocol=udp", [PortBinding(80, "udp", "", "8080")]),
    ],
)
def test_publish_specs(spec, expected):
    assert parse_publish(spec) == expected


def test_binding_key():
    assert parse_publish("8080:80/udp")[0].key == "80/udp"


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        ("99999:80", "invalid hostPort: 99999"),
        ("8080:99999", "invalid containerPort: 99999"),
        ("abc", "invalid containerPort: abc"),
        ("8080:80/http", "invalid proto: http"),
        ("8080:", "no port specified: 8080:<empty>"),
        ("", "no port specified: <empty>"),
        ("localhost:8080:80", "invalid IP address: localhost"),
        ("8080-8070:80", "invalid hostPort: 8080-8070"),
        (
            "8000-8005:80-82",
            "invalid ranges specified for container and host Ports: 80-82 and 8000-8005",
        ),
        (
            "published=8080,target",
            "invalid publish opts format (should be name=value but got 'target')",
        ),
    ],
)
def test_publish_errors(spec, message):
    with pytest.raises(PortSpecError, match=None) as caught:
        parse_publish(spec)
    assert str(caught.value) == message


def test_expose():
    assert [p.key for p in parse_expose("80-81/udp")] == ["80/udp", "81/udp"]
    with pytest.raises(PortSpecError, match="invalid port format for --expose: 8080:80"):
        parse_expose("8080:80")
    with pytest.raises(PortSpecError) as caught:
        parse_expose("abc")
    assert str(caught.value) == (
        'invalid range format for --expose: abc, error: strconv.ParseUint: parsing "abc": '
        "invalid syntax"
    )


@pytest.mark.parametrize(
    ("spec", "source", "target", "kind", "read_only", "label"),
    [
        ("/src:/app:ro", "/src", "/app", "bind", True, ""),
        ("./site:/usr/share/nginx/html:ro,Z", "./site", "/usr/share/nginx/html", "bind", True, "Z"),
        ("mydata:/data", "mydata", "/data", "volume", False, ""),
        ("mydata:/data:rw,z", "mydata", "/data", "volume", False, "z"),
        ("/data", "", "/data", "volume", False, ""),
        ("~/x:/x", "~/x", "/x", "bind", False, ""),
        ("C:/src:/app", "C:/src", "/app", "bind", False, ""),
    ],
)
def test_volume_specs(spec, source, target, kind, read_only, label):
    parsed = parse_volume(spec)
    assert (parsed.source, parsed.target, parsed.type, parsed.read_only) == (
        source,
        target,
        kind,
        read_only,
    )
    assert parsed.selinux_label == label


def test_volume_relative_source_is_made_absolute():
    assert parse_volume("./site:/html").host_source("/home/me") == "/home/me/site"
    assert parse_volume("data:/html").host_source("/home/me") == "data"


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        ("", "invalid empty volume spec"),
        ("/a:/b:ro:x", "invalid spec: /a:/b:ro:x: too many colons"),
        (":/data", "invalid spec: :/data: empty section between colons"),
        ("/src::ro", "invalid spec: /src::ro: empty section between colons"),
    ],
)
def test_volume_errors(spec, message):
    with pytest.raises(VolumeSpecError) as caught:
        parse_volume(spec)
    assert str(caught.value) == message


def test_volume_modes_the_daemon_refuses():
    assert daemon_mode_error("/src:/app:ro,Z") is None
    assert daemon_mode_error("/src:/app:bogus,ro") == "invalid mode: bogus,ro"


def test_mount_spec():
    spec = parse_mount("type=bind,src=/src,dst=/app,readonly,bind-propagation=rshared")
    assert (spec.type, spec.source, spec.target, spec.read_only) == ("bind", "/src", "/app", True)
    assert spec.options == {"bind-propagation": "rshared"}
    assert parse_mount("target=/data").type == "volume"


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        ("type=foo", "target is required"),
        ("", "EOF"),
        ("type=bind,target=/a,bogus", "invalid field 'bogus' must be a key=value pair"),
        ("type=bind,target=/a,Bogus=1", "unexpected key 'bogus' in 'Bogus=1'"),
        ("type=bind,target=/a,readonly=maybe", "invalid value for readonly: maybe"),
        (
            "type=tmpfs,target=/a,volume-nocopy",
            "cannot mix 'volume-*' options with mount type 'tmpfs'",
        ),
        ("type=tmpfs,target=/a,tmpfs-size=1x", "invalid value for tmpfs-size: 1x"),
    ],
)
def test_mount_errors(spec, message):
    with pytest.raises(MountSpecError) as caught:
        parse_mount(spec)
    assert str(caught.value) == message


@pytest.mark.parametrize(
    ("text", "size"),
    [
        ("512m", 512 << 20),
        ("1g", 1 << 30),
        ("1.5g", int(1.5 * (1 << 30))),
        ("1024", 1024),
        ("2GiB", 2 << 30),
        ("10kb", 10 << 10),
        ("7b", 7),
        ("3 m", 3 << 20),
    ],
)
def test_sizes(text, size):
    assert ram_in_bytes(text) == size


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("12x", "invalid suffix: 'x'"),
        ("mb", "invalid size: 'mb'"),
        ("-1", "invalid size: '-1'"),
        ("1gbb", "invalid suffix: 'gbb'"),
        ("1kbx", "invalid suffix: 'kbx'"),
        ("1..2m", 'strconv.ParseFloat: parsing "1..2": invalid syntax'),
    ],
)
def test_size_errors(text, message):
    with pytest.raises(SizeError) as caught:
        ram_in_bytes(text)
    assert str(caught.value) == message


@pytest.mark.parametrize(
    ("text", "domain", "path", "tag", "familiar"),
    [
        ("nginx", "docker.io", "library/nginx", "", "nginx:latest"),
        ("nginx:1.27", "docker.io", "library/nginx", "1.27", "nginx:1.27"),
        ("docker.io/library/nginx:alpine", "docker.io", "library/nginx", "alpine", "nginx:alpine"),
        ("index.docker.io/team/app", "docker.io", "team/app", "", "team/app:latest"),
        ("localhost:5000/app:v1", "localhost:5000", "app", "v1", "localhost:5000/app:v1"),
        ("localhost/app", "localhost", "app", "", "localhost/app:latest"),
        ("alice/website:1", "docker.io", "alice/website", "1", "alice/website:1"),
        ("docker.io/library/node:20", "docker.io", "library/node", "20", "node:20"),
        ("127.0.0.1:5000/website:1", "127.0.0.1:5000", "website", "1", "127.0.0.1:5000/website:1"),
        ("quay.io/org/app:2", "quay.io", "org/app", "2", "quay.io/org/app:2"),
        ("PatrickVuscan/website", "PatrickVuscan", "website", "", "PatrickVuscan/website:latest"),
    ],
)
def test_references(text, domain, path, tag, familiar):
    ref = parse_normalized_named(text)
    assert (ref.domain, ref.path, ref.tag) == (domain, path, tag)
    assert ref.familiar_string() == familiar


def test_digest_reference():
    digest = "sha256:" + "a" * 64
    ref = parse_normalized_named(f"alpine@{digest}")
    assert ref.digest == digest and ref.tag_or_latest == ""
    assert parse_any_reference("b" * 64).digest == "sha256:" + "b" * 64


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("Nginx", "invalid reference format: repository name (library/Nginx) must be lowercase"),
        ("team/App:v1", "invalid reference format: repository name (team/App) must be lowercase"),
        ("nginx:", "invalid reference format"),
        ("nginx:a:b", "invalid reference format"),
        (":latest", "invalid reference format"),
        ("nginx@sha256:abc", "invalid reference format"),
        ("nginx@sha256:" + "a" * 32, "invalid checksum digest length"),
        (
            "a" * 64,
            f"invalid repository name ({'a' * 64}), cannot specify 64-byte hexadecimal strings",
        ),
    ],
)
def test_reference_errors(text, message):
    with pytest.raises(ReferenceError) as caught:
        parse_normalized_named(text)
    assert str(caught.value) == message


def test_restart_policies():
    assert parse_restart_policy("on-failure:3") == ("on-failure", 3)
    assert parse_restart_policy("always") == ("always", 0)
    assert parse_restart_policy("") == ("", 0)
    with pytest.raises(RestartPolicyError, match="maximum retry count must be an integer"):
        parse_restart_policy("on-failure:x")
    with pytest.raises(RestartPolicyError, match="no policy provided before colon"):
        parse_restart_policy(":3")
    assert daemon_policy_error("foo", 0) == "invalid restart policy 'foo'"
    assert daemon_policy_error("always", 3) == (
        "maximum retry count cannot be used with restart policy 'always'"
    )
    assert daemon_policy_error("unless-stopped", 0) is None


def test_go_numbers_and_durations():
    assert go_parse_int("0x10") == 16 and go_parse_int("010") == 8 and go_parse_int("-3") == -3
    with pytest.raises(ValueProblem, match='parsing "abc": invalid syntax'):
        go_parse_int("abc")
    with pytest.raises(ValueProblem, match="value out of range"):
        go_parse_int("70000", 16, unsigned=True)
    assert parse_duration("1m30s") == 90 and parse_duration("1.5h") == 5400
    with pytest.raises(ValueProblem, match='missing unit in duration "10"'):
        parse_duration("10")
    with pytest.raises(ValueProblem, match='unknown unit "x" in duration "10x"'):
        parse_duration("10x")


def test_value_conversion_by_type():
    assert convert("bool", "detach", "false") is False
    assert convert("decimal", "cpus", "1.5") == 1.5
    with pytest.raises(ValueProblem, match="value is too precise"):
        convert("decimal", "cpus", "0.0000000001")
    assert convert("bytes", "memory-swap", "-1") == -1
    with pytest.raises(ValueProblem, match="invalid size"):
        convert("bytes", "memory", "-1")
    with pytest.raises(ValueProblem, match="bad format of filter"):
        convert("filter", "filter", "dangling")
    with pytest.raises(ValueProblem, match="invalid environment variable: =x"):
        convert("list", "env", "=x")


def test_container_env():
    files = [("app.env", "\ufeff# comment\n\n  A=1\nB=\nHOME\nMISSING\n")]
    env = container_env(["A=2", "C", "D"], {"HOME": "/root", "C": "c"}, files)
    assert env == {"A": "2", "B": "", "HOME": "/root", "C": "c"}


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("A B=1", "invalid env file (x.env): variable 'A B' contains whitespaces"),
        ("=1", "invalid env file (x.env): no variable name on line '=1'"),
    ],
)
def test_env_file_errors(text, message):
    with pytest.raises(EnvFileError) as caught:
        parse_env_file(text, "x.env", {})
    assert str(caught.value) == message


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="0123456789:-/.[]atcpudx", max_size=16))
def test_publish_regex_splits_like_docker(spec):
    """Where the readable regex matches, it splits a spec exactly as nat.ParsePortSpec does."""
    match = re.fullmatch(ports.PUBLISH_PATTERN, spec, re.VERBOSE)
    if match:
        ip, host, container = ports._split_parts(spec)
        proto, container = ports.split_proto_port(container)
        assert (match["ip"] or "", match["host"] or "", match["container"]) == (ip, host, container)
        assert (match["proto"] or "tcp") == proto
    try:
        ports.parse_publish(spec)
    except PortSpecError as error:
        assert str(error)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("linux/amd64", "linux/amd64"),
        ("linux/arm64/v8", "linux/arm64/v8"),
        ("linux/arm64", "linux/arm64"),
        ("linux/aarch64", "linux/arm64"),
        ("linux/arm", "linux/arm/v7"),
        ("linux", "linux/amd64"),
        ("arm64", "linux/arm64"),
        ("x86_64", "linux/amd64"),
        ("macos/arm64", "darwin/arm64"),
        ("Linux/AMD64", "linux/amd64"),
    ],
)
def test_platforms(text, expected):
    assert str(parse_platform(text)) == expected


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("foo", '"foo": unknown operating system or architecture: invalid argument'),
        ("*", '"*": wildcards not yet supported: invalid argument'),
        (
            "linux/a:b",
            '"a:b" is an invalid component of "linux/a:b": platform specifier component must '
            'match "^[A-Za-z0-9_.-]+$": invalid argument',
        ),
        (
            "",
            '"" is an invalid OS component of "": OSAndVersion specifier component must match '
            '"^([A-Za-z0-9_-]+)(?:\\\\(([A-Za-z0-9_.-]*)\\\\))?$": invalid argument',
        ),
        ("a/b/c/d", '"a/b/c/d": cannot parse platform specifier: invalid argument'),
    ],
)
def test_platform_errors(text, message):
    with pytest.raises(PlatformError) as caught:
        parse_platform(text)
    assert str(caught.value) == message
