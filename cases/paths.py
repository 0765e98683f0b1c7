"""Paths of named URLs for pages that link every row: Django's reverse() matches the URL
configuration on each call (~100 Python calls), and a list of fifty rows asks it fifty times
for the same pattern, with another id or none. Each is reversed once per script prefix and URL
configuration, which reverse() reads."""

from __future__ import annotations

from functools import cache

from django.urls import get_script_prefix, get_urlconf, reverse

# An id no row has, to find where a pattern puts its one argument.
_MARK = 987654321987


@cache
def _path(name: str, prefix: str, urlconf) -> str:
    return reverse(name)


def named_path(name: str) -> str:
    """reverse(name) for a pattern without arguments."""
    return _path(name, get_script_prefix(), get_urlconf())


@cache
def _pattern(name: str, prefix: str, urlconf) -> tuple[str, str] | None:
    """The path of `name` around its one integer argument; None if the mark shows up other
    than once (then every call reverses)."""
    path = reverse(name, args=[_MARK])
    parts = path.split(str(_MARK))
    return (parts[0], parts[1]) if len(parts) == 2 else None


def object_path(name: str, pk: int) -> str:
    """reverse(name, args=[pk]) for a pattern of one integer argument."""
    found = _pattern(name, get_script_prefix(), get_urlconf())
    if found is None:
        return reverse(name, args=[pk])
    return f"{found[0]}{int(pk)}{found[1]}"
