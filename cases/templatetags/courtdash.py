"""Template helpers shared by every page: the signed-in user's unit, band badges, the top
bar's cache."""

from django import template
from django.conf import settings
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import translation
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cases import fragments
from cases.choices import BAND_COLOURS, Band
from cases.paths import object_path
from cases.permissions import Action, may
from cases.units import reach_token, user_scope

register = template.Library()


@register.filter
def case_path(pk) -> str:
    """A case's page, for a list that links every row (cases.paths: {% url %} matches the URL
    configuration again on every row)."""
    return object_path("cases:case_detail", pk)


@register.filter
def iso_day(day) -> str:
    """A date as YYYY-MM-DD, or "" (the |date:"Y-m-d" of a list's every row, without parsing
    the format each time)."""
    return day.isoformat() if day else ""


@register.simple_tag
def user_card(user) -> dict:
    """Name, role and unit of the signed-in user for the top bar (one query)."""
    if not getattr(user, "is_authenticated", False):
        return {}
    card = getattr(user, "_courtdash_card", None)
    if card is None:
        card = user._courtdash_card = _card_of(user)
    return card


def _card_of(signed_in) -> dict:
    user = (
        get_user_model()
        .objects.select_related("court", "division__court", "judge__court", "judge__division")
        .get(pk=signed_in.pk)
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
        "is_judge": user_scope(signed_in).is_judge,  # the request's user: its reach is known
    }


class TopbarCacheNode(template.Node):
    def __init__(self, part: str, nodelist):
        self.part, self.nodelist = part, nodelist

    def render(self, context) -> str:
        request, user = context.get("request"), context.get("user")
        if request is None or not getattr(user, "is_authenticated", False):
            return self.nodelist.render(context)
        if not fragments.enabled():
            return self.nodelist.render(context)
        match = getattr(request, "resolver_match", None)
        key = fragments.key_of(
            f"topbar-{self.part}",
            {
                # Everything the part shows depends on: who (the account's own columns, which
                # decide the role, the reach and what may_do answers), in which language, on
                # which page (the active item), from which template (its blocks).
                "user": user.pk,
                "account": (user.get_username(), user.first_name, user.last_name),
                "role": (user.role, user.is_superuser, user.is_active),
                "unit": (user.court_id, user.division_id, user.judge_id),
                "language": translation.get_language(),
                "view": (match.view_name, match.app_name) if match else None,
                "template": getattr(getattr(context, "template", None), "name", None),
            },
        )
        html = fragments.get(key)
        if html is None:
            html = str(self.nodelist.render(context))
            fragments.put(key, html, settings.COURTDASH_TOPBAR_SECONDS)
        return mark_safe(html)


@register.tag
def topbar_cache(parser, token):
    """`{% topbar_cache "nav" %}…{% endtopbar_cache %}`: a part of the top bar (navigation,
    user card), rendered once per user, language and page and kept COURTDASH_TOPBAR_SECONDS
    in the page cache (cases.fragments): most of a cached page's rendering was its top bar.
    The key holds the account's own columns, so a new role or unit shows at once; a renamed
    court shows within the timeout. Nothing per request inside (CSRF tokens, the queue count,
    the current path): those stay outside."""
    bits = token.split_contents()
    if len(bits) != 2:
        raise template.TemplateSyntaxError("topbar_cache takes one argument: the part's name")
    nodelist = parser.parse(("endtopbar_cache",))
    parser.delete_first_token()
    return TopbarCacheNode(bits[1].strip("\"'"), nodelist)


class PageFragmentNode(template.Node):
    def __init__(self, nodelist, live=None):
        self.nodelist = nodelist
        self.live = live  # a FilterExpression: the generation of the live data shown, if any

    def render(self, context) -> str:
        request, user = context.get("request"), context.get("user")
        if request is None or not getattr(user, "is_authenticated", False):
            return self.nodelist.render(context)
        if not fragments.enabled() or request.method != "GET":
            return self.nodelist.render(context)
        live = None
        if self.live is not None:
            live = self.live.resolve(context)
            if not live:  # no generation (Redis unreachable): rendered, not kept
                return self.nodelist.render(context)
        key = fragments.key_of(
            "page",
            {
                # What a page of stored results shows depends on: the URL (the unit, period,
                # day and every choice asked for), the viewer's reach (their own unit when
                # none is asked for, the breadcrumb's top) and role (the links by permission),
                # the language, the template; the key adds the results generation and today.
                "path": request.get_full_path(),
                "reach": reach_token(user),
                "role": (user.role, user.is_superuser),
                "language": translation.get_language(),
                "template": getattr(getattr(context, "template", None), "name", None),
                # The indicator set the viewer switched to (kept in their session, not the URL).
                "set": str(context.get("indicator_set") or ""),
                "live": live,
            },
        )
        html = fragments.get(key)
        if html is None:
            html = str(self.nodelist.render(context))
            if live is None:
                seconds = settings.COURTDASH_PAGE_CACHE_SECONDS
            else:  # the lag where no invalidation reaches, as the live counts'
                seconds = settings.COURTDASH_LIVE_COUNT_SECONDS
            fragments.put(key, html, seconds)
        return mark_safe(html)


@register.tag
def page_fragment(parser, token):
    """`{% page_fragment %}…{% endpage_fragment %}`: the body of a page that shows stored
    results (metrics.reading.pagecache keeps their data), kept as rendered until the results
    generation changes (a nightly, a target change), per URL, reach, role, language and day.
    Only around what depends on nothing else: no CSRF token, no user's name, no live count.

    `{% page_fragment live=generation %}`: a body that also shows live data (cases, letters),
    kept under that data's generation too (the view's, e.g. the queue generation, changed at
    the commit of every write that may change it) and at most COURTDASH_LIVE_COUNT_SECONDS
    (where no invalidation reaches); rendered, not kept, when the generation is None."""
    bits = token.split_contents()
    live = None
    if len(bits) == 2 and bits[1].startswith("live="):
        live = parser.compile_filter(bits[1].removeprefix("live="))
    elif len(bits) != 1:
        raise template.TemplateSyntaxError("page_fragment takes no argument but live=…")
    nodelist = parser.parse(("endpage_fragment",))
    parser.delete_first_token()
    return PageFragmentNode(nodelist, live)


@register.filter
def may_do(user, action: str) -> bool:
    """`{% if user|may_do:"dashboards" %}`: the permission table's answer, in a template."""
    return may(user, Action(action))


@register.simple_tag
def band_badge(band: str) -> str:
    """The warning band as a coloured badge that also says it in words (written here, not by
    an included template: a case list shows fifty)."""
    if not band:
        return ""
    return format_html(
        '<span class="band band-{}" data-band="{}"><span class="band-dot" aria-hidden="true">'
        "</span>{}</span>",
        BAND_COLOURS[Band(band)],
        band,
        Band(band).label,
    )


@register.simple_tag
def case_list_rows(rows, *, show_judge: bool, show_court: bool, empty: str) -> str:
    """The case list's rows (cases/case_list.html), written here as band_badge is: fifty rows
    of nine cells cost the template engine about a third of the page's CPU (issue 13). Each
    value is escaped as {{ }} would; `empty`: the row shown when there is none."""
    e = conditional_escape
    closed = _("已结")
    written = []
    for case in rows:
        row = _case_row_start(case)
        track = f' <span class="muted">{e(case.track_label)}</span>' if case.track else ""
        left = e(case.left_text)
        if case.closed_on:
            left, band = (
                f'<span class="muted">{left}</span>',
                f'<span class="band band-closed">{e(closed)}</span>',
            )
        else:
            if case.days_left is not None and case.days_left < 0:
                left = f'<strong class="text-overdue">{left}</strong>'
            band = band_badge(case.band)
        judge = f"<td>{e(name_of(case.judge))}</td>" if show_judge else ""
        court = f'<span class="muted">{e(case.court.code)}</span> ' if show_court else ""
        division = e(name_of(case.division))
        written.append(
            f'{row}<td><a class="case-number" href="{e(case.detail_url)}">'
            f"{e(case.case_number)}</a></td>"
            f'<td class="cause">{e(case.cause or "—")}</td>'
            f'<td><span class="tag" title="{e(case.category_label)} · {e(case.procedure_label)}">'
            f"{e(case.type_code)}</span>{track}</td>"
            f'<td class="num">{case.filed_on.isoformat()}</td>'
            f'<td class="num">{case.deadline.isoformat() if case.deadline else "—"}</td>'
            f'<td class="num">{left}</td><td>{band}</td>{judge}<td>{court}{division}</td></tr>\n'
        )
    return rows_or_empty(written, columns=9, empty=empty)


@register.simple_tag
def case_table_rows(rows, *, empty: str) -> str:
    """The rows of reports/_case_rows.html (a report's cases: number, unit, judge, days, band),
    written here as case_list_rows is."""
    e = conditional_escape
    written = []
    for case in rows:
        row = _case_row_start(case)
        written.append(
            f'{row}<td><a class="case-number" href="{e(case_path(case.pk))}">'
            f"{e(case.case_number)}</a></td>"
            f"<td>{e(name_of(case.court))} {e(name_of(case.division))}</td>"
            f"<td>{e(name_of(case.judge))}</td><td>{iso_day(case.filed_on)}</td>"
            f"<td>{iso_day(case.closed_on) or '—'}</td><td>{iso_day(case.deadline) or '—'}</td>"
            f"<td>{band_badge(case.band)}</td></tr>\n"
        )
    return rows_or_empty(written, columns=7, empty=empty)


def _case_row_start(case) -> str:
    return '<tr class="row-overdue">' if case.band == Band.OVERDUE else "<tr>"


def rows_or_empty(written: list[str], *, columns: int, empty: str) -> str:
    """The rows a tag wrote, or the one row that says there are none (a template's {% empty %})."""
    if not written:
        return format_html('<tr><td colspan="{}" class="empty">{}</td></tr>', columns, empty)
    return mark_safe("".join(written))


def name_of(unit) -> str:
    """A unit's name, or "" for none (as {{ case.judge.name }} shows a case with no judge)."""
    return unit.name if unit is not None else ""


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
