"""Template helpers shared by every page: the signed-in user's unit, band badges."""

from django import template
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cases.choices import BAND_COLOURS, Band
from cases.permissions import Action, may
from cases.units import user_scope

register = template.Library()


@register.simple_tag
def user_card(user) -> dict:
    """Name, role and unit of the signed-in user for the top bar (one query)."""
    if not getattr(user, "is_authenticated", False):
        return {}
    user = (
        get_user_model()
        .objects.select_related("court", "division__court", "judge__court", "judge__division")
        .get(pk=user.pk)
    )
    if user.judge_id:
        name = user.judge.name
    else:
        name = f"{user.last_name}{user.first_name}".strip() or user.get_username()
    if user.judge_id:
        division = user.judge.division
        unit = f"{user.judge.court.name} {division.name if division else ''}".strip()
    elif user.division_id:
        unit = f"{user.division.court.name} {user.division.name}"
    elif user.court_id:
        unit = user.court.name
    else:
        unit = ""
    role = user.get_role_display() or (_("系统管理员") if user.is_superuser else "")
    return {
        "name": name,
        "role": role,
        "unit": unit,
        "is_judge": user_scope(user).is_judge,
    }


@register.filter
def may_do(user, action: str) -> bool:
    """`{% if user|may_do:"dashboards" %}`: the permission table's answer, in a template."""
    return may(user, Action(action))


@register.inclusion_tag("_band.html")
def band_badge(band: str) -> dict:
    """The warning band as a coloured badge that also says it in words."""
    if not band:
        return {"band": ""}
    return {"band": band, "colour": BAND_COLOURS[Band(band)], "label": Band(band).label}


@register.filter
def minutes(duration) -> int:
    """A timedelta in whole minutes (lockout cool-off)."""
    return int(duration.total_seconds() // 60) if duration else 0


@register.simple_tag
def page_numbers(page_obj) -> list:
    """Page numbers around the current page, with the paginator's ellipsis between runs."""
    return list(
        page_obj.paginator.get_elided_page_range(page_obj.number, on_each_side=2, on_ends=1)
    )


@register.filter
def absolute(number):
    return abs(number) if number is not None else number


# Words for what the audit trail stores under its own keys; other keys are shown as stored.
DETAIL_LABELS = {
    "count": gettext_lazy("条数"),
    "filters": gettext_lazy("筛选条件"),
    "username": gettext_lazy("用户名"),
    "locked_out": gettext_lazy("已锁定"),
    "method": gettext_lazy("方式"),
}
OBJECT_TYPES = {
    "case": gettext_lazy("案件"),
    "audit_log": gettext_lazy("审计日志"),
    "user": gettext_lazy("用户"),
}


@register.simple_tag
def audit_detail(detail) -> list[tuple[str, str]]:
    """An audit event's detail as (label, text) pairs; the case number is shown elsewhere."""
    items = []
    for key, value in (detail or {}).items():
        if key == "case_number" or value in ("", None, {}, []):
            continue
        if isinstance(value, dict):
            text = ", ".join(f"{name}={item}" for name, item in value.items())
        elif isinstance(value, list):
            text = ", ".join(str(item) for item in value)
        elif isinstance(value, bool):
            text = _("是") if value else _("否")
        else:
            text = str(value)
        items.append((DETAIL_LABELS.get(key, key), text))
    return items


@register.simple_tag
def audit_case_url(event) -> str:
    """The case page an audit event is about, if it is about one case."""
    if event.object_type == "case" and event.object_id.isdigit():
        return reverse("cases:case_detail", args=[int(event.object_id)])
    return ""


@register.filter
def object_type_label(object_type: str) -> str:
    return OBJECT_TYPES.get(object_type, object_type)
