"""Writing the supervision trail (全程留痕), and the rule that a refused action is recorded.

Every supervision service is a `@supervision_service`: `@transaction.atomic`, and when it
raises `Refused`, the refusal is written to the trail and the audit trail *after* its
transaction rolled back — so the record of the attempt survives the attempt. Nested services
record once, at the outermost call. (A caller that wraps a service in its own transaction and
lets the error escape it rolls the record back too: services are called from views and tasks,
which do not.)
"""

from __future__ import annotations

import functools
import threading
from collections.abc import Callable
from typing import ParamSpec, TypeVar

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from cases.choices import AuditAction
from cases.permissions import Action, Refused, require
from cases.services import audit_record
from cases.units import case_reached, unit_reached
from supervision.choices import TraceKind
from supervision.models import TraceEntry

P = ParamSpec("P")
R = TypeVar("R")

_calls = threading.local()


def supervision_service(func: Callable[P, R]) -> Callable[P, R]:
    atomic = transaction.atomic(func)

    @functools.wraps(func)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        depth = getattr(_calls, "depth", 0)
        _calls.depth = depth + 1
        try:
            return atomic(*args, **kwargs)
        except Refused as refusal:
            if depth == 0:
                refusal_record(refusal)
            raise
        finally:
            _calls.depth = depth

    return wrapper


def actor_name(user) -> str:
    if user is None:
        return _("系统")
    return user.display_name


def user_court_id(user) -> int | None:
    """The court a user belongs to, whichever of their units says so."""
    if user is None:
        return None
    if user.court_id:
        return user.court_id
    if user.division_id:
        return user.division.court_id
    if user.judge_id:
        return user.judge.court_id
    return None


def _units(*, case=None, letter=None, court_id=None) -> dict:
    if case is not None:
        return {
            "court_id": case.court_id,
            "division_id": case.division_id,
            "judge_id": case.judge_id,
        }
    if letter is not None:
        return {
            "court_id": letter.court_id,
            "division_id": letter.division_id,
            "judge_id": getattr(letter, "judge_id", None),
        }
    return {"court_id": court_id, "division_id": None, "judge_id": None}


def _letter_link(letter) -> dict:
    if letter is None:
        return {}
    return {letter._meta.model_name: letter}


def trail_record(
    *,
    kind: TraceKind,
    actor,
    obj=None,
    case=None,
    letter=None,
    court_id: int | None = None,
    note: str = "",
    detail: dict | None = None,
) -> TraceEntry:
    """Append one step to the trail (about a case, or a notice/inquiry, or a court) and the
    same to the audit trail."""
    detail = detail or {}
    object_type = obj._meta.model_name if obj is not None else ""
    object_id = str(obj.pk) if obj is not None else ""
    entry = TraceEntry.objects.create(
        **_units(case=case, letter=letter, court_id=court_id),
        case=case,
        **_letter_link(letter),
        actor=actor,
        actor_name=actor_name(actor),
        actor_role=getattr(actor, "role", "") or "",
        kind=kind,
        object_type=object_type,
        object_id=object_id,
        note=note,
        detail=detail,
    )
    audit_record(
        action=AuditAction.CHANGE,
        user=actor,
        object_type=f"supervision.{object_type or 'traceentry'}",
        object_id=object_id or str(entry.pk),
        detail={
            "kind": str(kind),
            "case_id": case.pk if case is not None else None,
            **detail,
            "username": actor_name(actor),
        },
    )
    return entry


def refusal_record(refusal: Refused) -> None:
    """Record a refused attempt: on the trail when it concerns a court the actor belongs to or
    a case, and always in the audit trail."""
    with transaction.atomic():
        actor = refusal.actor
        case = refusal.case
        detail = {
            "action": str(refusal.action),
            "outcome": "refused",
            "reason": refusal.message,
            **refusal.detail,
        }
        court_id = case.court_id if case is not None else refusal.detail.get("court_id")
        court_id = court_id or user_court_id(actor)
        authenticated = actor is not None and getattr(actor, "is_authenticated", False)
        if court_id is not None and authenticated:
            TraceEntry.objects.create(
                **_units(case=case, court_id=court_id),
                case=case,
                actor=actor,
                actor_name=actor_name(actor),
                actor_role=actor.role or "",
                kind=TraceKind.REFUSED,
                note=refusal.message,
                detail=detail,
            )
        audit_record(
            action=AuditAction.CHANGE,
            user=actor if authenticated else None,
            object_type="supervision.refused",
            object_id=str(case.pk) if case is not None else "",
            detail=detail,
        )


def require_case(actor, action: Action, case, *, detail: dict | None = None) -> None:
    """Refuse unless the actor's role may take the action and the case is in their reach."""
    require(actor, action, case=case, detail=detail)
    if not case_reached(actor, case):
        raise Refused(
            _("案件%(case)s不在您的管辖范围内") % {"case": case.case_number},
            action=action,
            actor=actor,
            case=case,
            detail=detail,
        )


def require_unit(
    actor,
    action: Action,
    *,
    court_id: int,
    division_id: int | None = None,
    judge_id: int | None = None,
    detail: dict | None = None,
) -> None:
    """Refuse unless the actor's role may take the action and the unit is in their reach."""
    detail = {"court_id": court_id, **(detail or {})}
    require(actor, action, detail=detail)
    if not unit_reached(actor, court_id=court_id, division_id=division_id, judge_id=judge_id):
        raise Refused(_("该单位不在您的管辖范围内"), action=action, actor=actor, detail=detail)


def require_text(value: str, message: str) -> str:
    value = (value or "").strip()
    if not value:
        raise ValidationError(message)
    return value
