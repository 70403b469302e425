"""exec on the sandbox: the simulated filesystem, the shell, mounts and Docker's errors."""

from __future__ import annotations

from pathlib import Path

import pytest

from grader.engine.errors import Conflict
from grader.engine.sandbox import SandboxEngine


def running(engine: SandboxEngine, image: str = "busybox", **kwargs) -> str:
    cid = engine.create_container(image, ["sleep", "1000"], **kwargs)["Id"]
    engine.start(cid)
    return cid


def sh(engine: SandboxEngine, cid: str, script: str) -> tuple[int, str, str]:
    code, out, err = engine.exec_run(cid, ["sh", "-c", script])
    return code, out.decode(), err.decode()


def test_nginx_files_and_tools(engine: SandboxEngine) -> None:
    cid = running(engine, "nginx")
    code, out, _ = engine.exec_run(cid, ["cat", "/usr/share/nginx/html/index.html"])
    assert code == 0 and b"<h1>Welcome to nginx!</h1>" in out
    assert b"listen       80;" in engine.exec_run(cid, "cat /etc/nginx/conf.d/default.conf")[1]
    assert engine.exec_run(cid, ["nginx", "-v"]) == (0, b"", b"nginx version: nginx/1.27.5\n")
    assert engine.exec_run(cid, ["which", "sh"])[1] == b"/usr/bin/sh\n"
    assert engine.exec_run(cid, ["sh", "-c", "ps"])[2] == b"sh: 1: ps: not found\n"


def test_missing_bash_is_exit_126_with_the_runtime_message(engine: SandboxEngine) -> None:
    cid = running(engine, "alpine")
    code, out, err = engine.exec_run(cid, ["bash"])
    assert code == 126
    assert out == (
        b'OCI runtime exec failed: exec failed: unable to start container process: exec: "bash": '
        b"executable file not found in $PATH: unknown\n"
    )
    node = running(engine, "node:20")
    assert engine.exec_run(node, ["bash", "-c", "echo $NODE_VERSION"])[1] == b"20.19.2\n"


def test_exec_needs_a_running_container(engine: SandboxEngine) -> None:
    cid = engine.create_container("busybox", "true")["Id"]
    with pytest.raises(Conflict, match=f"^container {cid} is not running$"):
        engine.exec_run(cid, ["ls"])


def test_shell_writes_reads_and_removes(engine: SandboxEngine) -> None:
    cid = running(engine)
    assert (
        sh(engine, cid, "mkdir -p /app/data && echo one > /app/data/f; echo two >> /app/data/f")[0]
        == 0
    )
    assert sh(engine, cid, "cat /app/data/f") == (0, "one\ntwo\n", "")
    assert sh(engine, cid, "cd /app && pwd && ls") == (0, "/app\ndata\n", "")
    assert sh(engine, cid, "rm /app/data/f && cat /app/data/f") == (
        1,
        "",
        "cat: can't open '/app/data/f': No such file or directory\n",
    )
    assert sh(engine, cid, "ls /nope")[2] == "ls: /nope: No such file or directory\n"
    assert sh(engine, cid, "false || echo fallback; true && echo yes") == (0, "fallback\nyes\n", "")
    assert sh(engine, cid, "X=5; export Y=6; echo $X $Y ${X}x '$X'") == (0, "5 6 5x $X\n", "")
    assert sh(engine, cid, "printf '%s-%s\\n' a b") == (0, "a-b\n", "")
    assert sh(engine, cid, "echo hi | wc -l")[1].strip() == "1"
    assert sh(engine, cid, "exit 4; echo never") == (4, "", "")
    assert sh(engine, cid, "nosuch")[2] == "sh: nosuch: not found\n"
    assert sh(engine, cid, "touch /a.txt /b.txt; ls /*.txt") == (0, "/a.txt\n/b.txt\n", "")


def test_ls_long_env_whoami_id_hostname(engine: SandboxEngine) -> None:
    cid = running(engine, environment=["GREETING=hello"], hostname="box")
    code, out, _ = engine.exec_run(cid, ["ls", "-la", "/etc"])
    lines = out.decode().splitlines()
    assert lines[0].startswith("total ")
    assert any(line.startswith("-rw-r--r--") and line.endswith(" passwd") for line in lines)
    assert b"GREETING=hello\n" in engine.exec_run(cid, ["env"])[1]
    assert engine.exec_run(cid, ["whoami"])[1] == b"root\n"
    assert engine.exec_run(cid, ["id"])[1] == b"uid=0(root) gid=0(root) groups=0(root)\n"
    assert engine.exec_run(cid, ["hostname"])[1] == b"box\n"
    assert engine.exec_run(cid, ["sh", "-c", "echo $HOSTNAME"], environment=["X=1"])[1] == b"box\n"
    assert engine.exec_run(cid, "pwd", workdir="/tmp")[1] == b"/tmp\n"


def test_diff_lists_the_writable_layer(engine: SandboxEngine) -> None:
    cid = running(engine)
    sh(engine, cid, "echo x > /tmp/new; rm /etc/hosts")
    changes = engine.diff(cid)
    assert {"Path": "/tmp/new", "Kind": 1} in changes
    assert {"Path": "/tmp", "Kind": 0} in changes
    assert {"Path": "/etc/hosts", "Kind": 2} in changes


def test_bind_mounts_use_the_host_folder_and_respect_ro(
    engine: SandboxEngine, tmp_path: Path
) -> None:
    (tmp_path / "hello.txt").write_text("from host\n")
    rw = running(engine, host_config=engine.create_host_config(binds=[f"{tmp_path}:/data"]))
    assert sh(engine, rw, "cat /data/hello.txt") == (0, "from host\n", "")
    sh(engine, rw, "echo from container > /data/out.txt")
    assert (tmp_path / "out.txt").read_text() == "from container\n"
    ro = running(engine, host_config=engine.create_host_config(binds=[f"{tmp_path}:/data:ro"]))
    assert sh(engine, ro, "touch /data/x") == (1, "", "touch: /data/x: Read-only file system\n")
    assert (
        sh(engine, ro, "echo x > /data/y")[2] == "sh: can't create /data/y: Read-only file system\n"
    )


def test_read_only_root_filesystem(engine: SandboxEngine) -> None:
    cid = running(engine, host_config=engine.create_host_config(read_only=True))
    assert (
        sh(engine, cid, "mkdir /x")[2]
        == "mkdir: can't create directory '/x': Read-only file system\n"
    )


def test_named_volumes_are_shared_and_outlive_containers(engine: SandboxEngine) -> None:
    first = running(
        engine, name="website", host_config=engine.create_host_config(binds=["site:/data"])
    )
    sh(engine, first, "echo kept > /data/page.html")
    copy = running(engine, host_config=engine.create_host_config(volumes_from=["website"]))
    assert sh(engine, copy, "cat /data/page.html") == (0, "kept\n", "")
    engine.remove_container(first, force=True)
    engine.remove_container(copy, force=True)
    later = running(engine, host_config=engine.create_host_config(binds=["site:/srv"]))
    assert sh(engine, later, "cat /srv/page.html")[1] == "kept\n"
    mountpoint = Path(engine.inspect_volume("site")["Mountpoint"])
    assert (mountpoint / "page.html").read_text() == "kept\n"


def test_archives_for_docker_cp(engine: SandboxEngine) -> None:
    import io
    import tarfile

    cid = running(engine)
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w") as tar:
        info = tarfile.TarInfo("copied.txt")
        info.size = 3
        tar.addfile(info, io.BytesIO(b"abc"))
    assert engine.put_archive(cid, "/tmp", buffer.getvalue()) is True
    data, stat = engine.get_archive(cid, "/tmp/copied.txt")
    assert stat["name"] == "copied.txt" and stat["size"] == 3
    with tarfile.open(fileobj=io.BytesIO(data)) as tar:
        assert tar.extractfile("copied.txt").read() == b"abc"


def test_top_and_ps_show_the_main_process(engine: SandboxEngine) -> None:
    cid = running(engine)
    top = engine.top(cid)
    assert top["Titles"] == ["UID", "PID", "PPID", "C", "STIME", "TTY", "TIME", "CMD"]
    assert top["Processes"][0][7] == "sleep 1000"
    out = engine.exec_run(cid, ["ps"])[1].decode().splitlines()
    assert out[0] == "PID   USER     TIME  COMMAND"
    assert out[1].split() == ["1", "root", "0:00", "sleep", "1000"]


def test_compound_commands_and_substitutions(engine: SandboxEngine) -> None:
    cid = running(engine, hostname="box")
    assert sh(engine, cid, "for x in a b c; do [ $x = b ] && continue; echo $x; done") == (
        0,
        "a\nc\n",
        "",
    )
    assert sh(engine, cid, "i=0; while [ $i -lt 3 ]; do i=$((i+1)); done; echo $i") == (
        0,
        "3\n",
        "",
    )
    assert (
        sh(engine, cid, "if [ -d /etc ]; then echo dir; elif true; then echo no; fi")[1] == "dir\n"
    )
    assert sh(engine, cid, 'echo "host=$(hostname)"') == (0, "host=box\n", "")
    assert sh(engine, cid, "while true; do") == (
        2,
        "",
        'sh: syntax error: unexpected end of file (expecting "done")\n',
    )


def test_a_command_that_never_ends_is_stopped(engine: SandboxEngine) -> None:
    code, out, err = engine.exec_run(running(engine), ["sh", "-c", "while true; do echo y; done"])
    assert code == 137 and out.startswith(b"y\ny\n")
    assert b"never ends by itself" in err


def test_exit_keeps_what_was_printed_before(engine: SandboxEngine) -> None:
    cid = running(engine)
    assert sh(engine, cid, "echo out; echo err >&2; exit 3") == (3, "out\n", "err\n")
    assert sh(engine, cid, "for i in 1 2 3; do echo $i; [ $i = 2 ] && break; done") == (
        0,
        "1\n2\n",
        "",
    )
    assert sh(engine, cid, "if true; then echo a; exit 5; fi") == (5, "a\n", "")


def test_environment_is_built_as_dockerd_does(engine: SandboxEngine) -> None:
    cid = running(engine, environment=["A=1", "B=2"], hostname="box")
    assert engine.exec_run(cid, ["env"], environment=["C=3"])[1].decode().splitlines() == [
        "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
        "HOSTNAME=box",
        "A=1",
        "B=2",
        "C=3",
        "HOME=/root",
    ]


def test_curl_and_wget_reach_the_containers_own_nginx(engine: SandboxEngine) -> None:
    web = engine.create_container("nginx", hostname="web")["Id"]
    engine.start(web)
    code, out, _ = engine.exec_run(web, ["curl", "-s", "localhost"])
    assert code == 0 and b"<title>Welcome to nginx!</title>" in out
    assert engine.exec_run(web, ["curl", "-f", "localhost/x"]) == (
        22,
        b"",
        b"curl: (22) The requested URL returned error: 404\n",
    )
    assert engine.exec_run(web, ["curl", "localhost:8080"])[0] == 7
    assert b'"GET /x HTTP/1.1" 404' in list(engine.logs(web, tail=1))[0][1]
    small = engine.create_container("nginx:alpine")["Id"]
    engine.start(small)
    assert b"Welcome to nginx!" in engine.exec_run(small, ["wget", "-qO-", "localhost"])[1]
    assert engine.exec_run(small, ["wget", "-q", "http://localhost/"])[0] == 0
    assert b"Welcome" in engine.exec_run(small, ["cat", "index.html"])[1]
