"""Finding the Compose file, interpolating variables, naming the project."""

from __future__ import annotations

from pathlib import Path

import pytest

from grader.compose.loader import ComposeError, interpolate, load, project_name


def test_interpolation_forms() -> None:
    env = {"TAG": "1.27", "EMPTY": ""}
    assert interpolate("nginx:${TAG}", env) == "nginx:1.27"
    assert interpolate("$TAG-${MISSING:-x}-${EMPTY:-y}-${EMPTY-z}", env) == "1.27-x-y-"
    assert interpolate({"a": ["$$HOME", 3]}, env) == {"a": ["$HOME", 3]}
    with pytest.raises(ComposeError, match="required variable PASSWORD is missing a value: set it"):
        interpolate("${PASSWORD:?set it}", env)


def test_project_name_precedence(tmp_path: Path) -> None:
    folder = tmp_path / "My App.v2"
    assert project_name(None, {}, {}, folder) == "myappv2"
    assert project_name(None, {"name": "shop"}, {}, folder) == "shop"
    assert project_name(None, {}, {"COMPOSE_PROJECT_NAME": "env"}, folder) == "env"
    assert project_name("cli", {"name": "shop"}, {}, folder) == "cli"
    with pytest.raises(ComposeError, match='invalid project name "Bad"'):
        project_name("Bad", {}, {}, folder)


def test_the_file_is_found_upwards_and_dotenv_is_read(tmp_path: Path) -> None:
    (tmp_path / "compose.yaml").write_text("services:\n  web:\n    image: nginx:${TAG}\n")
    (tmp_path / ".env").write_text("# tag\nTAG='1.27'\n")
    below = tmp_path / "src"
    below.mkdir()
    source = load(below, [], None, {})
    assert source.path == tmp_path / "compose.yaml"
    assert source.data["services"]["web"]["image"] == "nginx:1.27"
    assert load(below, [], None, {"TAG": "latest"}).data["services"]["web"]["image"] == (
        "nginx:latest"
    )


def test_missing_and_broken_files(tmp_path: Path) -> None:
    with pytest.raises(ComposeError, match="^no configuration file provided: not found$"):
        load(tmp_path, [], None, {})
    with pytest.raises(ComposeError, match="no such file or directory"):
        load(tmp_path, ["other.yaml"], None, {})
    (tmp_path / "compose.yaml").write_text("services:\n  web:\n image: nginx\n")
    with pytest.raises(ComposeError, match="^yaml: line 3: "):
        load(tmp_path, [], None, {})


def test_alias_bombs_and_deep_nesting_are_refused(tmp_path: Path) -> None:
    lines = ['a: &a ["x", "x", "x", "x", "x", "x", "x", "x", "x", "x"]']
    for level in range(1, 9):
        previous = chr(ord("a") + level - 1)
        name = chr(ord("a") + level)
        lines.append(f"{name}: &{name} [{', '.join([f'*{previous}'] * 10)}]")
    (tmp_path / "compose.yaml").write_text("\n".join(lines) + "\nservices: {}\n")
    with pytest.raises(ComposeError, match="^yaml: document contains excessive aliasing$"):
        load(tmp_path, [], None, {})
    (tmp_path / "compose.yaml").write_text("x: " + "[" * 150 + "]" * 150 + "\n")
    with pytest.raises(ComposeError, match="nested more than 100 levels deep"):
        load(tmp_path, [], None, {})
    (tmp_path / "compose.yaml").write_text("x: " + "[" * 5000 + "]" * 5000 + "\n")
    with pytest.raises(ComposeError, match="nested more than 100 levels deep"):
        load(tmp_path, [], None, {})


def test_while_grading_the_file_must_be_in_the_assignment_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    inside, outside = tmp_path / "submission", tmp_path / "instructor"
    for folder in (inside, outside):
        folder.mkdir()
        (folder / "compose.yaml").write_text("services: {}\n")
    monkeypatch.setenv("COURSE_GRADING", "1")
    monkeypatch.setenv("COURSE_GRADING_FOLDER", str(inside))
    assert load(inside, [], None, {}).path == inside / "compose.yaml"
    with pytest.raises(ComposeError, match="is refused while grading"):
        load(inside, [str(outside / "compose.yaml")], None, {})
    with pytest.raises(ComposeError, match="is refused while grading"):
        load(inside, ["/etc/hostname"], None, {})
