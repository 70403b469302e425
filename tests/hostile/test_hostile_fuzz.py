"""Fuzzing the parsers students feed: Go templates, YAML manifests, kubectl command lines.

Each example must end in the component's own error type (Go's or kubectl's message) or a
result, within a time cap (hypothesis's ``deadline``) and a memory cap (the peak Python
allocation :mod:`tracemalloc` measures). Inputs are built from the pieces that broke the
parsers before: huge numbers and widths, deep nesting, aliases, ranges, odd flags.
"""

from __future__ import annotations

import tracemalloc
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from grader.k8s import kubectl, validate
from grader.render.gotemplate import TemplateError, parse

MEMORY_CAP = 256 << 20
"""Bytes one example may allocate at its peak."""

FUZZ = settings(
    max_examples=150,
    deadline=timedelta(seconds=3),
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
    derandomize=True,
)


@contextmanager
def memory_cap() -> Iterator[None]:
    """Fail when the block's peak allocation exceeds :data:`MEMORY_CAP`."""
    tracemalloc.start()
    try:
        yield
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < MEMORY_CAP, f"peak allocation {peak >> 20} MiB"


def _joined(pieces: list[str], size: int = 40) -> st.SearchStrategy[str]:
    return st.lists(st.sampled_from(pieces), max_size=size).map("".join)


TEMPLATE_PIECES = [
    "{{", "}}", "{{-", "-}}", " ", ".", ".Names", ".ID", ".Labels", ".Config.Cmd", "$", "$x",
    "$x := ", "range ", "if ", "with ", "else", "end", "break", "continue", "(", ")", "|",
    "printf ", '"%0999999999d" ', '"%.99999999f" ', '"%*d" ', '"%v" ', "1 ", "1e999 ",
    "99999999999999999999 ", "1000000000 ", "-1 ", "0x10 ", "'a' ", "nil ", "true ", "len ",
    "index ", "slice ", "json ", "upper ", "pad ", "truncate ", "join ", "split ", "eq ",
    "and ", "or ", "not ", "print ", "println ", '"x" ', "`raw` ", "{{/* c */}}", "text",
]  # fmt: skip

DATA = {
    "Names": "web",
    "ID": "0123456789ab",
    "Labels": {"a": "b"},
    "Config": {"Cmd": ["nginx", "-g", "daemon off;"]},
    "List": list(range(5)),
}


@pytest.mark.slow
@FUZZ
@given(st.one_of(_joined(TEMPLATE_PIECES), st.text(max_size=60)))
def test_templates_end_in_go_errors_or_text(text: str) -> None:
    with memory_cap():
        try:
            result = parse(text).execute(DATA)
        except TemplateError as error:
            assert str(error).startswith("template:")
        else:
            assert isinstance(result, str)


YAML_PIECES = [
    "apiVersion: v1\n", "kind: ConfigMap\n", "kind: Deployment\n", "metadata:\n",
    "  name: x\n", "data:\n", "spec:\n", "  replicas: 99999999999999999999\n",
    "  template: null\n", "  a: &a [1, 2, 3]\n", "  b: &b [*a, *a, *a, *a]\n",
    "  c: [*b, *b, *b, *b]\n", "  d: *c\n", "[", "]", "{", "}", "- ", "  ", "---\n", ": ",
    "\t", "!!python/object:os.system ", "!!binary ", "'", '"', "\n", "? ", "*undefined\n",
    "apiVersion: 5\n", "kind: [x]\n", "metadata: null\n",
]  # fmt: skip


@pytest.mark.slow
@FUZZ
@given(st.one_of(_joined(YAML_PIECES, 30), st.text(max_size=80)))
def test_manifests_end_in_kubectl_errors_or_objects(text: str) -> None:
    with memory_cap():
        try:
            docs = validate.load_manifests(text, "fuzz.yaml")
        except validate.ManifestError as error:
            assert error.kubectl_text.startswith("error: ")
        else:
            assert all(isinstance(doc, dict) for doc in docs)


@pytest.mark.slow
@FUZZ
@given(st.integers(min_value=1, max_value=12), st.integers(min_value=1, max_value=12))
def test_alias_bombs_are_refused_quickly(width: int, levels: int) -> None:
    lines = ["data:", "  l0: &l0 [" + ", ".join(["lol"] * width) + "]"]
    for level in range(1, levels + 1):
        lines.append(f"  l{level}: &l{level} [" + ", ".join([f"*l{level - 1}"] * width) + "]")
    with memory_cap():
        try:
            validate.load_manifests("\n".join(lines) + "\n")
        except validate.ManifestError as error:
            assert "excessive aliasing" in error.kubectl_text
            assert _expanded(width, levels) > 1000  # go-yaml lets small documents through


def _expanded(width: int, levels: int) -> int:
    """Nodes of the document with every alias expanded (what go-yaml counts)."""
    sizes = [1 + width]
    for _ in range(levels):
        sizes.append(1 + width * sizes[-1])
    return 1 + sum(sizes)


KUBECTL_WORDS = [
    "get", "create", "apply", "delete", "scale", "describe", "logs", "exec", "expose",
    "rollout", "status", "run", "set", "image", "label", "edit", "explain", "version",
    "deployment", "deploy", "pods", "po", "svc", "service", "secret", "generic", "configmap",
    "namespace", "ns", "web", "nginx", "-n", "default", "-o", "yaml", "json", "wide",
    "jsonpath={.items[*].metadata.name}", "--replicas", "--replicas=3", "-r",
    "99999999999999999999", "100000", "-1", "0x10", "--image", "--image=nginx", "--port",
    "80", "--from-literal=a=b", "--dry-run=client", "--dry-run=bogus", "-f", "-", "--",
    "--all", "-l", "app=web", "--selector", "=", "--type", "NodePort", "--bogus", "-it",
    "--", "sh", "-c", "true", "--grace-period", "--timeout", "1s", "--to-revision",
]  # fmt: skip


@pytest.fixture(scope="module")
def cluster_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One simulated cluster shared by the kubectl examples."""
    return tmp_path_factory.mktemp("cluster")


@pytest.mark.slow
@FUZZ
@given(st.lists(st.sampled_from(KUBECTL_WORDS), min_size=1, max_size=8))
def test_kubectl_lines_end_in_kubectl_answers(cluster_folder: Path, argv: list[str]) -> None:
    with memory_cap():
        result = kubectl.run(argv, stdin="", folder=cluster_folder, cwd=cluster_folder)
    assert isinstance(result.code, int)
    assert "Traceback" not in result.stderr
