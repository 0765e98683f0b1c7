"""The office's upload page: a CSV/XLSX file → a preview (a dry run) → confirm → the summary.

Both runs are done by the Celery worker (cases.tasks.run_upload), so a large file neither holds
a web worker nor meets its timeout; meanwhile the upload's page shows how far the run is.

The uploaded file is kept under MEDIA_ROOT/imports/ with a random token, next to a small JSON
note of who uploaded it (cases.importing.uploads, which also removes it once past its keeping
time); only that user can confirm it or download its error report. The
preview and the import run the same validator and writer as the command and the API.
"""

from __future__ import annotations

import math
from pathlib import Path

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from cases import tasks
from cases.importing.columns import COLUMNS
from cases.importing.readers import size_message
from cases.importing.uploads import ALLOWED_SUFFIXES, SHOWN_ERRORS, JobKind, JobStatus, Upload
from cases.permissions import Action, may

REFRESH_SECONDS = 2  # the progress page reloads itself (no script needed)
MULTIPART_OVERHEAD_BYTES = 64 * 1024  # the form's other fields and part headers


def _content_length(request) -> int:
    try:
        return int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return 0


def _too_large(request, size: int, name: str):
    return _page(request, stage="upload", status=413, file_error=size_message(size, name=name))


def _require_importer(request) -> None:
    if not may(request.user, Action.IMPORT):
        raise PermissionDenied(_("只有审管办和系统管理员可以导入案件"))


def _page(request, *, status: int = 200, **context):
    return render(
        request,
        "cases/import.html",
        {
            "columns": COLUMNS,
            "shown_errors": SHOWN_ERRORS,
            "keep_hours": settings.COURTDASH_UPLOAD_KEEP_HOURS,
            **context,
        },
        status=status,
    )


def _queue(upload: Upload, kind: str):
    """Hand the run to the worker and show its progress page (or why it could not go)."""
    tasks.run_upload_enqueue(upload, kind)
    return redirect("cases:import_status", token=upload.token)


@login_required
@require_http_methods(["GET", "POST"])
def import_upload(request):
    """GET: the upload form. POST: keep the file and have the worker dry-run it; the status
    page shows the progress, then what would change."""
    _require_importer(request)
    if request.method == "GET":
        return _page(request, stage="upload")
    # Refused by its declared length before Django spools it to disk; then by its real size.
    declared = _content_length(request)
    if declared > settings.COURTDASH_UPLOAD_MAX_BYTES + MULTIPART_OVERHEAD_BYTES:
        return _too_large(request, declared, _("上传的文件"))
    uploaded = request.FILES.get("file")
    if uploaded is not None and uploaded.size > settings.COURTDASH_UPLOAD_MAX_BYTES:
        return _too_large(request, uploaded.size, Path(uploaded.name).name)
    if uploaded is None:
        return _page(request, stage="upload", status=400, file_error=_("请选择要导入的文件"))
    if Path(uploaded.name).suffix.lower() not in ALLOWED_SUFFIXES:
        return _page(request, stage="upload", status=400, file_error=_("只能导入 CSV 或 XLSX 文件"))
    return _queue(Upload.create(uploaded, request.user), JobKind.PREVIEW)


@login_required
@require_GET
def import_status(request, token: str):
    """An upload's page: its run in progress (the page refreshes itself), its preview, its
    import's result, or why it failed."""
    _require_importer(request)
    upload = Upload.of_user(token, request.user)
    job = upload.job
    if upload.busy:
        done, total = job.get("done"), job.get("total")
        percent = min(100, int(100 * done / total)) if done is not None and total else None
        return _page(
            request,
            stage="running",
            upload=upload,
            job=job,
            percent=percent,
            refresh=REFRESH_SECONDS,
            stalled_minutes=upload.stalled_minutes,
            redelivery_hours=math.ceil(
                settings.CELERY_BROKER_TRANSPORT_OPTIONS["visibility_timeout"] / 3600
            ),
        )
    if job.get("status") == JobStatus.FAILED:
        return _page(
            request,
            stage="upload",
            status=400,
            file_error=job.get("error", ""),
            retry_upload=upload if upload.retryable else None,
        )
    result = upload.note.get("result") or {}
    stage = "done" if upload.note.get("imported_at") else "preview"
    return _page(
        request, stage=stage, upload=upload, result=result, counts=result.get("counts", {})
    )


@login_required
@require_POST
def import_confirm(request, token: str):
    """Import the very file that was previewed; once."""
    _require_importer(request)
    upload = Upload.of_user(token, request.user)
    if upload.note.get("imported_at"):
        result = upload.note.get("result") or {}
        return _page(
            request,
            stage="done",
            upload=upload,
            counts=result.get("counts", {}),
            already=True,
            status=409,
        )
    if upload.job.get("status") != JobStatus.DONE:
        return redirect("cases:import_status", token=upload.token)  # a run is on its way
    return _queue(upload, JobKind.IMPORT)


@login_required
@require_POST
def import_retry(request, token: str):
    """Run a failed preview or import of the kept file again (a fresh count of starts)."""
    _require_importer(request)
    upload = Upload.of_user(token, request.user)
    if not upload.retryable:
        return redirect("cases:import_status", token=upload.token)
    return _queue(upload, upload.job["kind"])


@login_required
@require_GET
def import_report(request, token: str):
    """The rejected rows of the upload as CSV: one line per rejected row."""
    _require_importer(request)
    upload = Upload.of_user(token, request.user)
    if not upload.report_path.exists():
        raise Http404
    stem = Path(upload.name).stem
    return FileResponse(
        upload.report_path.open("rb"),
        as_attachment=True,
        filename=f"{stem}-错误报告.csv",
        content_type="text/csv; charset=utf-8",
    )
