"""What the supervision pages share: one service call per POST with its refusal as a message,
pagination, and the unit a page is about (?court=&division=&judge=, within the viewer's reach).
"""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Page, Paginator

from cases.permissions import Refused
from cases.units import CHILD_SCOPE, UnitInfo, unit_crumbs, unit_params, unit_requested

PAGE_SIZE = 50


def run_service(
    request, call: Callable[[], object], success: str | Callable[[object], str]
) -> bool:
    """One service call; its refusal (recorded by the service) or broken rule becomes an error
    message, its success a message (`success` may make it from the call's result)."""
    try:
        result = call()
    except Refused as refusal:
        messages.error(request, str(refusal))
        return False
    except ValidationError as error:
        messages.error(request, "；".join(error.messages))
        return False
    messages.success(request, success(result) if callable(success) else success)
    return True


def form_errors(request, form) -> None:
    for errors in form.errors.values():
        for error in errors:
            messages.error(request, error)


def paginate(request, rows, size: int = PAGE_SIZE) -> Page:
    return Paginator(rows, size).get_page(request.GET.get("page"))


def requested_unit(request) -> UnitInfo:
    """The unit a page is about (?court=&division=&judge=, default the viewer's own): 404
    outside the viewer's reach (cases.units.unit_requested)."""
    return unit_requested(request)


def unit_grouping(unit: UnitInfo) -> str | None:
    """The level the breakdown tables show: the units one down from this one."""
    child = CHILD_SCOPE.get(unit.key.scope)
    return str(child) if child is not None else None


def crumbs(user, unit: UnitInfo) -> list[dict]:
    """The way down from the viewer's own unit to this one, each opening this same page."""
    return unit_crumbs(user, unit, lambda key: "?" + urlencode(unit_params(key)))
