"""Checks about registries: tags pushed, from which image, and the rmi + pull round trip.

A tag must be in the registry, pushed from the right local image, and a ``docker rmi`` +
``docker pull`` round trip must give back the very same image.

A registry outlives a notebook run: it may still hold a tag pushed by an earlier run (or
another user of the same daemon). ``pushed_in`` therefore also asks for the student's own
successful ``docker push`` of that reference in the history, after the exercise started.

The course's registry listens on ``127.0.0.1:5000``: Debian's ``docker-registry`` next to a
real daemon, the sandbox's embedded registry otherwise. Its content is read the way any
client reads a registry, ``GET /v2/<name>/tags/list``, through the Engine API's
``registry_tags`` (the sandbox answers from its embedded registry: its HTTP server may not
own the port when a real registry runs on the same machine).
"""

from __future__ import annotations

from grader.checks.failure import engine_refusal, fail, missing
from grader.checks.progress import passed
from grader.checks.refs import normalize_image
from grader.checks.routes import attempts
from grader.checks.state import engine
from grader.engine.errors import NotFound, RegistryUnreachable
from grader.engine.registry_http import REGISTRY


def list_tags(repository: str, host: str = REGISTRY) -> list[str] | None:
    """The tags of ``repository`` in the registry at ``host``; None when it has none.

    For demonstration cells (``print(list_tags("website"))``).

    Raises:
        RegistryUnreachable: nothing answers at ``host``.
    """
    return engine().registry_tags(repository, host)


def list_repositories(host: str = REGISTRY) -> list[str]:
    """The repositories in the registry at ``host`` (``GET /v2/_catalog``), for demonstrations.

    Raises:
        RegistryUnreachable: nothing answers at ``host``.
    """
    return engine().registry_catalog(host)


def _split(ref: str) -> tuple[str, str, str]:
    """``127.0.0.1:5000/website:1`` -> (host, "website", "1")."""
    host, _, rest = ref.partition("/")
    name, _, tag = rest.rpartition(":") if ":" in rest else (rest, "", "latest")
    return host, name, tag or "latest"


def _repository(ref: str) -> str:
    """``127.0.0.1:5000/website:1`` -> ``127.0.0.1:5000/website`` (tag dropped)."""
    normalized = normalize_image(ref)
    head, _, last = normalized.rpartition("/")
    name = last.partition("@")[0].partition(":")[0]
    return f"{head}/{name}" if head else name


def _pushes(ref: str, exercise: str) -> bool:
    """Whether the student pushed ``ref`` successfully since ``exercise`` started.

    ``docker push --all-tags REPO`` counts for every tag of ``REPO``.
    """
    wanted = normalize_image(ref)
    for attempt in attempts(exercise):
        command = attempt.command
        if command is None or command.name != "image push" or attempt.entry.exit_code != 0:
            continue
        for arg in command.args:
            if command.options.get("all-tags"):
                if _repository(arg) == _repository(wanted):
                    return True
            elif normalize_image(arg) == wanted:
                return True
    return False


def registry_tag(
    ref: str, *, same_as: str | None = None, pushed_in: str | None = None, hint: str = ""
) -> list[str]:
    """Check that the registry holds ``ref`` (``127.0.0.1:5000/website:1``).

    Args:
        ref: the full reference, registry host first.
        same_as: a local image (``website:1``) the pushed tag must have been pushed from.
        pushed_in: an exercise (``check.reset(exercise)``); the student must also have
            pushed ``ref`` successfully since it started, so a tag left in the registry by
            an earlier run does not count.
        hint: replaces the default hint of the first failure.

    Returns:
        Every tag of the repository in the registry.
    """
    host, name, tag = _split(ref)
    try:
        tags = engine().registry_tags(name, host)
    except RegistryUnreachable as error:
        raise fail(
            f"no registry answers at {host}",
            found=str(error),
            hint=hint or "the course's registry runs at 127.0.0.1:5000; ask for help if it is down",
        ) from None
    if not tags or tag not in tags:
        found = f"{name} has tags {', '.join(tags)}" if tags else f"no repository {name} yet"
        raise fail(
            f"the registry at {host} has no {name}:{tag}",
            expected=f"{name}:{tag} listed by GET /v2/{name}/tags/list",
            found=found,
            hint=hint
            or "a push sends an image under a name that starts with the registry's address; "
            "docker images shows which names you have",
        )
    if pushed_in is not None and not _pushes(ref, pushed_in):
        raise fail(
            f"the registry holds {name}:{tag}, but you have not pushed it in this exercise",
            expected=f"a successful docker push {ref}",
            found="the tag was already in the registry (pushed earlier or by someone else)",
            hint=hint or "run your push in the answer cell; a push of an unchanged image is quick",
        )
    if same_as is not None:
        _pushed_from(ref, host, name, same_as, hint)
    passed(f"the registry at {host} holds {name}:{tag}")
    return tags


def _pushed_from(ref: str, host: str, name: str, local: str, hint: str) -> None:
    """The local image ``local`` carries the digest of ``host/name`` (Docker adds it on push)."""
    api = engine()
    with missing(
        f"there is no local image {local} to compare with", hint=hint or "build or tag it first"
    ):
        info = api.inspect_image(local)
    digests = [d for d in info.get("RepoDigests") or [] if d.startswith(f"{host}/{name}@")]
    try:
        pushed = api.inspect_image(ref)
    except NotFound:
        pushed = None
    if not digests and (pushed is None or pushed.get("Id") != info.get("Id")):
        raise fail(
            f"{ref} in the registry was not pushed from {local}",
            expected=f"the image {local} (id {str(info.get('Id'))[7:19]}) pushed as {ref}",
            found="the local image has no digest from that repository",
            hint=hint or "docker tag gives an image a second name; then push that name",
        )


def round_trip(ref: str, *, pushed_in: str | None = None, hint: str = "") -> str:
    """Remove ``ref`` locally, pull it back from its registry, and compare image ids.

    An image's id is the digest of its configuration, so a faithful registry gives back
    exactly the image that was pushed.

    Args:
        ref: the full reference, registry host first.
        pushed_in: as for :func:`registry_tag`: the exercise since whose start the student
            must have pushed ``ref``.
        hint: replaces the default hint of the first failure.

    Returns:
        The image id.
    """
    api = engine()
    with missing(
        f"there is no local image {ref}",
        hint=hint or "the round trip starts from an image tagged with the registry's name",
    ):
        before = api.inspect_image(ref)["Id"]
    registry_tag(ref, pushed_in=pushed_in, hint=hint)
    with engine_refusal(
        f"removing and pulling {ref} back failed",
        hint=hint or "docker pull needs the registry to be reachable",
    ):
        api.remove_image(ref)
        for _ in api.pull(*_repo_tag(ref)):
            pass
        after = api.inspect_image(ref)["Id"]
    if after != before:
        raise fail(
            f"pulling {ref} back gave a different image",
            expected=f"image id {before[7:19]}",
            found=f"image id {after[7:19]}",
            hint=hint or "was the tag pushed again from another image after your push?",
        )
    passed(f"{ref} survives docker rmi + docker pull with the same image id {before[7:19]}")
    return after


def _repo_tag(ref: str) -> tuple[str, str]:
    host, name, tag = _split(ref)
    return f"{host}/{name}", tag
