"""The deployment's top unit for templates, so a page's wording fits the deployment's shape
(cases.units.top_unit_name): `top_unit` (全市, or 全省 in a province), `top_office` (中院审管办,
or 高院审管办) and `top_court_office` (市中级法院审管办, or 省高级法院审管办). All are lazy — a
page that does not show them costs no query — and the top unit is read at most once a request.

The helpers serve Python code that words a message at call time the same way."""

from __future__ import annotations

from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext as _

from cases.choices import Scope
from cases.units import top_unit_name


def is_city(top: str | None = None) -> bool:
    """Whether the deployment is a city (its top court an intermediate court), not a province.
    `top`: the top unit's name when the caller already has it (saves the query)."""
    if top is None:
        top = top_unit_name()
    return top == str(Scope.CITY.label)


def top_office_name(top: str | None = None) -> str:
    """The office that manages the top unit's settings: 中院审管办, or 高院审管办 in a province."""
    return _("中院审管办") if is_city(top) else _("高院审管办")


def top_court_office_name(top: str | None = None) -> str:
    """The same office, named in full: 市中级法院审管办, or 省高级法院审管办 in a province."""
    return _("市中级法院审管办") if is_city(top) else _("省高级法院审管办")


def request_top_unit_name(request) -> str:
    """top_unit_name(), memoised on the request: a page may show it in several places."""
    name = getattr(request, "_top_unit_name", None)
    if name is None:
        name = top_unit_name()
        request._top_unit_name = name
    return name


def top_unit(request) -> dict:
    def top() -> str:
        return request_top_unit_name(request)

    return {
        "top_unit": SimpleLazyObject(top),
        "top_office": SimpleLazyObject(lambda: top_office_name(top())),
        "top_court_office": SimpleLazyObject(lambda: top_court_office_name(top())),
    }
