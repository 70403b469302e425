"""Containers reaching each other by name on user-defined networks, and connect/disconnect."""

from __future__ import annotations

import pytest

from grader.engine.errors import EngineError, InvalidArgument, NotFound
from grader.engine.sandbox import SandboxEngine


def _run(engine: SandboxEngine, name: str, image: str, command=None, network=None, aliases=None):
    kwargs = {"name": name, "detach": True}
    if network:
        kwargs["host_config"] = engine.create_host_config(network_mode=network)
    if aliases:
        kwargs["networking_config"] = {"EndpointsConfig": {network: {"Aliases": aliases}}}
    cid = engine.create_container(image, command, **kwargs)["Id"]
    engine.start(cid)
    return cid


@pytest.fixture
def app(engine: SandboxEngine) -> SandboxEngine:
    """nginx ``web`` (alias ``site``) and a busybox ``client`` on the network ``appnet``."""
    engine.create_network("appnet")
    _run(engine, "web", "nginx", network="appnet", aliases=["site"])
    _run(engine, "client", "busybox", ["sleep", "3600"], network="appnet")
    return engine


def test_a_container_reaches_another_by_name_and_alias(app: SandboxEngine) -> None:
    for host in ("web", "site"):
        code, out, err = app.exec_run("client", ["wget", "-qO-", f"http://{host}"])
        assert (code, err) == (0, b"")
        assert b"<title>Welcome to nginx!</title>" in out
    ip = app.inspect_container("web")["NetworkSettings"]["Networks"]["appnet"]["IPAddress"]
    code, out, err = app.exec_run("client", ["wget", "-O-", "http://site"])
    assert err.decode().splitlines() == [
        f"Connecting to site ({ip}:80)",
        "writing to stdout",
        "-                    100% |********************************|   615  0:00:00 ETA",
        "written to stdout",
    ]
    client_ip = app.inspect_container("client")["NetworkSettings"]["Networks"]["appnet"][
        "IPAddress"
    ]
    log = b"".join(line for _, line in app.logs("web", stdout=True, stderr=False))
    assert f"{client_ip} - - [".encode() in log and b'"GET / HTTP/1.1" 200 615 "-" "Wget"' in log


def test_the_default_bridge_has_no_names(app: SandboxEngine) -> None:
    _run(app, "lonely", "busybox", ["sleep", "3600"])
    assert app.exec_run("lonely", ["wget", "-qO-", "http://web"]) == (
        1,
        b"",
        b"wget: bad address 'web'\n",
    )
    code, out, _ = app.exec_run("lonely", ["nslookup", "web"])
    assert code == 1 and out.startswith(b"Server:\t\t8.8.8.8\n")
    assert out.count(b"** server can't find web: NXDOMAIN\n") == 2


def test_nslookup_and_ping_answer_like_busybox(app: SandboxEngine) -> None:
    ip = app.inspect_container("web")["NetworkSettings"]["Networks"]["appnet"]["IPAddress"]
    code, out, _ = app.exec_run("client", ["nslookup", "site"])
    assert code == 0
    assert out.decode() == (
        "Server:\t\t127.0.0.11\nAddress:\t127.0.0.11:53\n\n"
        f"Non-authoritative answer:\nName:\tsite\nAddress: {ip}\n\n"
        "Non-authoritative answer:\n\n"
    )
    code, out, _ = app.exec_run("client", ["ping", "-c", "2", "web"])
    lines = out.decode().splitlines()
    assert code == 0 and lines[0] == f"PING web ({ip}): 56 data bytes"
    assert lines[1].startswith(f"64 bytes from {ip}: seq=0 ttl=64 time=")
    assert "2 packets transmitted, 2 packets received, 0% packet loss" in lines
    assert app.exec_run("client", ["ping", "-c", "1", "nope"]) == (
        1,
        b"",
        b"ping: bad address 'nope'\n",
    )


def test_a_one_off_container_on_the_network_resolves_too(app: SandboxEngine) -> None:
    cid = app.create_container(
        "busybox",
        ["wget", "-qO-", "http://web"],
        host_config=app.create_host_config(network_mode="appnet"),
    )["Id"]
    app.start(cid)
    assert app.wait(cid)["StatusCode"] == 0
    out = b"".join(line for _, line in app.logs(cid, stdout=True, stderr=False))
    assert b"Welcome to nginx!" in out


def test_a_stopped_container_is_no_longer_found(app: SandboxEngine) -> None:
    app.stop("web", timeout=0)
    assert app.exec_run("client", ["wget", "-qO-", "http://web"])[2] == (
        b"wget: bad address 'web'\n"
    )


def test_connect_and_disconnect(app: SandboxEngine) -> None:
    _run(app, "lonely", "busybox", ["sleep", "3600"])
    app.connect_container_to_network("lonely", "appnet", aliases=["helper"])
    endpoint = app.inspect_container("lonely")["NetworkSettings"]["Networks"]["appnet"]
    assert endpoint["Aliases"] == ["helper"] and endpoint["IPAddress"].startswith("172.18.")
    assert "helper" in endpoint["DNSNames"] and "lonely" in endpoint["DNSNames"]
    assert app.exec_run("lonely", ["wget", "-qO-", "http://web"])[0] == 0
    assert app.exec_run("client", ["nslookup", "helper"])[0] == 0
    names = {e["Name"] for e in app.inspect_network("appnet")["Containers"].values()}
    assert names == {"web", "client", "lonely"}
    with pytest.raises(EngineError, match="^endpoint with name lonely already exists in network"):
        app.connect_container_to_network("lonely", "appnet")
    app.disconnect_container_from_network("lonely", "appnet")
    assert app.exec_run("lonely", ["wget", "-qO-", "http://web"])[0] == 1
    cid = app.inspect_container("lonely")["Id"]
    with pytest.raises(EngineError, match=f"^container {cid} is not connected to network appnet$"):
        app.disconnect_container_from_network("lonely", "appnet")
    with pytest.raises(EngineError, match="^network-scoped alias is supported only for"):
        app.connect_container_to_network("lonely", "bridge", aliases=["x"])
    with pytest.raises(NotFound, match="^network nonet not found$"):
        app.connect_container_to_network("lonely", "nonet")
    with pytest.raises(NotFound, match="^No such container: nobody$"):
        app.connect_container_to_network("nobody", "appnet")


def test_a_created_container_joins_when_it_starts(engine: SandboxEngine) -> None:
    engine.create_network("later")
    cid = engine.create_container("busybox", ["sleep", "60"], name="waiting")["Id"]
    engine.connect_container_to_network(cid, "later", aliases=["w"])
    networks = engine.inspect_container(cid)["NetworkSettings"]["Networks"]
    assert set(networks) == {"bridge", "later"} and networks["later"]["IPAddress"] == ""
    engine.start(cid)
    networks = engine.inspect_container(cid)["NetworkSettings"]["Networks"]
    assert networks["later"]["IPAddress"] == "172.18.0.2" and networks["later"]["DNSNames"] == [
        "waiting",
        "w",
        cid[:12],
    ]


def test_aliases_on_the_default_bridge_are_refused(engine: SandboxEngine) -> None:
    with pytest.raises(InvalidArgument, match="only for containers in user defined networks"):
        engine.create_container(
            "busybox",
            networking_config={"EndpointsConfig": {"bridge": {"Aliases": ["x"]}}},
        )


def test_ping_without_a_count_keeps_replying(app: SandboxEngine, clock) -> None:
    cid = app.create_container(
        "busybox",
        ["ping", "web"],
        name="pinger",
        host_config=app.create_host_config(network_mode="appnet"),
    )["Id"]
    app.start(cid)
    clock.advance(3.5)
    assert app.inspect_container(cid)["State"]["Running"]
    lines = b"".join(line for _, line in app.logs(cid, stdout=True, stderr=False)).splitlines()
    assert [line.split(b":")[0] for line in lines] == [b"PING web (172.18.0.2)"] + [
        b"64 bytes from 172.18.0.2"
    ] * 3
    code, out, err = app.exec_run("client", ["ping", "web"])
    assert code == 137 and out.count(b"64 bytes from") == 4
    assert err.endswith(b"this command never ends by itself; it was stopped)\n")


def test_wget_options_with_values_are_not_taken_for_urls(app: SandboxEngine) -> None:
    code, out, _ = app.exec_run("client", ["wget", "-q", "-T", "5", "-U", "x", "-O", "-", "web"])
    assert code == 0 and b"Welcome to nginx!" in out
