"""The office's upload page: a CSV/XLSX file → a preview (a dry run) → confirm → the summary.

The uploaded file is kept under MEDIA_ROOT/imports/ with a random token, next to a small JSON
note of who uploaded it (cases.importing.uploads, which also removes it once past its keeping
time); only that user can confirm it or download its error report. The
preview and the import run the same validator and writer as the command and the API.
"""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from cases.importing import ImportFileError, case_import, may_import, open_source
from cases.importing.columns import COLUMNS
from cases.importing.uploads import ALLOWED_SUFFIXES, Upload

SAMPLE_SIZE = 10
SHOWN_ERRORS = 100


def _require_importer(request) -> None:
    if not may_import(request.user):
        raise PermissionDenied(_("只有审管办和系统管理员可以导入案件"))


def _run(upload: Upload, request, *, dry_run: bool):
    source = open_source(upload.data_path, name=upload.name)
    with upload.report_path.open("w", encoding="utf-8-sig", newline="") as report:
        return case_import(
            sources=[source],
            request=request,
            origin="upload",
            dry_run=dry_run,
            report=report,
            max_errors=SHOWN_ERRORS,
            sample_size=SAMPLE_SIZE if dry_run else 0,
        )


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


@login_required
@require_http_methods(["GET", "POST"])
def import_upload(request):
    """GET: the upload form. POST: keep the file, dry-run it, show what would change."""
    _require_importer(request)
    if request.method == "GET":
        return _page(request, stage="upload")
    uploaded = request.FILES.get("file")
    if uploaded is None:
        return _page(request, stage="upload", status=400, file_error=_("请选择要导入的文件"))
    if Path(uploaded.name).suffix.lower() not in ALLOWED_SUFFIXES:
        return _page(request, stage="upload", status=400, file_error=_("只能导入 CSV 或 XLSX 文件"))
    upload = Upload.create(uploaded, request.user)
    try:
        result = _run(upload, request, dry_run=True)
    except ImportFileError as error:
        upload.discard()
        return _page(request, stage="upload", status=400, file_error=str(error))
    return _page(request, stage="preview", upload=upload, result=result, counts=result.counts())


@login_required
@require_POST
def import_confirm(request, token: str):
    """Import the very file that was previewed; once."""
    _require_importer(request)
    upload = Upload.of_user(token, request.user)
    if upload.note.get("imported_at"):
        return _page(
            request,
            stage="done",
            upload=upload,
            counts=upload.note.get("counts", {}),
            already=True,
            status=409,
        )
    try:
        result = _run(upload, request, dry_run=False)
    except ImportFileError as error:
        return _page(request, stage="upload", status=400, file_error=str(error))
    upload.note["imported_at"] = timezone.now().isoformat()
    upload.note["counts"] = result.counts()
    upload.save_note()
    upload.data_path.unlink(missing_ok=True)  # imported: only the note and the report remain
    return _page(request, stage="done", upload=upload, result=result, counts=result.counts())


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
