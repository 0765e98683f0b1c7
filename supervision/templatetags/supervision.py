"""The supervision pages' tabs, by role (no query: the role is on the user)."""

from __future__ import annotations

from django import template
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from cases.choices import Role
from cases.scoping import COURT_ROLES

register = template.Library()

NOT_JUDGE = frozenset(Role) - {Role.JUDGE}

# (url name, label, roles that see the tab (None: every role), the pages that belong to it)
TABS = [
    ("inbox", _("待办"), None, {"inbox", "notice", "inquiry", "notice_new"}),
    ("abnormalities", _("异常研判"), frozenset({Role.OFFICE}), set()),
    ("ledger", _("四类案件台账"), NOT_JUDGE, set()),
    ("long_pending", _("长期未结"), None, set()),
    ("overdue", _("超审限"), None, set()),
    ("campaigns", _("清理攻坚"), None, {"campaign", "campaign_new"}),
    ("reviews", _("发改再评查"), None, {"review", "review_report"}),
    ("inspections", _("联合督查"), COURT_ROLES, {"inspection", "inspection_new"}),
    ("trail", _("监督留痕"), COURT_ROLES, set()),
]


@register.simple_tag(takes_context=True)
def supervision_tabs(context) -> list[dict]:
    request = context["request"]
    user = request.user
    current = getattr(request.resolver_match, "url_name", "")
    return [
        {
            "name": name,
            "label": label,
            "url": reverse(f"supervision:{name}"),
            "current": current == name or current in pages,
        }
        for name, label, roles, pages in TABS
        if roles is None or user.role in roles or user.is_superuser
    ]


@register.filter
def person(user) -> str:
    """A user as people call them: the full name, else the username ('' for nobody)."""
    if user is None:
        return ""
    return user.display_name
