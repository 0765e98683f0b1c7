"""我的待办: the user's work queue (every kind that waits for them, nearest due date first,
filtered by kind, paged) and their in-app messages, each marked read here, one or all."""

from __future__ import annotations

from functools import partial
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import F
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from cases.dates import today
from cases.permissions import Action, may
from supervision import services
from supervision.context_processors import open_counts
from supervision.models import Notification
from supervision.selectors.queue import QueueList, kinds, queue_rows
from supervision.selectors.queue_count import cached_keys
from supervision.services.notify import notifications_mark_all_read
from supervision.views.common import paginate

TABS = ("queue", "notifications")


@login_required
def inbox(request):
    user = request.user
    tab = request.GET.get("tab", "")
    tab = tab if tab in TABS else "queue"
    # The count the top bar shows (kept under the current queue generation, or counted now):
    # every committed write that may change a queue, an import's included, counts it again.
    counts = open_counts(request)
    kind = request.GET.get("kind", "")
    if kind not in counts:
        kind = ""
    notifications = Notification.objects.in_scope(user)
    unread = notifications.unread().count()
    context = {
        "tab": tab,
        "kind": kind,
        "total": sum(counts.values()),
        "unread": unread,
        "kinds": [
            {"kind": name, "label": label, "count": counts[name]}
            for name, label in kinds()
            if counts.get(name) or name == kind  # the kinds that have something waiting
        ],
        "can_issue": may(user, Action.LETTER_ISSUE),
        "today": today(),
    }
    if tab == "queue":
        # Only the kinds listed (the one chosen, or those that hold something) are built.
        listed = {kind} if kind else {name for name, count in counts.items() if count}
        rows = queue_rows(user, kinds=listed)
        # The page's keys are kept under the queue generation, as the count is.
        keep = partial(cached_keys, user, kind)
        items = QueueList(user, kind=kind or None, counts=counts, rows=rows, keep=keep)
        context["page_obj"] = paginate(request, items, size=20)
    else:
        rows = notifications.order_by(F("read_at").desc(nulls_first=True), "-created_at", "-id")
        context["page_obj"] = paginate(request, rows, size=20)
    return render(request, "supervision/inbox.html", context)


def _back(request):
    """Back to the messages tab, on the page the user was on."""
    params = {"tab": "notifications"}
    page = request.POST.get("page", "")
    if page.isdigit():
        params["page"] = page
    return redirect(reverse("supervision:inbox") + "?" + urlencode(params))


@login_required
@require_POST
def notification_read(request, pk: int):
    notification = get_object_or_404(Notification.objects.in_scope(request.user), pk=pk)
    services.notification_mark_read(notification=notification, actor=request.user)
    messages.success(request, _("已标为已读"))
    return _back(request)


@login_required
@require_POST
def notifications_read_all(request):
    count = notifications_mark_all_read(actor=request.user)
    messages.success(request, _("已将%(n)s条消息标为已读") % {"n": count})
    return _back(request)
