"""Files uploaded on the import page, kept between the preview and the confirmation.

Each upload is MEDIA_ROOT/imports/<token>.json (who uploaded what, when, whether imported),
<token>.csv|.xlsx (the file, removed once imported) and <token>.report.csv (its rejected rows).
They hold case data, so they do not stay: `uploads_purge` (nightly, cases.tasks) removes an
upload never confirmed after COURTDASH_UPLOAD_KEEP_HOURS, and an imported upload's note and
error report after COURTDASH_IMPORT_REPORT_KEEP_DAYS.
"""

from __future__ import annotations

import datetime
import json
import logging
import os
import re
import secrets
import time
from dataclasses import asdict, dataclass
from pathlib import Path

from django.conf import settings
from django.db import InterfaceError, OperationalError
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

ALLOWED_SUFFIXES = {".csv", ".xlsx"}
SAMPLE_SIZE = 10  # rows of each kind shown by the preview
SHOWN_ERRORS = 100  # rejected rows shown by the page (all of them in the error report)
PROGRESS_EVERY = 0.5  # seconds between two progress notes


class JobStatus:
    QUEUED = "queued"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"


class JobKind:
    PREVIEW = "preview"
    IMPORT = "import"


logger = logging.getLogger(__name__)

TOKEN_PATTERN = re.compile(r"^[A-Za-z0-9_-]{20,64}$")


def _imports_dir() -> Path:
    directory = Path(settings.MEDIA_ROOT) / "imports"
    directory.mkdir(parents=True, exist_ok=True)
    return directory


class Upload:
    """An uploaded file and its note: <token>.json, <token>.csv|.xlsx, <token>.report.csv."""

    def __init__(self, token: str, note: dict):
        self.token = token
        self.note = note

    @property
    def data_path(self) -> Path:
        return _imports_dir() / f"{self.token}{self.note['suffix']}"

    @property
    def report_path(self) -> Path:
        return _imports_dir() / f"{self.token}.report.csv"

    @property
    def name(self) -> str:
        return self.note["name"]

    def save_note(self) -> None:
        """Written whole or not at all (a new file renamed over the old): the page reads the
        note while the worker writes its progress."""
        path = _imports_dir() / f"{self.token}.json"
        partial = path.with_suffix(f".{secrets.token_hex(4)}.partial")
        partial.write_text(json.dumps(self.note, ensure_ascii=False, default=str), "utf-8")
        os.replace(partial, path)

    @classmethod
    def of_token(cls, token: str) -> Upload | None:
        """The upload of a token whoever uploaded it (the worker's way in), or None."""
        if not TOKEN_PATTERN.match(token):
            return None
        try:
            note = json.loads((_imports_dir() / f"{token}.json").read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        return cls(token, note)

    # The run of the preview (a dry run) or of the import, done by the worker (cases.tasks):
    # note["job"] = {"kind": "preview"|"import", "status": "queued"|"running"|"done"|"failed",
    #                "step": what is being done, "done"/"total": how far, "error": why it failed}
    # and note["result"]: what the page shows of the finished run.

    @property
    def job(self) -> dict:
        return self.note.get("job") or {}

    @property
    def busy(self) -> bool:
        return self.job.get("status") in (JobStatus.QUEUED, JobStatus.RUNNING)

    def job_queue(self, kind: str) -> None:
        self.note["job"] = {"kind": kind, "status": JobStatus.QUEUED, "queued_at": timezone.now()}
        self.save_note()

    def job_update(self, **fields) -> None:
        self.note["job"] = {**self.job, **fields}
        self.save_note()

    def job_start(self) -> bool:
        """Count a start of the queued run before doing anything (the note survives a killed
        worker). False, and the run marked failed, once it was started
        COURTDASH_TASK_MAX_STARTS times without finishing: a file that kills its worker is not
        redelivered (acks_late + reject_on_worker_lost) forever."""
        starts = self.job.get("starts", 0)
        if starts >= settings.COURTDASH_TASK_MAX_STARTS:
            self.job_update(
                status=JobStatus.FAILED,
                error=_("处理中断次数过多（%(count)s 次），已停止。文件已保留，可以重试。")
                % {"count": starts},
                retryable=True,
            )
            return False
        # Started before and never finished: its worker died (killed, out of memory, the
        # machine restarted) and the broker delivered the run again. The page says so.
        interrupted = (
            _("上次处理意外中断（%(count)s 次），中断时未写入任何数据，已自动重新开始。")
            % {"count": starts}
            if starts
            else ""
        )
        self.job_update(
            status=JobStatus.RUNNING,
            step="",
            done=0,
            total=None,
            error="",
            starts=starts + 1,
            interrupted=interrupted,
        )
        return True

    @property
    def stalled_minutes(self) -> int | None:
        """Minutes since a running run last noted its progress (every PROGRESS_EVERY seconds
        while it works), once more than COURTDASH_IMPORT_STALL_MINUTES: its worker has most
        likely died (killed, out of memory). None while it moves, and for any other state."""
        if self.job.get("status") != JobStatus.RUNNING:
            return None
        try:
            modified = (_imports_dir() / f"{self.token}.json").stat().st_mtime
        except OSError:
            return None
        minutes = int((time.time() - modified) // 60)
        return minutes if minutes >= settings.COURTDASH_IMPORT_STALL_MINUTES else None

    @property
    def retryable(self) -> bool:
        """A failed run whose file is still here (not an unreadable file, not imported)."""
        return (
            self.job.get("status") == JobStatus.FAILED
            and bool(self.job.get("retryable"))
            and not self.note.get("imported_at")
            and self.data_path.exists()
        )

    @classmethod
    def create(cls, uploaded, user) -> Upload:
        upload = cls(
            secrets.token_urlsafe(24),
            {
                "user_id": user.id,
                "name": Path(uploaded.name).name[:200],
                "suffix": Path(uploaded.name).suffix.lower(),
                "uploaded_at": timezone.now().isoformat(),
                "imported_at": None,
            },
        )
        with upload.data_path.open("wb") as stream:
            for piece in uploaded.chunks():
                stream.write(piece)
        upload.save_note()
        return upload

    @classmethod
    def of_user(cls, token: str, user) -> Upload:
        """The user's own upload, else 404 (another user's token is as good as unknown)."""
        upload = cls.of_token(token)
        if upload is None or upload.note.get("user_id") != user.id:
            raise Http404
        return upload


@dataclass(frozen=True)
class PurgeResult:
    unconfirmed: int  # uploads never imported, removed whole
    imported: int  # imported uploads whose note and error report were removed
    files: int  # files removed in all (strays without a note included)


def _uploaded_at(note: dict) -> datetime.datetime | None:
    try:
        return datetime.datetime.fromisoformat(note["uploaded_at"])
    except (KeyError, TypeError, ValueError):
        return None


def uploads_purge(*, now: datetime.datetime | None = None) -> PurgeResult:
    """Remove the uploads past their keeping time (see the module docstring), and files of the
    imports folder that belong to no note and are older than an unconfirmed upload may be."""
    now = now or timezone.now()
    keep_unconfirmed = datetime.timedelta(hours=settings.COURTDASH_UPLOAD_KEEP_HOURS)
    keep_imported = datetime.timedelta(days=settings.COURTDASH_IMPORT_REPORT_KEEP_DAYS)
    directory = _imports_dir()
    unconfirmed = imported = files = 0
    tokens: set[str] = set()
    for note_path in directory.glob("*.json"):
        token = note_path.stem
        if not TOKEN_PATTERN.match(token):
            continue  # not ours: judged below as a stray file
        tokens.add(token)
        try:
            note = json.loads(note_path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            note = {}
        uploaded_at = _uploaded_at(note)
        if uploaded_at is None:
            uploaded_at = datetime.datetime.fromtimestamp(note_path.stat().st_mtime, datetime.UTC)
        keep = keep_imported if note.get("imported_at") else keep_unconfirmed
        if now - uploaded_at <= keep:
            continue
        for path in directory.glob(f"{token}.*"):  # the note, the file, the report
            path.unlink(missing_ok=True)
            files += 1
        if note.get("imported_at"):
            imported += 1
        else:
            unconfirmed += 1
    for path in directory.iterdir():
        token = path.name.split(".", 1)[0]
        if token in tokens or not path.is_file():
            continue
        modified = datetime.datetime.fromtimestamp(path.stat().st_mtime, datetime.UTC)
        if now - modified > keep_unconfirmed:
            path.unlink(missing_ok=True)
            files += 1
    return PurgeResult(unconfirmed=unconfirmed, imported=imported, files=files)


def _result_of(result) -> dict:
    """What the page shows of a finished run, as JSON."""
    return {
        "counts": result.counts(),
        "sources": [asdict(source) for source in result.sources],
        "errors": [asdict(error) for error in result.errors],
        "samples": result.samples,
    }


def upload_run(*, token: str) -> str:
    """Run the job queued on an upload: the preview (a dry run, with samples) or the import,
    with the same validator and writer as the command and the API; its progress, result or
    error go to the upload's note. Returns the job's final status. Safe to run twice: a job
    already done is left as it is, and a file is imported once."""
    from cases.importing import ImportFileError, case_import, open_source
    from cases.models import User

    upload = Upload.of_token(token)
    if upload is None or not upload.job:
        return JobStatus.FAILED  # purged meanwhile, or nothing was asked
    if upload.job["status"] in (JobStatus.DONE, JobStatus.FAILED):
        return upload.job["status"]  # a failed run runs again only when queued again (retry)
    kind = upload.job["kind"]
    dry_run = kind == JobKind.PREVIEW
    if not dry_run and upload.note.get("imported_at"):
        upload.job_update(status=JobStatus.DONE)
        return JobStatus.DONE
    if not upload.job_start():
        return JobStatus.FAILED
    last = [0.0]

    def progress(step: str, done: int | None, total: int | None) -> None:
        now = time.monotonic()
        if done is not None and now - last[0] < PROGRESS_EVERY:
            return
        last[0] = now
        upload.job_update(step=step, done=done, total=total)

    try:
        actor = User.objects.get(pk=upload.note["user_id"])
        source = open_source(upload.data_path, name=upload.name)
        with upload.report_path.open("w", encoding="utf-8-sig", newline="") as report:
            result = case_import(
                sources=[source],
                actor=actor,
                origin="upload",
                dry_run=dry_run,
                report=report,
                max_errors=SHOWN_ERRORS,
                sample_size=SAMPLE_SIZE if dry_run else 0,
                progress=progress,
            )
    except ImportFileError as error:
        # The file itself cannot be read: a retry would fail alike, so a previewed file is not
        # kept (the user uploads a corrected one).
        if dry_run:
            upload.data_path.unlink(missing_ok=True)
        upload.job_update(status=JobStatus.FAILED, error=str(error), retryable=not dry_run)
        return JobStatus.FAILED
    except Exception as error:  # whatever it was, the run ends failed, visibly
        # The import is one transaction: nothing of it was written. The file stays for a retry.
        logger.exception("upload %s: the %s run failed", token, kind)
        upload.job_update(status=JobStatus.FAILED, error=_failure_message(error), retryable=True)
        return JobStatus.FAILED
    upload.note["result"] = _result_of(result)
    if not dry_run:
        upload.note["imported_at"] = timezone.now().isoformat()
        upload.data_path.unlink(missing_ok=True)  # imported: only the note and the report remain
    upload.job_update(status=JobStatus.DONE, finished_at=timezone.now())
    return JobStatus.DONE


def _failure_message(error: Exception) -> str:
    """Why a run failed, for the page: plain words, no internals (the log has the traceback)."""
    from celery.exceptions import SoftTimeLimitExceeded

    from cases.models import User

    if isinstance(error, SoftTimeLimitExceeded):
        reason = _("处理超时")
    elif isinstance(error, OperationalError | InterfaceError):
        reason = _("数据库连接中断")
    elif isinstance(error, User.DoesNotExist):
        return _("上传此文件的用户已不存在，无法导入。")
    elif isinstance(error, OSError):
        reason = _("读写文件出错")
    else:
        reason = _("处理时发生意外错误")
    return _("%(reason)s，本次未写入任何数据。文件已保留，可以重试。") % {"reason": reason}
