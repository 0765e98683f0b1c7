"""What the supervision pages share: one service call per POST with its refusal as a message,
pagination, and the unit a page is about (?court=&division=&judge=, within the viewer's reach).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Page, Paginator
from django.db.models import Q
from django.http import Http404
from django.utils.translation import gettext as _

from cases.models import Court, Division, Judge
from cases.scoping import Reach, user_scope
from supervision.permissions import Action, Refused, role_allows
from supervision.querysets import in_reach

PAGE_SIZE = 50
UNIT_PARAMS = ("court", "division", "judge")


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


def can(user, action: Action) -> bool:
    """Whether the user's role may take the action at all (the page offers the form; the
    service decides, reach and person included)."""
    return role_allows(user.role, action)


def paginate(request, rows, size: int = PAGE_SIZE) -> Page:
    return Paginator(rows, size).get_page(request.GET.get("page"))


# The level one down from a unit, for the breakdown tables (selectors' GROUPINGS).
CHILD = {"all": None, "court": "division", "division": "judge", "judge": None}


@dataclass(frozen=True)
class Unit:
    """A court, a division of it or a judge in it — or, with none, the viewer's whole scope."""

    court: Court | None = None
    division: Division | None = None
    judge: Judge | None = None

    @property
    def level(self) -> str:
        if self.judge is not None:
            return "judge"
        if self.division is not None:
            return "division"
        return "court" if self.court is not None else "all"

    @property
    def cases_q(self) -> Q | None:
        """The cases of the unit (None: the whole scope)."""
        fields = {
            "court_id": self.court.pk if self.court else None,
            "division_id": self.division.pk if self.division else None,
            "judge_id": self.judge.pk if self.judge else None,
        }
        fields = {name: value for name, value in fields.items() if value is not None}
        return Q(**fields) if fields else None

    @property
    def params(self) -> dict:
        ids = {"court": self.court, "division": self.division, "judge": self.judge}
        return {name: unit.pk for name, unit in ids.items() if unit is not None}

    @property
    def query(self) -> str:
        return urlencode(self.params)

    @property
    def name(self) -> str:
        if self.judge is not None:
            return f"{self.court.code} {self.division.name} {self.judge.name}"
        if self.division is not None:
            return f"{self.court.code} {self.division.name}"
        return self.court.name if self.court is not None else _("全部")

    def grouping(self, user) -> str | None:
        """The level the breakdown shows: the units one down from this one."""
        if self.level != "all":
            return CHILD[self.level]
        scope = user_scope(user)
        if scope.is_city:
            return "court"
        return {Reach.COURTS: "division", Reach.DIVISION: "judge"}.get(scope.reach)

    def crumbs(self, user) -> list[dict]:
        """The way down from the viewer's whole scope: only the units they may open."""
        steps = [{"name": _("全部"), "query": ""}]
        chain = [
            Unit(court=self.court),
            Unit(court=self.court, division=self.division),
            Unit(court=self.court, division=self.division, judge=self.judge),
        ]
        for step in chain[: {"all": 0, "court": 1, "division": 2, "judge": 3}[self.level]]:
            if step.reachable(user):
                steps.append({"name": step.name, "query": step.query})
        return steps

    def reachable(self, user) -> bool:
        if self.court is None:
            return True
        return in_reach(
            user,
            court_id=self.court.pk,
            division_id=self.division.pk if self.division else None,
            judge_id=self.judge.pk if self.judge else None,
        )


def _id(request, name: str) -> int | None:
    value = request.GET.get(name, "")
    if value == "":
        return None
    if not value.isdigit():
        raise Http404("not an id")
    return int(value)


def _get(model, pk: int | None, *related: str):
    if pk is None:
        return None
    found = model.objects.select_related(*related).filter(pk=pk).first()
    if found is None:
        raise Http404(f"no such {model._meta.model_name}")
    return found


def requested_unit(request) -> Unit:
    """The unit of ?court=&division=&judge= (each implies the ones above it); 404 when it does
    not exist, its parts disagree, or it is out of the viewer's reach."""
    court_id, division_id, judge_id = (_id(request, name) for name in UNIT_PARAMS)
    judge = _get(Judge, judge_id, "court", "division")
    if judge is not None:
        division_id = division_id or judge.division_id
        court_id = court_id or judge.court_id
    division = _get(Division, division_id, "court")
    if division is not None:
        court_id = court_id or division.court_id
    court = _get(Court, court_id)
    if (division is not None and division.court_id != court.pk) or (
        judge is not None
        and (division is None or judge.division_id != division.pk or judge.court_id != court.pk)
    ):
        raise Http404("the unit's parts disagree")
    unit = Unit(court=court, division=division, judge=judge)
    if not unit.reachable(request.user):
        raise Http404("outside your scope")
    return unit
