"""``docker build`` on the sandbox: Docker's classic builder, step by step, with its cache.

Each instruction becomes an image whose parent is the previous step's image, exactly as
the classic builder does it, and the same output streams back (``Step 2/5 : WORKDIR /app``,
`` ---> Running in 0123abcd4567``, `` ---> Using cache``, ``Successfully built ...``).

The layer cache: a step is reused when an image already exists with the same parent and
the same instruction; for COPY/ADD the instruction includes a hash of the bytes copied
(``COPY file:<sha256> in ./``), so editing a source file breaks the cache at the step that
copies it, and every later step then runs again because its parent is new. Cache keys live
in the ``build_cache`` table next to the sandbox's images.

RUN runs its command in the sandbox shell over the stage's files (:mod:`.buildrun`), as any
sandbox container would, and the files it changed become the layer (``npm install`` creates
node_modules from package.json; an unknown program fails with exit code 127). COPY/ADD copy the real
files of the build context, minus what .dockerignore excludes, into the image's layer, so a
container from the image sees them (``docker run --rm web ls /app``).
"""

from __future__ import annotations

import copy
import io
import json
import os
import posixpath
import re
import shlex
import time
from collections.abc import Generator, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from grader.engine.errors import EngineError, InvalidArgument
from grader.engine.sandbox import health, refs
from grader.engine.sandbox.base import JSON, LABEL_KEY, LABEL_VALUE, SandboxBase
from grader.engine.sandbox.catalogue import FileEntry
from grader.engine.sandbox.clock import new_id, now_ns, rfc3339_ns
from grader.engine.sandbox.fs import image_layers
from grader.engine.sandbox.registry import check_name

if TYPE_CHECKING:
    # The Dockerfile modules (dockerfile-parse, tarfile ...) are imported when a build
    # runs, not when the sandbox loads: every ``docker`` command would pay for them.
    from grader.dockerfile.context import BuildContext, Source
    from grader.dockerfile.instructions import Instruction

CACHE_SCHEMA = """
CREATE TABLE IF NOT EXISTS build_cache(key TEXT PRIMARY KEY, image_id TEXT NOT NULL);
"""

ARCHIVE_SUFFIXES = (".tar", ".tar.gz", ".tgz", ".tar.bz2", ".tbz2", ".tar.xz", ".txz")
"""Local files ADD unpacks instead of copying (COPY never does)."""

_VARIABLE = re.compile(
    r"\$(?:\{(?P<braced>[A-Za-z_]\w*)(?::-(?P<default>[^}]*))?\}|(?P<bare>[A-Za-z_]\w*))"
)


class BuildFailed(Exception):
    """A step failed; the message is what the classic builder reports."""

    def __init__(self, message: str, code: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.code = code


@dataclass
class _Stage:
    """What the builder knows while running one stage (one FROM and what follows)."""

    image_id: str
    doc: JSON
    files: dict[str, FileEntry]
    args: dict[str, str] = field(default_factory=dict)
    cmd_set: bool = False
    buildkit: bool = False
    """Built with BuildKit's rules (the Engine API's ``version=2``), not the classic ones."""

    @property
    def config(self) -> JSON:
        return self.doc["Config"]

    @property
    def workdir(self) -> str:
        return self.config.get("WorkingDir") or "/"

    def env(self) -> dict[str, str]:
        pairs = (item.partition("=") for item in self.config.get("Env") or [])
        return {**self.args, **{key: value for key, _, value in pairs}}


@dataclass
class _Layer:
    """The result of one step before it is committed."""

    created_by: str
    config: JSON
    changes: dict[str, FileEntry] = field(default_factory=dict)
    removed: set[str] = field(default_factory=set)
    runs_container: bool = True
    failure: BuildFailed | None = None
    """Set when the step's command fails: its output is shown, then this error."""

    @property
    def size(self) -> int:
        return sum(len(data) for kind, _, data in self.changes.values() if kind == "f")

    @property
    def empty(self) -> bool:
        return not self.changes and not self.removed


class BuildMixin(SandboxBase):
    """``POST /build``: the classic builder over the sandbox's image store."""

    def build(
        self,
        path: str,
        tag: str | list[str] | None = None,
        dockerfile: str | None = None,
        nocache: bool = False,
        buildargs: dict[str, str] | None = None,
        labels: dict[str, str] | None = None,
        version: str = "1",
    ) -> Iterator[JSON]:
        """Build an image from the context folder ``path``; stream the builder's output.

        Errors found before the first step (missing context or Dockerfile, a Dockerfile that
        does not parse, an invalid tag) are raised as :class:`InvalidArgument`; a failing
        step ends the stream with an ``{"error": ...}`` item, as the daemon does.

        Args:
            path: the build context folder.
            tag: one ``name:tag`` or a list of them.
            dockerfile: the Dockerfile, absolute or relative to the context.
            nocache: run every step even when the cache has it.
            buildargs: values for ``ARG`` instructions.
            labels: labels added to the final image, each as an extra LABEL step (the
                classic builder's way); the course label ``course=docker-k8s`` is always
                applied too, without a step.
            version: the Engine API's builder version: "1" the classic builder, "2"
                BuildKit's rules where they differ (``COPY a b dest`` copies into the
                folder ``dest``). The stream is the classic one either way.
        """
        from grader.dockerfile.context import BuildContext, client_side_error, dockerfile_path
        from grader.dockerfile.instructions import DockerfileError, Instruction, parse

        problem = client_side_error(path, dockerfile)
        if problem:
            raise InvalidArgument(problem)
        target = dockerfile_path(path, dockerfile)
        try:
            instructions = parse(target.read_text(encoding="utf-8"), dockerfile or "Dockerfile")
        except DockerfileError as error:
            raise InvalidArgument(str(error)) from error
        tags = [tag] if isinstance(tag, str) else list(tag or [])
        for item in tags:
            check_name(item)
        names = [refs.parse(item) for item in tags]
        # The classic builder adds one ``LABEL key=value`` step per build label, in key
        # order, to the last stage. The course's own label is applied without a step: the
        # student never wrote it (BuildKit applies every build label that way).
        for key, value in sorted((labels or {}).items()):
            if key == LABEL_KEY:
                continue
            pair = f"{key}={value}"
            instructions.append(Instruction("LABEL", shlex.quote(pair), 0, f"LABEL {pair}"))
        self.store.ensure(CACHE_SCHEMA)
        context = BuildContext(Path(path))
        buildkit = version == "2"
        return self._build_steps(
            context, instructions, names, nocache, dict(buildargs or {}), buildkit
        )

    # -- the step loop ----------------------------------------------------------------
    def _build_steps(
        self,
        context: BuildContext,
        instructions: list[Instruction],
        names: list[refs.Reference],
        nocache: bool,
        buildargs: dict[str, str],
        buildkit: bool = False,
    ) -> Iterator[JSON]:
        total = len(instructions)
        stage: _Stage | None = None
        stages: dict[str, _Stage] = {}
        global_args: dict[str, str] = {}
        used_args: set[str] = set()
        for number, instruction in enumerate(instructions, start=1):
            yield {"stream": f"Step {number}/{total} : {instruction.original}"}
            yield {"stream": "\n"}
            try:
                if instruction.keyword == "FROM":
                    stage = yield from self._from(instruction, global_args, stages)
                    stage.buildkit = buildkit
                    yield {"stream": f" ---> {_short(stage.image_id)}\n"}
                    continue
                if stage is None:
                    name, _, default = instruction.value.partition("=")
                    global_args[name] = buildargs.get(name, default)
                    used_args.add(name)
                    continue
                if instruction.keyword == "ARG":
                    name, _, default = instruction.value.partition("=")
                    stage.args[name] = buildargs.get(name, global_args.get(name, default))
                    used_args.add(name)
                layer, output = self._step(context, stage, instruction, stages)
                yield from self._commit_step(stage, layer, output, nocache)
            except BuildFailed as failure:
                detail: JSON = {"message": failure.message}
                if failure.code is not None:
                    detail["code"] = failure.code
                yield {"errorDetail": detail, "error": failure.message}
                return
        assert stage is not None
        unused = sorted(set(buildargs) - used_args)
        if unused:
            listed = " ".join(unused)
            yield {"stream": f"[Warning] One or more build-args [{listed}] were not consumed\n"}
        self._label_silently(stage)
        self._finish(stage.image_id, names)
        yield {"aux": {"ID": stage.image_id}}
        yield {"stream": f"Successfully built {_short(stage.image_id)}\n"}
        for reference in names:
            yield {"stream": f"Successfully tagged {reference.name}\n"}

    def _from(
        self, instruction: Instruction, global_args: dict[str, str], stages: dict[str, _Stage]
    ) -> Generator[JSON, None, _Stage]:
        """Start a stage at ``FROM``, pulling its image when needed; returns the stage."""
        words = _expand(instruction.value, global_args).split()
        ref = words[0]
        alias = words[2].lower() if len(words) >= 3 and words[1].lower() == "as" else None
        if ref.lower() in stages:
            source = stages[ref.lower()]
            stage = _Stage(source.image_id, copy.deepcopy(source.doc), dict(source.files))
        else:
            found = self._find_image(ref)
            if found is None:
                try:
                    parsed = refs.parse(ref)
                    yield from self.pull(parsed.repo, parsed.tag)
                except EngineError as error:
                    raise BuildFailed(error.explanation) from error
                found = self._image(ref)
            image_id, doc = found
            stage = _Stage(image_id, doc, self._image_tree(image_id, doc))
        if alias:
            stages[alias] = stage
        return stage

    def _step(
        self,
        context: BuildContext,
        stage: _Stage,
        instruction: Instruction,
        stages: dict[str, _Stage],
    ) -> tuple[_Layer, list[str]]:
        """Work out one non-FROM step: its layer (not yet committed) and its output."""
        keyword = instruction.keyword
        config = copy.deepcopy(stage.config)
        env = stage.env()
        value = instruction.value
        if keyword in {"COPY", "ADD"}:
            return self._copy(context, stage, instruction, config, stages), []
        if keyword == "RUN":
            from grader.engine.sandbox.buildrun import run_step

            command = instruction.command()
            result = run_step(command, stage.files, stage.config, stage.args)
            layer = _Layer(" ".join(command), config, result.changes, result.removed)
            if result.exit_code != 0:
                shown = json.dumps(command) if instruction.exec_form else " ".join(command)
                layer.failure = BuildFailed(
                    f"The command '{shown}' returned a non-zero code: {result.exit_code}",
                    result.exit_code,
                )
            return layer, result.output
        if keyword == "WORKDIR":
            workdir = posixpath.normpath(posixpath.join(stage.workdir, _expand(value, env)))
            config["WorkingDir"] = workdir
            layer = _Layer(f"/bin/sh -c #(nop) WORKDIR {workdir}", config)
            if workdir not in stage.files:
                layer.changes = _folders(workdir, stage.files)
            return layer, []
        text = self._metadata(keyword, instruction, config, stage, env)
        return _Layer(f"/bin/sh -c #(nop)  {text}", config), []

    def _metadata(
        self, keyword: str, instruction: Instruction, config: JSON, stage: _Stage, env: JSON
    ) -> str:
        """Apply a metadata-only instruction to ``config``; return its history text."""
        value = instruction.value
        if keyword in {"CMD", "ENTRYPOINT"}:
            command = instruction.command()
            if keyword == "CMD":
                config["Cmd"] = command
                stage.cmd_set = True
            else:
                config["Entrypoint"] = command
                if not stage.cmd_set:
                    config["Cmd"] = None
            return f"{keyword} [{' '.join(json.dumps(word) for word in command)}]"
        if keyword in {"ENV", "LABEL"}:
            pairs = [(key, _expand(val, env)) for key, val in instruction.pairs()]
            if keyword == "ENV":
                current = dict(item.partition("=")[::2] for item in config.get("Env") or [])
                current.update(pairs)
                config["Env"] = [f"{key}={val}" for key, val in current.items()]
            else:
                config["Labels"] = {**(config.get("Labels") or {}), **dict(pairs)}
            return f"{keyword} " + " ".join(f"{key}={val}" for key, val in pairs)
        if keyword == "EXPOSE":
            ports = sorted(_expand(value, env).split())
            exposed = dict(config.get("ExposedPorts") or {})
            for port in ports:
                exposed[port if "/" in port else f"{port}/tcp"] = {}
            config["ExposedPorts"] = exposed
            return "EXPOSE " + " ".join(ports)
        if keyword == "USER":
            config["User"] = _expand(value, env)
        elif keyword == "VOLUME":
            volumes = dict(config.get("Volumes") or {})
            volumes.update({path: {} for path in instruction.arguments()})
            config["Volumes"] = volumes
        elif keyword == "STOPSIGNAL":
            config["StopSignal"] = value
        elif keyword == "SHELL":
            config["Shell"] = instruction.command()
        elif keyword == "ONBUILD":
            config["OnBuild"] = [*(config.get("OnBuild") or []), value]
        elif keyword == "HEALTHCHECK":
            config["Healthcheck"] = health.from_dockerfile(value)
        return f"{keyword} {value}"

    def _copy(
        self,
        context: BuildContext,
        stage: _Stage,
        instruction: Instruction,
        config: JSON,
        stages: dict[str, _Stage],
    ) -> _Layer:
        keyword = instruction.keyword
        words = [_expand(word, stage.env()) for word in instruction.arguments()]
        raw_sources, dest = words[:-1], words[-1]
        changes: dict[str, FileEntry] = {}
        origin = instruction.flags.get("from")
        if origin is not None:
            sources_text = self._copy_from_stage(origin, raw_sources, dest, stage, stages, changes)
            digest = _sha256(sources_text.encode())
            created_by = f"/bin/sh -c #(nop) {keyword} multi:{digest} in {dest} "
            return _Layer(created_by, config, changes, runs_container=False)
        if keyword == "ADD" and any(re.match(r"^https?://", word) for word in raw_sources):
            url = next(word for word in raw_sources if re.match(r"^https?://", word))
            host = re.sub(r"^https?://([^/:]+).*$", r"\1", url)
            raise BuildFailed(
                f'ADD failed: Get "{url}": dial tcp: lookup {host}: no such host '
                "(the course's machines have no internet access)"
            )
        from grader.dockerfile.context import ContextError

        try:
            sources = context.select(keyword, raw_sources)
        except ContextError as error:
            raise BuildFailed(str(error)) from error
        if len(sources) > 1 and not dest.endswith("/") and not stage.buildkit:
            raise BuildFailed(
                f"When using {keyword} with more than one source file, "
                "the destination must be a directory and end with a /"
            )
        target = posixpath.normpath(posixpath.join(stage.workdir, dest))
        into_folder = (
            dest.endswith("/")
            or stage.files.get(target, ("",))[0] == "d"
            or (stage.buildkit and len(sources) > 1)
        )
        for source in sources:
            self._copy_source(context, keyword, source, target, into_folder, stage, changes)
        created_by = f"/bin/sh -c #(nop) {keyword} {context.content_hash(sources)} in {dest} "
        return _Layer(created_by, config, changes, runs_container=False)

    def _copy_source(
        self,
        context: BuildContext,
        keyword: str,
        source: Source,
        target: str,
        into_folder: bool,
        stage: _Stage,
        changes: dict[str, FileEntry],
    ) -> None:
        def put(path: str, entry: FileEntry) -> None:
            changes.update(_folders(posixpath.dirname(path), {**stage.files, **changes}))
            changes[path] = entry

        if source.is_dir:
            changes.update(_folders(target, stage.files))
            base = "" if source.relative == "." else source.relative + "/"
            for name in sorted(context.sent):
                relative = name[len(base) :].rstrip("/")
                if name.startswith(base) and name.endswith("/") and relative:
                    put(posixpath.join(target, relative), ("d", 0o755, b""))
            for name in context.files_under(source):
                put(posixpath.join(target, name[len(base) :]), _context_entry(context, name))
            return
        if keyword == "ADD" and source.relative.endswith(ARCHIVE_SUFFIXES):
            for path, entry in _unpack(context.read(source.relative), target):
                put(path, entry)
            return
        name = posixpath.basename(source.relative)
        path = posixpath.join(target, name) if into_folder else target
        put(path, _context_entry(context, source.relative))

    def _copy_from_stage(
        self,
        origin: str,
        raw_sources: list[str],
        dest: str,
        stage: _Stage,
        stages: dict[str, _Stage],
        changes: dict[str, FileEntry],
    ) -> str:
        """COPY --from=<stage or image>: copy files out of another image's filesystem."""
        if origin.lower() in stages:
            files = stages[origin.lower()].files
        else:
            found = self._find_image(origin)
            if found is None:
                raise BuildFailed(f"invalid from flag value {origin}: No such image: {origin}")
            files = self._image_tree(*found)
        target = posixpath.normpath(posixpath.join(stage.workdir, dest))
        described = []
        for raw in raw_sources:
            source = posixpath.normpath(posixpath.join("/", raw))
            if source not in files:
                raise BuildFailed(f"COPY failed: stat {source}: file does not exist")
            kind = files[source][0]
            for path, entry in files.items():
                if path == source or path.startswith(source.rstrip("/") + "/"):
                    relative = path[len(source) :].lstrip("/")
                    if kind == "d":
                        out = posixpath.join(target, relative) if relative else target
                    elif dest.endswith("/"):
                        out = posixpath.join(target, posixpath.basename(source))
                    else:
                        out = target
                    changes.update(_folders(posixpath.dirname(out), stage.files))
                    changes[out] = entry
                    described.append(f"{out}:{_sha256(entry[2])}")
        return "\n".join(described)

    # -- committing and the cache -------------------------------------------------------
    def _commit_step(
        self, stage: _Stage, layer: _Layer, output: list[str], nocache: bool
    ) -> Iterator[JSON]:
        key = _cache_key(stage.image_id, layer)
        cached = None if nocache or layer.failure else self._cached(key)
        if cached is not None:
            image_id, doc = cached
            yield {"stream": " ---> Using cache\n"}
        else:
            container = new_id()
            if layer.runs_container:
                yield {"stream": f" ---> Running in {container[:12]}\n"}
            for line in output:
                yield {"stream": line}
            if layer.failure is not None:
                raise layer.failure
            image_id, doc = self._commit_layer(stage, layer, key, container)
            if layer.runs_container:
                yield {"stream": f"Removing intermediate container {container[:12]}\n"}
        for path in layer.removed:
            stage.files.pop(path, None)
        stage.files.update(layer.changes)
        stage.image_id, stage.doc = image_id, doc
        yield {"stream": f" ---> {_short(image_id)}\n"}

    def _label_silently(self, stage: _Stage) -> None:
        """Give the final image the course label, as a child image with no history entry."""
        labels = stage.config.get("Labels") or {}
        if labels.get(LABEL_KEY) == LABEL_VALUE:
            return
        config = copy.deepcopy(stage.config)
        config["Labels"] = {**labels, LABEL_KEY: LABEL_VALUE}
        layer = _Layer(f"LABEL {LABEL_KEY}={LABEL_VALUE}", config, runs_container=False)
        key = _cache_key(stage.image_id, layer)
        found = self._cached(key)
        if found is None:
            found = self._commit_layer(stage, layer, key, new_id(), history=False)
        stage.image_id, stage.doc = found

    def prune_builds(
        self,
        filters: JSON | None = None,
        keep_storage: int | None = None,
        all: bool | None = None,  # noqa: A002
    ) -> JSON:
        """``POST /build/prune``: forget the build cache (the next build runs every step).

        The cache's images stay (as dockerd's classic builder keeps its intermediate
        images), so no space is reclaimed; each record's id is derived from its key.
        """
        import hashlib

        del filters, keep_storage, all  # no build runs between two: every record goes
        self.store.ensure(CACHE_SCHEMA)
        with self.store.write() as db:
            keys = [key for (key,) in db.execute("SELECT key FROM build_cache ORDER BY key")]
            db.execute("DELETE FROM build_cache")
        deleted = [hashlib.sha256(key.encode()).hexdigest()[:25] for key in keys]
        return {"CachesDeleted": deleted or None, "SpaceReclaimed": 0}

    def _cached(self, key: str) -> tuple[str, JSON] | None:
        row = self.store.db.execute(
            "SELECT images.id, images.doc FROM build_cache JOIN images "
            "ON images.id = build_cache.image_id WHERE build_cache.key = ?",
            (key,),
        ).fetchone()
        return (row[0], json.loads(row[1])) if row else None

    def _commit_layer(
        self, stage: _Stage, layer: _Layer, key: str, container: str, history: bool = True
    ) -> tuple[str, JSON]:
        created_ns = now_ns()
        image_id = "sha256:" + _sha256(f"{key}\n{created_ns}".encode())
        parent = stage.doc
        steps = [dict(step) for step in parent.get("_history", [])]
        if steps and history:
            steps[-1]["id"] = stage.image_id
        if history:
            steps.append(
                {
                    "created": rfc3339_ns(created_ns),
                    "created_by": layer.created_by,
                    "size": layer.size,
                    **({"empty_layer": True} if layer.empty else {}),
                }
            )
        layers = list(parent["RootFS"]["Layers"])
        if not layer.empty:
            layers.append("sha256:" + _sha256(f"diff\n{key}".encode()))
        container_config = copy.deepcopy(layer.config)
        container_config["Cmd"] = ["/bin/sh", "-c", layer.created_by.removeprefix("/bin/sh -c ")]
        doc: JSON = {
            "Parent": stage.image_id,
            "Comment": "",
            "Created": rfc3339_ns(created_ns),
            "Container": container,
            "ContainerConfig": container_config,
            "DockerVersion": "20.10.24+dfsg1",
            "Author": parent.get("Author", ""),
            "Config": layer.config,
            "Architecture": parent.get("Architecture", "amd64"),
            "Os": parent.get("Os", "linux"),
            "Size": parent["Size"] + layer.size,
            "VirtualSize": parent["Size"] + layer.size,
            "GraphDriver": parent.get("GraphDriver", {"Data": None, "Name": "overlay2"}),
            "RootFS": {"Type": "layers", "Layers": layers},
            "Metadata": {"LastTagTime": "0001-01-01T00:00:00Z"},
            "_fs": parent.get("_fs"),
            "_history": steps,
            "_child_only": True,
        }
        mtime = time.time()
        rows = [
            (image_id, path, kind, mode, data, mtime)
            for path, (kind, mode, data) in sorted(layer.changes.items())
        ]
        rows += [(image_id, path, "w", 0, b"", mtime) for path in sorted(layer.removed)]
        with self.store.write() as db:
            db.execute(
                "INSERT INTO images(id, doc, created) VALUES (?, ?, ?)",
                (image_id, json.dumps(doc), mtime),
            )
            db.executemany(
                "INSERT INTO image_files(image_id, path, kind, mode, data, mtime) "
                "VALUES (?, ?, ?, ?, ?, ?)",
                rows,
            )
            db.execute(
                "INSERT OR REPLACE INTO build_cache(key, image_id) VALUES (?, ?)", (key, image_id)
            )
        return image_id, doc

    def _finish(self, image_id: str, names: list[refs.Reference]) -> None:
        """Show the final image in ``docker images`` and give it its tags."""
        with self.store.write() as db:
            db.execute(
                "UPDATE images SET doc = json_remove(doc, '$._child_only') WHERE id = ?",
                (image_id,),
            )
        for name in names:
            self.tag(image_id, name.repo, name.tag)

    def _image_tree(self, image_id: str, doc: JSON) -> dict[str, FileEntry]:
        """An image's whole filesystem: its catalogue base plus every layer above it."""
        return {
            path: (kind, mode, data)
            for path, (kind, mode, data, _) in image_layers(self.store, doc, image_id).items()
        }


def _cache_key(parent_id: str, layer: _Layer) -> str:
    """The classic builder's cache identity: parent image + instruction + resulting config."""
    text = json.dumps([parent_id, layer.created_by, layer.config], sort_keys=True)
    return _sha256(text.encode())


def _sha256(data: bytes) -> str:
    """The hex SHA-256 of ``data`` (hashlib loads OpenSSL: imported when a build runs)."""
    import hashlib

    return hashlib.sha256(data).hexdigest()


def _short(image_id: str) -> str:
    return image_id.removeprefix("sha256:")[:12]


def _expand(text: str, env: dict[str, str]) -> str:
    """Substitute ``$VAR``, ``${VAR}`` and ``${VAR:-default}`` as the Dockerfile does."""

    def replace(match: re.Match[str]) -> str:
        name = match.group("braced") or match.group("bare")
        default = match.group("default")
        value = env.get(name, "")
        return value if value or default is None else default

    return _VARIABLE.sub(replace, text)


def _folders(path: str, existing: dict[str, FileEntry]) -> dict[str, FileEntry]:
    """Folder entries for ``path`` and its parents that do not exist yet."""
    made: dict[str, FileEntry] = {}
    current = ""
    for part in [p for p in path.split("/") if p]:
        current += "/" + part
        if current not in existing:
            made[current] = ("d", 0o755, b"")
    return made


def _context_entry(context: BuildContext, relative: str) -> FileEntry:
    path = context.root / relative
    if path.is_symlink():
        return ("l", 0o777, os.readlink(path).encode())
    mode = 0o755 if os.access(path, os.X_OK) else 0o644
    return ("f", mode, path.read_bytes())


def _unpack(data: bytes, target: str) -> list[tuple[str, FileEntry]]:
    """The members of a tar archive ADD unpacks into ``target``."""
    import tarfile

    entries: list[tuple[str, FileEntry]] = []
    with tarfile.open(fileobj=io.BytesIO(data), mode="r:*") as archive:
        for member in archive.getmembers():
            path = posixpath.normpath(posixpath.join(target, member.name.lstrip("/")))
            if member.isdir():
                entries.append((path, ("d", member.mode & 0o7777, b"")))
            elif member.issym():
                entries.append((path, ("l", 0o777, member.linkname.encode())))
            elif member.isfile():
                extracted = archive.extractfile(member)
                content = extracted.read() if extracted else b""
                entries.append((path, ("f", member.mode & 0o7777, content)))
    return entries
