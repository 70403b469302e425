"""Route checks: the student's command lines, read from the real history and grammar."""

import pytest

from grader import history
from grader.checks import CheckFailed, command, ran, start


def typed(line: str, exit_code: int = 0, source: str = "magic") -> None:
    history.record(["docker", *line.split()], exit_code, "sandbox", source)


def test_no_command_at_all(sandbox_dir):
    with pytest.raises(CheckFailed) as failure:
        command("container run")
    assert "no docker container run command found" in str(failure.value)


def test_refused_command_shows_dockers_own_error(sandbox_dir):
    typed("run --port 8080:80 nginx", exit_code=125)
    with pytest.raises(CheckFailed) as failure:
        command("run")
    message = str(failure.value)
    assert "Docker refused your latest docker run command" in message
    assert "unknown flag: --port" in message


def test_engine_failure_is_explained(sandbox_dir):
    typed("run -d --name website nginx", exit_code=125)
    with pytest.raises(CheckFailed, match="failed \\(exit status 125;"):
        command("container run")


def test_latest_success_wins_over_earlier_failures(sandbox_dir):
    typed("run -d --name website nginx", exit_code=125)
    typed("run -d --name website -p 8080:80 nginx")
    found = command("container run")
    assert found.options["publish"] == ["8080:80"]


def test_a_later_failure_is_graded_not_an_earlier_success(sandbox_dir):
    typed("logs --since 10m website")
    typed("logs --since 10min website", exit_code=1)
    with pytest.raises(CheckFailed, match="latest docker container logs command failed"):
        command("container logs")


def test_a_later_refusal_is_graded_not_an_earlier_success(sandbox_dir):
    typed("inspect -f {{.Config.Cmd}} website")
    typed("inspect --formatt {{.Config.Cmd}} website", exit_code=125)
    with pytest.raises(CheckFailed, match="refused your latest docker inspect") as failure:
        command("inspect")
    assert "unknown flag: --formatt" in str(failure.value)


def test_each_container_is_graded_on_its_own_latest_command(sandbox_dir):
    typed("run --name one nginx:alpine")
    typed("run -d --name two nginx:alpine")
    ran("container run", flags={"name": "two", "detach": True})
    with pytest.raises(CheckFailed, match="background"):
        ran("container run", flags={"name": "one", "detach": True})


@pytest.mark.parametrize(
    "line",
    ["inspect -f {{.Config.Cmd}} website", "container inspect --format={{.Config.Cmd}} website"],
)
def test_inspect_and_container_inspect_are_one_command(sandbox_dir, line):
    typed(line)
    assert command("inspect").args == ["website"]
    assert command("container inspect").args == ["website"]


@pytest.mark.parametrize(
    ("line", "same"),
    [
        ("ps -aq", True),
        ("container ls --quiet --all", True),
        ("container list -qa", True),
        ("ps -q", False),
    ],
)
def test_aliases_and_flag_forms_are_resolved(sandbox_dir, line, same):
    typed(line)
    if same:
        ran("ps", flags={"all": True, "quiet": True})
    else:
        with pytest.raises(CheckFailed):
            ran("container ls", flags={"all": True, "quiet": True})


@pytest.mark.parametrize(
    ("since", "same"),
    [("10m", True), ("600s", True), ("10m0s", True), ("10", False), ("1h", False)],
)
def test_since_is_compared_as_a_duration(sandbox_dir, since, same):
    typed(f"logs --since {since} website")
    if same:
        ran("container logs", flags={"since": "10m"})
    else:
        with pytest.raises(CheckFailed, match="another value"):
            ran("container logs", flags={"since": "10m"})


@pytest.mark.parametrize("given", ["website", "website:ro"])
def test_volumes_from_compared_by_container(sandbox_dir, given):
    typed(f"run -d --name copy --volumes-from {given} nginx")
    ran("container run", flags={"volumes-from": ["website"]})


def test_publish_compared_by_meaning(sandbox_dir, capsys):
    typed("container run -d -p 0.0.0.0:8080:80/tcp --name website nginx:latest")
    ran("container run", flags={"publish": ["8080:80"], "detach": True}, image="nginx")
    assert "✔ you ran docker container run" in capsys.readouterr().out


def test_missing_option_explains_purpose_not_the_answer(sandbox_dir):
    typed("run --name website -p 8080:80 nginx")
    with pytest.raises(CheckFailed) as failure:
        ran("container run", flags={"detach": True})
    message = str(failure.value)
    assert "run in the background" in message
    assert "-d" not in message.replace("--name", "").replace("docker run", "")
    assert "detach" not in message


def test_wrong_value_does_not_show_the_expected_one(sandbox_dir):
    typed("run -d -p 8000:80 nginx")
    with pytest.raises(CheckFailed) as failure:
        ran("container run", flags={"publish": ["8080:80"]})
    message = str(failure.value)
    assert "another value" in message
    assert "8080" not in message
    assert "HOST:CONTAINER" in message


def test_forbidden_option(sandbox_dir):
    typed("rm -f website")
    with pytest.raises(CheckFailed, match="uses --force"):
        ran("container rm", flags={"force": False})


def test_exercise_start_hides_earlier_commands(sandbox_dir, clock):
    typed("run -d --name website nginx")
    clock.advance(0.01)
    start("website")
    with pytest.raises(CheckFailed, match="no docker container run"):
        command("container run", exercise="website")
    typed("run -d --name website nginx")
    assert command("container run", exercise="website").args == ["nginx"]


def test_commands_run_by_checks_and_setups_do_not_count(sandbox_dir):
    typed("ps -aq", source="check")
    typed("run -d nginx", source="setup")
    with pytest.raises(CheckFailed):
        command("container ls")
    with pytest.raises(CheckFailed):
        command("container run")


def test_image_and_args(sandbox_dir):
    typed("tag nginx:alpine website:1.0.0")
    ran("image tag", args=["nginx:alpine", "website:1.0.0"])
    with pytest.raises(CheckFailed, match="does not name what the exercise asks for"):
        ran("image tag", args=["nginx:latest"])
    typed("run -d nginx:alpine")
    with pytest.raises(CheckFailed, match="does not use the image"):
        ran("container run", image="nginx:latest")


def test_volume_paths_resolved(sandbox_dir, tmp_path):
    site = tmp_path / "site"
    site.mkdir()
    typed(f"run -d -v {tmp_path}/./site:/usr/share/nginx/html:ro nginx")
    ran("container run", flags={"volume": [f"{site}:/usr/share/nginx/html:ro"]})
    with pytest.raises(CheckFailed):
        ran("container run", flags={"volume": [f"{site}:/usr/share/nginx/html"]})
