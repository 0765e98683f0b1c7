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
import re
import secrets
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.http import Http404
from django.utils import timezone

ALLOWED_SUFFIXES = {".csv", ".xlsx"}
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
        (_imports_dir() / f"{self.token}.json").write_text(
            json.dumps(self.note, ensure_ascii=False), encoding="utf-8"
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
        if not TOKEN_PATTERN.match(token):
            raise Http404
        path = _imports_dir() / f"{token}.json"
        try:
            note = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            raise Http404 from None
        if note.get("user_id") != user.id:
            raise Http404
        return cls(token, note)

    def discard(self) -> None:
        for path in (self.data_path, self.report_path, _imports_dir() / f"{self.token}.json"):
            path.unlink(missing_ok=True)


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
