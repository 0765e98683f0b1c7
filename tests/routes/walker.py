"""Every URL pattern of the project, from the resolver (the DRF router's routes included).

A pattern is named by its path with the parameters' names only ("api/v1/supervision/notices/
<pk>/answer/", "cases/<pk>/"): the same name whether it came from `path()` or from a router's
regex, so that the expectation table can be read and written by hand. The router's format-suffix
twins ("….<format>") are marked as such and point at the route they repeat.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.urls import URLPattern, URLResolver, get_resolver

SUFFIX = ".<format>"
# (?P<name>…) -> <name>; <int:name> -> <name>; the router's format suffix -> .<format>
_REGEX_GROUP = re.compile(r"\(\?P<(\w+)>(?:[^()]|\([^()]*\))*\)")
_CONVERTER = re.compile(r"<(?:\w+:)?(\w+)>")
_ALTERNATIVES = re.compile(r"\(\?P<(\w+)>([\w|]+)\)")


@dataclass(frozen=True)
class Route:
    path: str  # normalised: "api/v1/supervision/notices/<pk>/answer/"
    name: str  # the URL name with its namespace ("supervision:notice", "case-detail")
    view: str  # module.name of the callback
    actions: tuple[tuple[str, str], ...]  # a ViewSet route's method -> action, else ()
    examples: tuple[tuple[str, str], ...]  # a parameter -> a value its regex accepts

    @property
    def is_suffix(self) -> bool:
        return SUFFIX in self.path

    @property
    def base(self) -> str:
        """The route a format-suffix twin repeats (itself for the others)."""
        if not self.is_suffix:
            return self.path
        return re.sub(r"/+", "/", self.path.replace(SUFFIX, "/"))

    @property
    def is_admin(self) -> bool:
        return self.path.startswith("admin/")

    @property
    def methods(self) -> tuple[str, ...]:
        return tuple(method.upper() for method, _action in self.actions)


def normalise(pattern: str) -> str:
    text = pattern.replace("<drf_format_suffix:format>", SUFFIX)
    text = re.sub(r"\\\.\(\?P<format>[^)]*\)/\?", SUFFIX, text)
    text = _REGEX_GROUP.sub(lambda match: f"<{match.group(1)}>", text)
    text = _CONVERTER.sub(lambda match: f"<{match.group(1)}>", text)
    text = text.replace("^", "").replace("$", "").replace("\\.", ".").replace("\\", "")
    return text


def _examples(pattern: str) -> tuple[tuple[str, str], ...]:
    """For a regex parameter that is a list of words (the admin's app_label): the first."""
    return tuple(
        (name, alternatives.split("|")[0]) for name, alternatives in _ALTERNATIVES.findall(pattern)
    )


def _walk(patterns, prefix: str = "", namespace: str = ""):
    for entry in patterns:
        if isinstance(entry, URLResolver):
            inner = namespace
            if entry.namespace:
                inner = f"{namespace}:{entry.namespace}" if namespace else entry.namespace
            yield from _walk(entry.url_patterns, prefix + str(entry.pattern), inner)
        elif isinstance(entry, URLPattern):
            raw = prefix + str(entry.pattern)
            callback = entry.callback
            actions = getattr(callback, "actions", None) or {}
            name = entry.name or ""
            yield Route(
                path=normalise(raw),
                name=f"{namespace}:{name}" if namespace else name,
                view=f"{callback.__module__}.{getattr(callback, '__name__', '')}",
                actions=tuple(sorted(actions.items())),
                examples=_examples(raw),
            )


def routes() -> list[Route]:
    """Every URL pattern of the project, in the resolver's order, each once."""
    seen: dict[tuple, Route] = {}
    for route in _walk(get_resolver().url_patterns):
        seen.setdefault((route.path, route.actions), route)
    return list(seen.values())
