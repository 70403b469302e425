"""Renderer output against the real Docker 28 CLI's, recorded with the daemon JSON it read.

``record_goldens.py`` stored, per case, the Engine API JSON and what ``docker ...`` printed
at that moment; rendering the same JSON at the same moment must print the same bytes.
"""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

import pytest

from grader.render.contexts import (
    ContainerContext,
    HistoryContext,
    ImageContext,
    NetworkContext,
    VolumeContext,
    image_rows,
)
from grader.render.formatter import render
from grader.render.inspect import inspect_template, render_json, render_one

GOLDENS = json.loads(
    (Path(__file__).resolve().parents[1] / "data" / "render" / "goldens.json").read_text()
)


@pytest.fixture(autouse=True)
def utc(monkeypatch: pytest.MonkeyPatch):
    """The goldens were recorded with the CLI in UTC (Docker prints local times)."""
    monkeypatch.setenv("TZ", "UTC")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


def _flags(argv: list[str]) -> dict[str, Any]:
    flags: dict[str, Any] = {"format": ""}
    words = iter(argv)
    for word in words:
        if word == "--format":
            flags["format"] = next(words)
        elif word == "--filter":
            next(words)
        elif word.startswith("-"):
            flags[word.lstrip("-")] = True
    return flags


def _render(case: dict[str, Any]) -> str:
    flags = _flags(case["argv"])
    fmt, trunc, now, data = flags["format"], "no-trunc" not in flags, case["now"], case["data"]
    if case["kind"] == "ps":
        rows = [ContainerContext(c, trunc, now) for c in data["containers"]]
        fmt = ContainerContext.format_for(fmt or "table", size="s" in flags)
        return render(fmt, rows, ContainerContext.HEADER)
    if case["kind"] == "images":
        rows = image_rows(data["images"], trunc=trunc, now=now)
        return render(ImageContext.format_for(fmt or "table"), rows, ImageContext.HEADER)
    if case["kind"] == "volumes":
        rows = [VolumeContext(v) for v in data["volumes"]["Volumes"]]
        return render(VolumeContext.format_for(fmt or "table"), rows, VolumeContext.HEADER)
    if case["kind"] == "networks":
        rows = [NetworkContext(n, trunc) for n in data["networks"]]
        return render(NetworkContext.format_for(fmt or "table"), rows, NetworkContext.HEADER)
    if case["kind"] == "history":
        rows = [HistoryContext(h, trunc, now=now) for h in data["history"]]
        return render(HistoryContext.format_for(fmt or "table"), rows, HistoryContext.HEADER)
    if case["kind"] == "inspect":
        if fmt:
            return render_one(inspect_template(fmt), data["inspect"])
        return render_json([data["inspect"]])
    raise AssertionError(case["kind"])


@pytest.mark.parametrize("case", GOLDENS, ids=[" ".join(c["argv"])[:60] for c in GOLDENS])
def test_renders_like_docker(case: dict[str, Any]) -> None:
    assert _render(case) == case["stdout"]
