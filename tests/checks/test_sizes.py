"""Size answers are judged by the sizes the engine measures, not by fixed numbers."""

from __future__ import annotations

from pathlib import Path

import pytest

from grader import checks as check
from grader.checks import CheckFailed
from grader.engine import get_engine

REFS = ["node:20", "alpine:3.20"]


@pytest.fixture
def images(sandbox_dir: Path) -> dict[str, float]:
    check.reset(pull=REFS, quiet=True)
    engine = get_engine("sandbox")
    return {ref: engine.inspect_image(ref)["Size"] / 1_000_000 for ref in REFS}


def test_the_images_under_a_limit_are_those_the_engine_measures(images, capsys) -> None:
    limit = (images["node:20"] + images["alpine:3.20"]) / 2
    check.under_size(REFS, limit, answer=["alpine:3.20"])
    assert "alpine:3.20 under" in capsys.readouterr().out
    check.under_size(REFS, images["node:20"] + 1, answer=("node:20", "alpine:3.20"))


@pytest.mark.parametrize("answer", [["node:20"], [], "alpine:3.20", None])
def test_a_wrong_list_fails(images, answer) -> None:
    limit = (images["node:20"] + images["alpine:3.20"]) / 2
    with pytest.raises(CheckFailed, match="the images under"):
        check.under_size(REFS, limit, answer=answer)


def test_the_smallest_is_the_engines_smallest(images) -> None:
    assert check.smallest_of(REFS, answer="alpine:3.20") == "alpine:3.20"
    with pytest.raises(CheckFailed):
        check.smallest_of(REFS, answer="node:20")
