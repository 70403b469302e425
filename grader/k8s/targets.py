"""What a kubectl command line points at: its namespace, resources and label selector.

``pods``, ``pods web``, ``deploy/web``, ``pods,svc`` name resources; ``-n`` the namespace;
``-l`` a label selector. Every command module reads its targets through these helpers, so
they all resolve names and refuse unknown types with the same words.
"""

from __future__ import annotations

from typing import Any

from grader.k8s import selectors
from grader.k8s.cluster import Cluster
from grader.k8s.grammar import Invocation, KubectlError
from grader.k8s.kinds import ALL_KINDS, BY_KIND, Kind, lookup

Obj = dict[str, Any]
NO_NAME = "error: resource(s) were provided, but no name was specified"
RESOURCE_LIST = (
    "error: You must provide one or more resources by argument or filename.\n"
    "Example resource specifications include:\n   '-f rsrc.yaml'\n   '--filename=rsrc.json'\n"
    "   '<resource> <name>'\n   '<resource>'"
)


def namespace(inv: Invocation) -> str:
    """The namespace the command works in (``-n``, else ``default``)."""
    return inv.options["namespace"] or "default"


def kind_of(word: str) -> Kind:
    """The resource type ``word`` names, or the server's refusal of an unknown type."""
    kind = lookup(word)
    if kind is None:
        raise KubectlError(f'error: the server doesn\'t have a resource type "{word}"')
    return kind


def split_resources(args: list[str]) -> list[tuple[Kind, str | None]]:
    """``pods``, ``pods web``, ``deploy/web``, ``pods,svc`` -> [(kind, name or None)]."""
    pairs: list[tuple[Kind, str | None]] = []
    if any("/" in word for word in args) and not all("/" in word for word in args):
        raise KubectlError(
            "error: there is no need to specify a resource type as a separate argument when "
            "passing arguments in resource/name form (e.g. 'kubectl get resource/<resource_name>' "
            "instead of 'kubectl get resource resource/<resource_name>'"
        )
    if args and "/" in args[0]:
        for word in args:
            type_word, _, name = word.partition("/")
            pairs.append((kind_of(type_word), name))
        return pairs
    if not args:
        return pairs
    kinds: list[Kind] = []
    for type_word in args[0].split(","):
        if type_word == "all":
            kinds += [BY_KIND[k] for k in ALL_KINDS]
        else:
            kinds.append(kind_of(type_word))
    names = args[1:]
    if not names:
        return [(k, None) for k in kinds]
    return [(k, n) for k in kinds for n in names]


def selector(text: str) -> selectors.Selector:
    """The parsed ``-l`` selector, or kubectl's error."""
    try:
        return selectors.parse(text)
    except selectors.SelectorError as err:
        raise KubectlError(f"error: {err}") from None


def select(cluster: Cluster, kind: Kind, ns: str | None, chosen: selectors.Selector) -> list[Obj]:
    """The objects of ``kind`` in ``ns`` (``None``: every namespace) that ``chosen`` matches."""
    return [o for o in cluster.list(kind.kind, ns) if chosen.matches(o["metadata"].get("labels"))]


def objects(
    inv: Invocation, cluster: Cluster, words: list[str], allow_all: bool = True
) -> list[Obj]:
    """The existing objects ``words`` (TYPE NAME..., TYPE/NAME...) plus ``-l``/``--all`` name.

    Raises the API server's NotFound for a missing name, kubectl's own error for a type
    without a name when neither ``-l`` nor ``--all`` is given.
    """
    ns = None if inv.options.get("all-namespaces") else namespace(inv)
    found: list[Obj] = []
    for kind, name in split_resources(words):
        if name is not None:
            found.append(cluster.get(kind.kind, ns or "default", name))
        elif inv.options.get("selector") or (allow_all and inv.options.get("all")):
            found += select(cluster, kind, ns, selector(inv.options.get("selector", "")))
        else:
            raise KubectlError(NO_NAME)
    return found
