"""Checks about Dockerfiles and the images they build, graded by real outcomes.

- :func:`built`: the image exists, came from the expected base, and has the config asked for;
- :func:`image_files`: what a folder of the image holds (listed from a container of it), e.g.
  that ``.dockerignore`` kept node_modules and .env out;
- :func:`serves`: a container of the image really answers HTTP;
- :func:`cache_reuse`: the edit-and-rebuild experiment: after a source file changes, the
  dependency install step must come from the build cache;
- :func:`based_on`: the Dockerfile's final stage starts FROM the image the task names;
- :func:`copied_before`: the Dockerfile copies a path before the step that needs it;
- :func:`pinned`: every FROM names a specific version, not a moving tag;
- :func:`sizes`: sizes a student read off ``docker images`` match the engine's;
- :func:`smallest_of`: the student named the smallest of some images;
- :func:`under_size`: the student named which of some images are under a size.
"""

from __future__ import annotations

import fnmatch
import io
import posixpath
import re
import shlex
import shutil
import socket
import tarfile
import tempfile
import time
import uuid
from collections.abc import Iterable, Mapping
from pathlib import Path

from grader import LABEL
from grader.checks.failure import engine_refusal, fail, missing
from grader.checks.progress import passed
from grader.checks.refs import normalize_image
from grader.checks.state import engine
from grader.checks.web import fetch
from grader.dockerfile.instructions import DockerfileError, Instruction, base_images, parse
from grader.engine.api import JSON
from grader.engine.errors import EngineError, NotFound

COURSE_LABELS = dict([LABEL.split("=", 1)])
"""The course's label as create_container takes it."""

MOVING_TAGS = frozenset({"", "latest", "alpine", "slim", "lts", "current", "stable", "mainline"})
"""Tags that point at a different image as new releases come out."""


def _inspect(ref: str, hint: str) -> JSON:
    with missing(
        f"there is no image {ref}",
        hint=hint or "docker build -t NAME:TAG FOLDER builds and names an image",
    ):
        return engine().inspect_image(ref)


def built(
    ref: str,
    *,
    base: str | None = None,
    workdir: str | None = None,
    cmd: list[str] | None = None,
    exposed: Iterable[str] = (),
    hint: str = "",
) -> JSON:
    """Check an image the student built.

    Args:
        ref: the image's name, e.g. ``"website:1"``.
        base: the image it must be built FROM (its layers are the bottom of ``ref``'s).
        workdir: the expected WORKDIR.
        cmd: the expected default command (exec form list).
        exposed: ports the image must declare with EXPOSE ("80/tcp" or "80").
        hint: replaces the default hint of the first failure.

    Returns:
        The image's inspect JSON.
    """
    info = _inspect(ref, hint)
    config = info.get("Config") or {}
    if base is not None:
        base_info = _inspect(base, "the base image is pulled by the build's FROM step")
        mine = (info.get("RootFS") or {}).get("Layers") or []
        theirs = (base_info.get("RootFS") or {}).get("Layers") or []
        if info.get("Id") == base_info.get("Id") or mine[: len(theirs)] != theirs:
            raise fail(
                f"{ref} is not built on {base}",
                expected=f"the layers of {base} at the bottom of {ref}",
                found=f"{ref} does not start from {base}'s layers",
                hint=hint or "the first instruction of a Dockerfile chooses the base image",
            )
    if workdir is not None and config.get("WorkingDir") != workdir:
        raise fail(
            f"the working directory of {ref} is not {workdir}",
            expected=workdir,
            found=config.get("WorkingDir") or "(none: /)",
            hint=hint or "which instruction sets the folder later instructions run in?",
        )
    if cmd is not None and config.get("Cmd") != cmd:
        raise fail(
            f"the default command of {ref} is not what the exercise asks for",
            found=str(config.get("Cmd")),
            hint=hint or "only the last CMD of a Dockerfile counts; the exec form is a JSON list",
        )
    ports = set(config.get("ExposedPorts") or {})
    for port in exposed:
        key = port if "/" in str(port) else f"{port}/tcp"
        if key not in ports:
            raise fail(
                f"{ref} does not declare port {key}",
                found=", ".join(sorted(ports)) or "no exposed port",
                hint=hint or "EXPOSE documents the port the server listens on",
            )
    passed(f"{ref} is built as asked")
    return info


def list_folder(ref: str, folder: str) -> list[str]:
    """The names in ``folder`` of image ``ref``, read from a (never started) container."""
    api = engine()
    created = api.create_container(ref, command=["true"], labels=COURSE_LABELS)
    try:
        data, _ = api.get_archive(created["Id"], folder)
    finally:
        api.remove_container(created["Id"], force=True)
    prefix = folder.rstrip("/").rsplit("/", 1)[-1] + "/"
    names: set[str] = set()
    with tarfile.open(fileobj=io.BytesIO(data)) as archive:
        for member in archive.getnames():
            if member.startswith(prefix) and member != prefix:
                names.add(member[len(prefix) :].split("/")[0])
    return sorted(name for name in names if name)


def image_files(
    ref: str,
    folder: str,
    *,
    present: Iterable[str] = (),
    absent: Iterable[str] = (),
    hint: str = "",
) -> list[str]:
    """Check which names the image's ``folder`` holds.

    Args:
        ref: the image.
        folder: an absolute folder inside the image, e.g. ``/app``.
        present: names that must be there (``index.js``).
        absent: names that must not be there (``node_modules``, ``.env``).
        hint: replaces the default hint of the first failure.

    Returns:
        The folder's listing.
    """
    _inspect(ref, hint)
    try:
        names = list_folder(ref, folder)
    except NotFound:
        raise fail(
            f"the image {ref} has no folder {folder}",
            hint=hint or "COPY/ADD with a WORKDIR put files where the exercise expects them",
        ) from None
    except EngineError as error:
        raise fail(
            f"the engine could not list {folder} in {ref}", found=error.explanation
        ) from None
    missing = [name for name in present if name not in names]
    if missing:
        raise fail(
            f"{folder} in {ref} lacks {', '.join(missing)}",
            found=", ".join(names) or "an empty folder",
            hint=hint or "COPY copies files from the build context into the image",
        )
    extra = [name for name in absent if name in names]
    if extra:
        raise fail(
            f"{folder} in {ref} contains {', '.join(extra)}, which must stay out of the image",
            found=", ".join(names),
            hint=hint or "a file next to the Dockerfile lists what the build context leaves out",
        )
    passed(f"{folder} in {ref} holds the right files")
    return names


def serves(
    ref: str,
    *,
    port: int | None = None,
    container_port: int = 80,
    contains: str = "",
    path: str = "/",
    hint: str = "",
) -> str:
    """Run a container of ``ref`` publishing ``port``; check its page ``path``; remove it.

    Args:
        ref: the image.
        port: the host port to publish (default: a free one).
        container_port: the port the image's server listens on.
        contains: text the page must contain.
        path: the page to ask for (``/api/version.json``).
        hint: replaces the default hint of the first failure.

    Returns:
        The page's text.
    """
    api = engine()
    if port is None:
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
    _inspect(ref, hint)
    host_config = api.create_host_config(port_bindings={container_port: port}, auto_remove=False)
    with engine_refusal(f"a container of {ref} could not be created"):
        created = api.create_container(
            ref,
            ports=[container_port],
            host_config=host_config,
            labels=COURSE_LABELS,
        )
    try:
        with engine_refusal(
            f"a container of {ref} could not start publishing port {port}",
            hint=hint or "is another container already using that host port?",
        ):
            api.start(created["Id"])
            body = _wait_for_page(port, path)
    finally:
        api.remove_container(created["Id"], force=True)
    if body is None:
        raise fail(
            f"a container of {ref} does not answer {path} on its port {container_port}",
            hint=hint or "does the image's default command start a web server?",
        )
    if contains and contains not in body:
        raise fail(
            f"the page served by {ref} does not contain {contains!r}",
            found=body[:200],
            hint=hint or "which file does the server send for /, and is yours copied there?",
        )
    passed(f"a container of {ref} serves {'the page' if path == '/' else path}")
    return body


def _wait_for_page(port: int, path: str = "/", wait: float = 8.0) -> str | None:
    """The page's text once the server answers 200; None when nothing does within ``wait``.

    A 4xx answer is final (the image's server is up and has no such page: waiting would
    only spend the grading time); a 5xx may be a proxy whose upstream is still starting.
    """
    deadline = time.monotonic() + wait
    while time.monotonic() < deadline:
        try:
            status, body = fetch(port, path)
        except OSError:
            status, body = 0, ""
        if status == 200:
            return body
        if 400 <= status < 500:
            return None
        time.sleep(0.2)
    return None


def rebuild_experiment(
    context: str | Path, *, edit: str = "index.js", tag: str = "cache-check"
) -> dict[str, bool]:
    """Build ``context``, change ``edit``, build again; which steps came from the cache.

    The experiment runs on a copy of the context, so the student's files are untouched.

    Returns:
        Each step of the second build ("RUN npm install") -> True when it was a cache hit.

    Raises:
        EngineError: a build failed (its error text).
    """
    api = engine()
    with tempfile.TemporaryDirectory(prefix="cache-check-") as scratch:
        copy = Path(scratch) / "context"
        shutil.copytree(context, copy, symlinks=True)
        _build(api, copy, f"{tag}:before")
        target = copy / edit
        with target.open("a", encoding="utf-8") as handle:
            handle.write(f"\n// edited by the cache check {uuid.uuid4().hex}\n")
        steps = _build(api, copy, f"{tag}:after")
    for suffix in ("after", "before"):
        try:
            api.remove_image(f"{tag}:{suffix}")
        except EngineError:
            pass
    return steps


def _build(api: object, path: Path, tag: str) -> dict[str, bool]:
    steps: dict[str, bool] = {}
    current = ""
    for item in api.build(path=str(path), tag=tag):  # type: ignore[attr-defined]
        if "error" in item:
            raise EngineError(str(item["error"]))
        text = str(item.get("stream") or "")
        match = re.match(r"Step \d+/\d+ : (.*)", text)
        if match and match.group(1).strip() == f"LABEL {LABEL}":
            current = ""
        elif match:
            current = match.group(1).strip()
            steps[current] = False
        elif "Using cache" in text and current:
            steps[current] = True
    return steps


def cache_reuse(
    context: str | Path, *, step: str = "npm install", edit: str = "index.js", hint: str = ""
) -> dict[str, bool]:
    """Check that after editing ``edit`` a rebuild takes ``step`` from the build cache.

    Args:
        context: the app folder with its Dockerfile.
        step: the command the dependency-install RUN runs ("npm install"), judged on the
            parsed instruction: shell form, exec form (``RUN ["npm", "install"]``) and
            ``sh -c "npm install"`` all run it.
        edit: the source file the experiment changes.
        hint: replaces the default hint of the first failure.

    Returns:
        Each step -> cache hit, for the rebuild.
    """
    folder = Path(context)
    if not (folder / "Dockerfile").is_file():
        raise fail(f"there is no Dockerfile in {folder}", hint=hint or "write it first")
    with engine_refusal(
        f"the Dockerfile in {folder} does not build",
        hint=hint or "build it yourself with docker build and read the error",
    ):
        steps = rebuild_experiment(folder, edit=edit)
    installs = [text for text in steps if _runs(text, step)]
    if not installs:
        raise fail(
            f"the Dockerfile in {folder} has no step that runs {step!r}",
            found="; ".join(steps),
            hint=hint or "the dependencies are installed by a RUN instruction",
        )
    if not steps[installs[0]]:
        raise fail(
            f"after editing {edit}, the rebuild ran {step!r} again instead of reusing the cache",
            found="; ".join(
                f"{text} ({'cached' if hit else 'ran'})" for text, hit in steps.items()
            ),
            hint=hint
            or "a changed file invalidates the step that copies it and every step after it: "
            "what could be copied before the install, and what after?",
        )
    copies_source = [
        text for text, hit in steps.items() if not hit and text.split()[0] in {"COPY", "ADD"}
    ]
    if not copies_source:
        raise fail(
            f"the rebuild did not pick up the edit of {edit}",
            hint=hint or "the source code must be copied into the image too",
        )
    passed(f"editing {edit} keeps {step!r} in the build cache")
    return steps


def _read_dockerfile(dockerfile: str | Path, hint: str) -> tuple[Path, list[Instruction]]:
    file = Path(dockerfile)
    if not file.is_file():
        raise fail(f"there is no Dockerfile at {file}", hint=hint or "write it first")
    try:
        return file, parse(file.read_text(encoding="utf-8"))
    except DockerfileError as error:
        raise fail(f"{file} is not a valid Dockerfile", found=str(error)) from None


def based_on(dockerfile: str | Path, ref: str, *, hint: str = "") -> str:
    """Check that the Dockerfile's final stage starts FROM ``ref`` (as the task names it).

    Two tags can name one image today (``nginx:latest`` and ``nginx:1.27``) and different
    ones tomorrow, so the image's layers cannot tell which the student wrote: the parsed
    FROM can. ``nginx:1.27`` equals ``docker.io/library/nginx:1.27``; a stage named with
    ``AS`` is followed back to its own FROM.

    Returns:
        The reference the final stage starts from.
    """
    file, instructions = _read_dockerfile(dockerfile, hint)
    stages: dict[str, str] = {}
    final = ""
    for instruction in instructions:
        if instruction.keyword != "FROM":
            continue
        words = instruction.value.split()
        final = stages.get(words[0].lower(), words[0])
        if len(words) == 3 and words[1].lower() == "as":
            stages[words[2].lower()] = final
    if normalize_image(final) != normalize_image(ref):
        raise fail(
            f"{file} does not start from the image the exercise names",
            found=f"FROM {final}",
            hint=hint or "a tag names one release of an image: which one does the task ask for?",
        )
    passed(f"{file} starts from {ref}")
    return final


def _runs(instruction: str, command: str) -> bool:
    """Whether ``instruction`` (one Dockerfile line, as a build step shows it) runs ``command``.

    The instruction is parsed: a RUN in shell or exec form, or a shell's ``-c`` script, runs
    ``npm install`` when those words follow one another in it (``npm install --omit=dev``,
    ``npm ci && npm install`` too).
    """
    try:
        parsed = parse(f"FROM scratch\n{instruction}")[1:]  # one line, in a build stage
    except DockerfileError:
        return False
    if len(parsed) != 1 or parsed[0].keyword != "RUN":
        return False
    tokens: list[str] = []
    for item in parsed[0].command():
        try:
            tokens += shlex.split(item)
        except ValueError:
            tokens += item.split()
    words = command.split()
    return any(tokens[i : i + len(words)] == words for i in range(len(tokens) - len(words) + 1))


def _brings(instruction_sources: list[str], path: str) -> bool:
    """Whether COPY/ADD sources (context paths, wildcards allowed) include ``path``."""
    for source in instruction_sources:
        folder = posixpath.normpath(source).strip("/")
        if folder == "." or fnmatch.fnmatch(path, folder) or path.startswith(folder + "/"):
            return True
    return False


def copied_before(
    dockerfile: str | Path, path: str, *, step: str = "npm install", hint: str = ""
) -> None:
    """Check that the Dockerfile copies ``path`` (from the context) before it runs ``step``.

    For a local dependency (``"greet": "file:./greet"``) the install step needs the folder:
    a COPY or ADD of it (or of a wildcard or folder that holds it) must come first.
    """
    file, instructions = _read_dockerfile(dockerfile, hint)
    copied = False
    for instruction in instructions:
        if instruction.keyword == "RUN" and _runs(instruction.original, step):
            if not copied:
                raise fail(
                    f"{file} runs {step!r} before it copies {path}",
                    found=f"line {instruction.line}: {instruction.original}",
                    hint=hint or f"{step} needs every file it installs from: copy them first",
                )
            passed(f"{file} copies {path} before it runs {step!r}")
            return
        if instruction.keyword in {"COPY", "ADD"} and "from" not in instruction.flags:
            copied = copied or _brings(instruction.arguments()[:-1], path)
    raise fail(
        f"{file} has no step that runs {step!r}",
        hint=hint or "the dependencies are installed by a RUN instruction",
    )


def pinned(dockerfile: str | Path, *, hint: str = "") -> list[str]:
    """Check that every FROM of a Dockerfile names a specific version.

    Returns:
        The base image references.
    """
    path = Path(dockerfile)
    if not path.is_file():
        raise fail(f"there is no Dockerfile at {path}", hint=hint or "write it first")
    try:
        bases = base_images(parse(path.read_text(encoding="utf-8")))
    except DockerfileError as error:
        raise fail(f"{path} is not a valid Dockerfile", found=str(error)) from None
    for ref in bases:
        if "@sha256:" in ref:
            continue
        last = ref.rsplit("/", 1)[-1]
        tag = last.partition(":")[2]
        if tag in MOVING_TAGS or not re.match(r"v?\d+\.\d+", tag):
            shown = tag or "(no tag: latest)"
            raise fail(
                f"the base image {ref} is not pinned",
                found=f"tag {shown}, which moves when a new release comes out",
                hint=hint
                or "a tag that starts with a version (major.minor or more) stays on that release",
            )
    passed("every base image names a version")
    return bases


def sizes(answers: Mapping[str, float], *, tolerance: float = 0.05, hint: str = "") -> None:
    """Check sizes (in MB, as ``docker images`` shows them) against the engine's.

    Args:
        answers: image reference -> size in MB the student read.
        tolerance: relative error allowed (rounding in the SIZE column).
        hint: replaces the default hint of the first failure.
    """
    for ref, answer in answers.items():
        info = _inspect(ref, hint)
        actual = int(info.get("Size") or 0) / 1_000_000
        if answer is None or abs(float(answer) - actual) > max(tolerance * actual, 0.6):
            raise fail(
                f"the size given for {ref} does not match what the engine reports",
                found=f"you wrote {answer} MB",
                hint=hint or "docker images shows SIZE in MB (1 MB = 1000 kB = 1,000,000 bytes)",
            )
    passed("the sizes match what the engine reports")


def smallest_of(refs: Iterable[str], *, answer: str | None, hint: str = "") -> str:
    """Check that ``answer`` is the smallest of ``refs`` by the engine's measured size.

    Returns:
        The smallest reference.
    """
    measured = {ref: int(_inspect(ref, hint).get("Size") or 0) for ref in refs}
    smallest = min(measured, key=measured.__getitem__)
    if not isinstance(answer, str) or normalize_image(answer) != normalize_image(smallest):
        raise fail(
            f"{answer!r} is not the smallest of {', '.join(measured)}",
            hint=hint or "compare the SIZE column of docker images",
        )
    passed(f"{smallest} is the smallest")
    return smallest


def under_size(
    refs: Iterable[str], limit_mb: float, *, answer: Iterable[str] | None, hint: str = ""
) -> None:
    """Check that ``answer`` names exactly those of ``refs`` under ``limit_mb`` MB.

    Sizes are the engine's (1 MB = 1,000,000 bytes), as ``docker images`` shows them.
    """
    measured = {ref: int(_inspect(ref, hint).get("Size") or 0) / 1_000_000 for ref in refs}
    expected = sorted(ref for ref, size in measured.items() if size < limit_mb)
    given = (
        sorted(normalize_image(str(ref)) for ref in answer)
        if isinstance(answer, list | tuple | set | frozenset)
        else None
    )
    if given != sorted(normalize_image(ref) for ref in expected):
        raise fail(
            f"the images under {limit_mb:g} MB are not {answer!r}",
            found=f"you named {answer!r}",
            hint=hint or "compare the SIZE column of docker images with the limit",
        )
    passed(f"{', '.join(expected) or 'none'} under {limit_mb:g} MB")
