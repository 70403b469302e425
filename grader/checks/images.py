"""Checks about images: a reference exists (or not), two references name the same image."""

from __future__ import annotations

from grader.checks.failure import fail
from grader.checks.progress import Evidence, passed, settle_absence
from grader.checks.refs import normalize_image
from grader.checks.state import engine
from grader.engine.api import JSON
from grader.engine.errors import EngineError, NotFound


def _local_tags(repository: str) -> str:
    api = engine()
    try:
        listed = api.images()
    except EngineError:
        return "could not list images"
    tags = sorted(
        tag
        for item in listed
        if isinstance(item, dict)
        for tag in item.get("RepoTags") or []
        if tag.rsplit(":", 1)[0] == repository
    )
    return ", ".join(tags) if tags else f"no image of repository {repository}"


def image(
    ref: str, *, exists: bool = True, same_as: str | None = None, hint: str = ""
) -> JSON | None:
    """Check an image reference on the engine.

    Args:
        ref: "website:1.0.0" ("nginx" means "nginx:latest").
        exists: False checks that the reference is gone (``docker rmi``).
        same_as: another reference that must name the very same image (same id), as
            ``docker tag`` makes.
        hint: replaces the default hint of the first failure.

    Returns:
        The image's inspect JSON, or None when it must not exist.
    """
    api = engine()
    ref = normalize_image(ref)
    repository = ref.rsplit(":", 1)[0]
    try:
        info = api.inspect_image(ref)
    except NotFound:
        info = None
    except EngineError as error:
        raise fail(f"the engine refused to inspect {ref}", found=error.explanation) from None
    if settle_absence(
        info,
        exists,
        gone=f"{ref} is gone",
        still=lambda: fail(
            f"the image {ref} still exists",
            found=f"{ref} has id {str((info or {}).get('Id', ''))[7:19]}",
            hint=hint or "docker rmi removes a tag, and the image with its last tag",
        ),
        missing=lambda: fail(
            f"there is no image {ref}",
            found=_local_tags(repository),
            hint=hint or "docker images lists the local images and their tags",
        ),
    ):
        return None
    if same_as is not None:
        other_ref = normalize_image(same_as)
        try:
            other = api.inspect_image(other_ref)
        except EngineError:
            raise fail(f"there is no image {other_ref}", found=_local_tags(other_ref)) from None
        if other.get("Id") != info.get("Id"):
            raise fail(
                f"{ref} and {other_ref} are different images",
                found=f"{ref}: {str(info.get('Id', ''))[7:19]}\n"
                f"{other_ref}: {str(other.get('Id', ''))[7:19]}",
                hint=hint or "docker tag gives an existing image one more name",
            )
        passed(f"{ref} and {other_ref} are the same image")
    else:
        passed(f"image {ref} exists")
    return Evidence(info)
