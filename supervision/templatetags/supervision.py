"""The supervision pages' tabs, by role (no query: the role is on the user), and the case's
supervision timeline for the pages of other apps."""

from __future__ import annotations

from django import template
from django.urls import reverse
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from cases.permissions import Action, may
from cases.templatetags.courtdash import iso_day, name_of
from supervision.views.cases import case_timeline_context

register = template.Library()

# (url name, label, the action that shows the tab, the pages that belong to it)
TABS = [
    (
        "inbox",
        _("我的待办"),
        Action.VIEW,
        {"inbox", "notice", "inquiry", "notice_new", "inquiry_new"},
    ),
    ("abnormalities", _("异常研判"), Action.LETTER_ISSUE, set()),
    ("ledger", _("四类案件台账"), Action.LEDGER_READ, set()),
    ("long_pending", _("长期未结"), Action.VIEW, set()),
    ("overdue", _("超审限"), Action.VIEW, set()),
    ("campaigns", _("清理攻坚"), Action.VIEW, {"campaign", "campaign_new"}),
    ("reviews", _("发改再评查"), Action.VIEW, {"review", "review_report"}),
    ("inspections", _("联合督查"), Action.TRAIL_READ, {"inspection", "inspection_new"}),
    ("trail", _("监督留痕"), Action.TRAIL_READ, set()),
    (
        "consultations",
        _("事先沟通"),
        Action.VIEW,
        {"consultation", "consultation_new", "consultation_figures"},
    ),
    (
        "quality_campaigns",
        _("案件评查"),
        Action.VIEW,
        {
            "quality_campaign",
            "quality_campaign_new",
            "quality_review",
            "rectifications",
            "rectification",
            "quality_sheets",
            "quality_sheet",
            "quality_results",
        },
    ),
    ("effects", _("跟踪问效"), Action.EFFECTS_READ, {"effect"}),
    (
        "settings",
        _("设置"),
        Action.SETTINGS_READ,
        {
            "settings_rules",
            "settings_rule",
            "settings_rule_new",
            "settings_detection",
            "settings_detection_rule",
            "settings_approver",
            "settings_division_leaders",
            "settings_contacts",
            "health_settings",
            "talk_settings",
            "ranking_settings",
        },
    ),
]


# An administrator (no role, so no supervision action) still reads every tab.
SUPERUSER_TABS = frozenset(Action)


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
        for name, label, action, pages in TABS
        if may(user, action) or (user.is_superuser and action in SUPERUSER_TABS)
    ]


@register.inclusion_tag("supervision/_timeline.html", takes_context=True)
def case_supervision_timeline(context, case) -> dict:
    """The supervision trail of `case` as the viewer may see it (templates/supervision/
    _timeline.html). The case page (cases) shows it through this tag, loaded by name, so that
    cases never imports supervision."""
    return case_timeline_context(context["request"], case)


@register.filter
def person(user) -> str:
    """A user as people call them: the full name, else the username ('' for nobody)."""
    if user is None:
        return ""
    return user.display_name


@register.simple_tag
def long_pending_rows(rows, *, show_court: bool, is_outlook: bool, letters: bool) -> str:
    """The long-pending list's rows (supervision/long_pending.html), written here as the case
    list's are (cases.templatetags.courtdash.case_list_rows): fifty rows a page."""
    e = conditional_escape
    send = e(gettext("发督办通知"))
    written = []
    for case in rows:
        court = f"<td>{e(case.court.code)}</td>" if show_court else ""
        if is_outlook:
            age = iso_day(case.threshold_on)
        else:
            age = f'<span class="tag">{e(case.age_label)}</span>'
        letter = (
            f'<td><a href="{e(case.notice_url)}" data-case-notice="{case.pk}">{send}</a></td>'
            if letters
            else ""
        )
        written.append(
            f'<tr><td><a class="case-number" href="{e(case.page_url)}">{e(case.case_number)}</a>'
            f"</td>{court}<td>{e(name_of(case.division))}</td><td>{e(name_of(case.judge))}</td>"
            f'<td class="num">{iso_day(case.filed_on)}</td><td>{age}</td>'
            f'<td class="cause">{e(case.cause or "—")}</td>{letter}</tr>\n'
        )
    if not written:
        empty = gettext("没有符合条件的案件。")
        return format_html('<tr><td colspan="7" class="empty">{}</td></tr>', empty)
    return mark_safe("".join(written))
