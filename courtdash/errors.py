"""Error pages (handler400/403/404/500 in courtdash/urls.py, CSRF_FAILURE_VIEW): the styled,
translated pages of templates/400.html … 500.html and csrf_failure.html for people, JSON for the
API (`{"detail": …}` as DRF answers), and never a traceback, a setting or a reason from inside.
"""

from __future__ import annotations

from django.http import HttpResponse, JsonResponse
from django.template import loader
from django.utils.translation import gettext as _
from django.views import defaults

API_PREFIX = "/api/"

# What the 500 page says when even its template cannot be rendered (a broken static manifest,
# a template error): plain HTML, nothing that can fail.
FALLBACK_500 = (
    '<!DOCTYPE html><html lang="zh-hans"><head><meta charset="utf-8">'
    "<title>系统出错 · 审判质效管理平台</title></head><body>"
    "<h1>系统出错（500）</h1><p>系统处理请求时出错，错误已记录。请稍后重试。</p>"
    '<p><a href="/">返回首页</a></p></body></html>'
)


def _is_api(request) -> bool:
    return request.path.startswith(API_PREFIX)


def _json(status: int, detail: str) -> JsonResponse:
    return JsonResponse({"detail": detail}, status=status)


def bad_request(request, exception=None):
    if _is_api(request):
        return _json(400, _("请求无效。"))
    return defaults.bad_request(request, exception)


def permission_denied(request, exception=None):
    if _is_api(request):
        return _json(403, _("您没有执行该操作的权限。"))
    return defaults.permission_denied(request, exception)


def page_not_found(request, exception=None):
    if _is_api(request):
        return _json(404, _("未找到。"))
    # Django's own view puts the path tried into the context; the template does not show it.
    return defaults.page_not_found(request, exception)


def server_error(request):
    if _is_api(request):
        return _json(500, _("服务器内部错误。"))
    try:
        # No request context: the page must render whatever failed (session, user, database).
        return HttpResponse(loader.get_template("500.html").render(), status=500)
    except Exception:
        return HttpResponse(FALLBACK_500, status=500)


def csrf_failure(request, reason: str = ""):
    """A form sent without a valid CSRF token (CSRF_FAILURE_VIEW): why it happens and what to
    do, in the user's language; Django's reason stays in the log, not on the page."""
    if _is_api(request):
        return _json(403, _("CSRF 校验失败，请刷新页面后重试。"))
    template = loader.get_template("csrf_failure.html")
    return HttpResponse(template.render({}, request), status=403)
