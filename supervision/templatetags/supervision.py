"""The supervision pages' tabs, by role (no query: the role is on the user), and the case's
supervision timeline for the pages of other apps."""

from __future__ import annotations

from django import template
from django.template.defaulttags import CsrfTokenNode
from django.urls import reverse
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe
from django.utils.text import Truncator
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from cases.permissions import Action, may
from cases.templatetags.courtdash import iso_day, name_of, rows_or_empty
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
    return rows_or_empty(written, columns=7, empty=gettext("没有符合条件的案件。"))


@register.simple_tag(takes_context=True)
def queue_items(context, items) -> str:
    """The work queue's items (supervision/inbox.html), written here as the case lists' rows
    are: twenty items, each with its due date and its one-step form."""
    e = conditional_escape
    csrf = CsrfTokenNode().render(context)
    written = []
    for item in items:
        overdue = " queue-item-overdue" if item.overdue else ""
        state = f" · {e(item.state_label)}" if item.state_label else ""
        title = e(Truncator(item.title).chars(120))
        written.append(
            f'<li class="queue-item{overdue}" data-kind="{e(item.kind)}" data-id="{e(item.pk)}">'
            f'<div class="queue-main"><span class="queue-kind">{e(item.kind_label)}</span>'
            f'<a class="queue-title" href="{e(item.url)}">{title}</a>'
            f'<span class="queue-meta muted">{e(item.unit)}{state}</span></div>'
            f'<div class="queue-due">{_due(item)}</div>'
            f'<div class="queue-action">{_queue_form(item, csrf)}'
            f'<a class="btn btn-small" href="{e(item.url)}">{e(item.action_label)}</a></div></li>\n'
        )
    return mark_safe("".join(written))


def _due(item) -> str:
    if not item.due_on:
        return f'<span class="muted">{conditional_escape(gettext("无期限"))}</span>'
    late = " text-overdue" if item.overdue else ""
    due = f'<span class="nowrap{late}">{item.due_on.isoformat()}</span>'
    left = item.days_left
    if item.overdue:
        words, colour = gettext("已逾期%(n)s天") % {"n": item.days_late}, "text-overdue"
    elif left == 0:
        words, colour = gettext("今日到期"), "muted"
    elif left > 0:
        words, colour = gettext("%(n)s天后到期") % {"n": left}, "muted"
    else:
        return due
    return f'{due}<span class="nowrap {colour}">{conditional_escape(words)}</span>'


def _queue_form(item, csrf: str) -> str:
    form = item.form
    if not form:
        return ""
    e = conditional_escape
    hidden = "".join(
        f'<input type="hidden" name="{e(name)}" value="{e(value)}">'
        for name, value in form.fields.items()
    )
    text = ""
    if form.text:
        field_id = f"queue-{e(item.kind)}-{e(item.pk)}"
        text = (
            f'<label class="visually-hidden" for="{field_id}">{e(form.text_label)}</label>'
            f'<input type="text" required name="{e(form.text)}" id="{field_id}" '
            f'placeholder="{e(form.text_label)}">'
        )
    return (
        f'<form method="post" action="{e(form.url)}" class="queue-form">{csrf}{hidden}{text}'
        f'<button type="submit" class="btn btn-primary btn-small">{e(form.label)}</button></form>'
    )


@register.simple_tag
def long_pending_breakdown_rows(rows, *, empty: str) -> str:
    """The long-pending page's breakdown one level down (supervision/long_pending.html): a
    province's 120 courts, or a court's judges, a row each, written here as its cases are."""
    e = conditional_escape
    written = []
    for row in rows:
        late = {band: " text-overdue" if row[band] else "" for band in ("24_36", "36_plus")}
        written.append(
            f'<tr><th scope="row"><a href="?{e(row["query"])}">{e(row["unit_name"])}</a></th>'
            f'<td class="num"><strong>{e(row["total"])}</strong></td>'
            f'<td class="num">{e(row["12_18"])}</td><td class="num">{e(row["18_24"])}</td>'
            f'<td class="num{late["24_36"]}">{e(row["24_36"])}</td>'
            f'<td class="num{late["36_plus"]}">{e(row["36_plus"])}</td></tr>\n'
        )
    return rows_or_empty(written, columns=6, empty=empty)
