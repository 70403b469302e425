"""The sandbox's .dockerignore matcher against cases from moby/patternmatcher's test suite."""

from __future__ import annotations

from pathlib import Path

import pytest

from grader.dockerfile.dockerignore import (
    PatternError,
    PatternMatcher,
    context_files,
    go_clean,
    read_ignore_file,
)

# (pattern, path, matches) from patternmatcher_test.go TestMatches.
MOBY_CASES = [
    ("**", "file", True),
    ("**", "file/", True),
    ("**/", "file", True),
    ("**/", "file/", True),
    ("**", "/", True),
    ("**/", "/", True),
    ("**", "dir/file", True),
    ("**/", "dir/file", True),
    ("**", "dir/file/", True),
    ("**/", "dir/file/", True),
    ("**/**", "dir/file", True),
    ("**/**", "dir/file/", True),
    ("dir/**", "dir/file", True),
    ("dir/**", "dir/file/", True),
    ("dir/**", "dir/dir2/file", True),
    ("dir/**", "dir/dir2/file/", True),
    ("**/dir", "dir", True),
    ("**/dir", "dir/file", True),
    ("**/dir2/*", "dir/dir2/file", True),
    ("**/dir2/*", "dir/dir2/file/", True),
    ("**/dir2/**", "dir/dir2/dir3/file", True),
    ("**/dir2/**", "dir/dir2/dir3/file/", True),
    ("**file", "file", True),
    ("**file", "dir/file", True),
    ("**/file", "dir/file", True),
    ("**file", "dir/dir/file", True),
    ("**/file", "dir/dir/file", True),
    ("**/file*", "dir/dir/file", True),
    ("**/file*", "dir/dir/file.txt", True),
    ("**/file*txt", "dir/dir/file.txt", True),
    ("**/file*.txt", "dir/dir/file.txt", True),
    ("**/file*.txt*", "dir/dir/file.txt", True),
    ("**/**/*.txt", "dir/dir/file.txt", True),
    ("**/**/*.txt2", "dir/dir/file.txt", False),
    ("**/*.txt", "file.txt", True),
    ("**/**/*.txt", "file.txt", True),
    ("a**/*.txt", "a/file.txt", True),
    ("a**/*.txt", "a/dir/file.txt", True),
    ("a**/*.txt", "a/dir/dir/file.txt", True),
    ("a/*.txt", "a/dir/file.txt", False),
    ("a/*.txt", "a/file.txt", True),
    ("a/*.txt**", "a/file.txt", True),
    ("a[b-d]e", "ae", False),
    ("a[b-d]e", "ace", True),
    ("a[b-d]e", "aae", False),
    ("a[^b-d]e", "aze", True),
    (".*", ".foo", True),
    (".*", "foo", False),
    ("abc.def", "abcdef", False),
    ("abc.def", "abc.def", True),
    ("abc.def", "abcZdef", False),
    ("abc?def", "abcZdef", True),
    ("abc?def", "abcdef", False),
    ("a\\\\", "a\\", True),
    ("**/foo/bar", "foo/bar", True),
    ("**/foo/bar", "dir/foo/bar", True),
    ("**/foo/bar", "dir/dir2/foo/bar", True),
    ("abc/**", "abc", False),
    ("abc/**", "abc/def", True),
    ("abc/**", "abc/def/ghi", True),
    ("**/.foo", ".foo", True),
    ("**/.foo", "bar.foo", False),
    ("a(b)c/def", "a(b)c/def", True),
    ("a(b)c/def", "a(b)c/xyz", False),
    ("a.|)$(}+{bc", "a.|)$(}+{bc", True),
    (
        "dist/proxy.py-2.4.0rc3.dev36+g08acad9-py3-none-any.whl",
        "dist/proxy.py-2.4.0rc3.dev36+g08acad9-py3-none-any.whl",
        True,
    ),
    ("dist/*.whl", "dist/proxy.py-2.4.0rc3.dev36+g08acad9-py3-none-any.whl", True),
    ("a\\*b", "a*b", True),
]

# (patterns, path, matches) from TestMatches' multiPatternTests and the single tests above it.
MOBY_MULTI_CASES = [
    (["**", "!util/docker/web"], "util/docker/web/foo", False),
    (["**", "!util/docker/web", "util/docker/web/foo"], "util/docker/web/foo", True),
    (["**", "!dist/*.whl"], "dist/proxy.py-2.4.0rc3.dev36+g08acad9-py3-none-any.whl", False),
    (["*"], "fileutils.go", True),
    (["*.go"], "fileutils.go", True),
    (["!fileutils.go", "*.go"], "fileutils.go", True),
    (["docs", "!docs/README.md"], "docs/README.md", False),
    (["docs/", "!docs/README.md"], "docs/README.md", False),
    (["docs/*", "!docs/README.md"], "docs/README.md", False),
    (["*.go", "!fileutils.go"], "fileutils.go", False),
    (["*.go"], ".", False),
    ([], "/any/path/there", False),
]


@pytest.mark.parametrize(("pattern", "path", "expected"), MOBY_CASES)
def test_single_pattern_matches_like_moby(pattern: str, path: str, expected: bool) -> None:
    assert PatternMatcher([pattern]).matches(path) is expected


@pytest.mark.parametrize(("patterns", "path", "expected"), MOBY_MULTI_CASES)
def test_pattern_lists_match_like_moby(patterns: list[str], path: str, expected: bool) -> None:
    assert PatternMatcher(patterns).matches(path) is expected


@pytest.mark.parametrize("patterns", [["!"], ["["], ["a[b"]])
def test_bad_patterns_are_refused(patterns: list[str]) -> None:
    with pytest.raises(PatternError):
        PatternMatcher(patterns)


def test_read_ignore_file_like_moby_readall() -> None:
    content = (
        "\ufefftest1\n/test2\n/a/file/here\n\nlastfile\n# this is a comment\n"
        "! /inverted/abs/path\n!\n! "
    )
    assert read_ignore_file(content) == [
        "test1",
        "test2",
        "a/file/here",
        "lastfile",
        "!inverted/abs/path",
        "!",
        "!",
    ]


@pytest.mark.parametrize(
    ("raw", "clean"),
    [("", "."), ("./a/", "a"), ("a//b/../c", "a/c"), ("/../x", "/x"), ("../../a", "../../a")],
)
def test_go_clean(raw: str, clean: str) -> None:
    assert go_clean(raw) == clean


def test_context_files_honour_dockerignore(tmp_path: Path) -> None:
    for name in ["index.js", "package.json", ".env", "node_modules/x/i.js", "docs/a.md"]:
        target = tmp_path / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(name)
    ignore = "# keep secrets out\n/node_modules\n.env\ndocs\n!docs/a.md\n"
    (tmp_path / ".dockerignore").write_text(ignore)
    assert context_files(tmp_path) == [
        ".dockerignore",
        "docs/a.md",
        "index.js",
        "package.json",
    ]


def test_context_files_without_dockerignore_sends_everything(tmp_path: Path) -> None:
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "f").write_text("x")
    (tmp_path / ".env").write_text("SECRET=1")
    assert context_files(tmp_path) == [".env", "sub/", "sub/f"]


@pytest.mark.parametrize(
    ("pattern", "sent"),
    [
        ("node_modules", ["web/node_modules/", "web/node_modules/x/", "web/node_modules/x/i.js"]),
        ("**/node_modules", []),
    ],
)
def test_a_bare_name_matches_only_at_the_context_root(
    tmp_path: Path, pattern: str, sent: list[str]
) -> None:
    """Notebook 03: unlike .gitignore, a bare ``node_modules`` leaves nested copies in."""
    for name in ["index.js", "node_modules/x/i.js", "web/node_modules/x/i.js"]:
        target = tmp_path / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(name)
    (tmp_path / ".dockerignore").write_text(pattern + "\n")
    assert context_files(tmp_path) == [".dockerignore", "index.js", "web/", *sent]
