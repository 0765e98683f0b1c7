"""The import page's uploads do not stay: never confirmed after a day, imported ones' notes and
error reports after a month; a beat entry runs the purge, through the real task."""

import datetime
import json
import os

import pytest
from django.conf import settings as django_settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from cases.importing.uploads import Upload, uploads_purge
from cases.tasks import purge_uploads
from courtdash.celery import app
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
NOW = datetime.datetime(2025, 6, 30, 3, 0, tzinfo=datetime.UTC)


@pytest.fixture
def imports(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.COURTDASH_UPLOAD_KEEP_HOURS = 24
    settings.COURTDASH_IMPORT_REPORT_KEEP_DAYS = 30
    return tmp_path / "media" / "imports"


def _upload(user, *, hours_ago: float, imported: bool = False) -> Upload:
    upload = Upload.create(SimpleUploadedFile("批次.csv", "案号\n".encode()), user)
    upload.note["uploaded_at"] = (NOW - datetime.timedelta(hours=hours_ago)).isoformat()
    upload.report_path.write_text("行号,案号,错误\n", encoding="utf-8-sig")
    if imported:
        upload.note["imported_at"] = upload.note["uploaded_at"]
        upload.data_path.unlink()
    upload.save_note()
    return upload


def _files(directory) -> set[str]:
    return {path.name for path in directory.iterdir()}


def test_unconfirmed_uploads_go_after_a_day_imported_reports_after_a_month(imports):
    user = UserFactory()
    fresh = _upload(user, hours_ago=23)
    stale = _upload(user, hours_ago=25)
    reported = _upload(user, hours_ago=24 * 29, imported=True)
    expired = _upload(user, hours_ago=24 * 31, imported=True)
    stray = imports / "leftover.csv"
    stray.write_text("x")
    old = (NOW - datetime.timedelta(hours=30)).timestamp()
    os.utime(stray, (old, old))

    result = uploads_purge(now=NOW)

    assert (result.unconfirmed, result.imported, result.files) == (1, 1, 3 + 2 + 1)
    kept = _files(imports)
    for upload in (fresh, reported):
        assert f"{upload.token}.json" in kept and upload.report_path.name in kept
    assert fresh.data_path.name in kept
    assert not any(name.startswith((stale.token, expired.token)) for name in kept)
    assert "leftover.csv" not in kept
    assert uploads_purge(now=NOW).files == 0  # a second run finds nothing


def test_a_note_that_cannot_be_read_is_judged_by_its_file_time(imports):
    user = UserFactory()
    broken = _upload(user, hours_ago=1)
    (imports / f"{broken.token}.json").write_text("{not json")
    assert uploads_purge(now=timezone.now()).files == 0  # written just now: kept
    later = timezone.now() + datetime.timedelta(hours=25)
    assert uploads_purge(now=later).unconfirmed == 1
    assert _files(imports) == set()


def test_the_purge_is_scheduled_nightly_and_its_task_is_registered(imports):
    entry = django_settings.CELERY_BEAT_SCHEDULE["cases-purge-uploads"]
    assert entry["task"] == purge_uploads.name == "cases.tasks.purge_uploads"
    assert entry["task"] in app.tasks
    assert entry["schedule"].hour == {3}
    user = UserFactory()
    _upload(user, hours_ago=24 * 400)
    result = purge_uploads.apply().get()  # the task body, in process
    assert result == {"unconfirmed": 1, "imported": 0, "files": 3}
    assert json.dumps(result)  # plain JSON for the result backend


def test_a_run_that_stopped_moving_is_shown_as_probably_interrupted(imports, client, settings):
    """A killed worker leaves its run 'running' until the broker hands it out again (hours
    later): once no progress was noted for COURTDASH_IMPORT_STALL_MINUTES, the page says so."""
    from cases.choices import Role
    from tests.factories import CourtFactory

    settings.COURTDASH_IMPORT_STALL_MINUTES = 5
    office = UserFactory(role=Role.OFFICE, court=CourtFactory(code="苏0505"))
    client.force_login(office)
    upload = _upload(office, hours_ago=0)
    upload.job_queue("import")
    assert upload.job_start()
    note = imports / f"{upload.token}.json"

    moving = client.get(f"/import/{upload.token}/")
    assert moving.status_code == 200
    assert b"data-stalled" not in moving.content

    four_minutes_ago = note.stat().st_mtime - 4 * 60
    os.utime(note, (four_minutes_ago, four_minutes_ago))
    assert b"data-stalled" not in client.get(f"/import/{upload.token}/").content

    six_minutes_ago = note.stat().st_mtime - 2 * 60
    os.utime(note, (six_minutes_ago, six_minutes_ago))
    page = client.get(f"/import/{upload.token}/").content.decode()
    assert 'data-stalled="6"' in page
    assert "可能已意外中断" in page

    upload.job_update(status="done")  # a finished run is never 'stalled'
    assert Upload.of_token(upload.token).stalled_minutes is None
