"""The worker killed mid-import (kill -9): nothing of the import is written (it is one
transaction), and the upload's page shows what happened once the task is delivered again."""

from __future__ import annotations

import datetime
import time

import pytest
from django.urls import reverse

from cases import tasks
from cases.choices import CourtLevel, Role
from cases.importing import uploads
from cases.importing.synthetic import write_synthetic_file
from cases.models import Case
from tests.factories import CourtFactory, UserFactory
from tests.worker import broker_client, wait_until

VISIBILITY_TIMEOUT = 2
ROWS = 60_000


@pytest.mark.worker
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_worker_killed_mid_import_writes_nothing_and_the_upload_shows_it_failed(
    client, flushable, queue, workers, settings, tmp_path, monkeypatch
):
    settings.MEDIA_ROOT = tmp_path / "media"  # the workers' too (COURTDASH_DATA_DIR below)
    queued: list = []
    monkeypatch.setattr(tasks.run_upload, "delay", queued.append)  # the preview is not run
    office = UserFactory(
        role=Role.OFFICE, court=CourtFactory(code="苏05", level=CourtLevel.INTERMEDIATE)
    )
    client.force_login(office)
    path = tmp_path / "big.csv"
    write_synthetic_file(path, ROWS, as_of=datetime.date(2025, 6, 30), seed=11)
    with path.open("rb") as stream:
        status_url = client.post(reverse("cases:import"), {"file": stream})["Location"]
    token = queued[0]
    uploads.Upload.of_token(token).job_queue(uploads.JobKind.IMPORT)  # as if confirmed
    task = tasks.run_upload.apply_async([token], queue=queue)

    env = {"COURTDASH_DATA_DIR": str(tmp_path), "CELERY_VISIBILITY_TIMEOUT": "2"}
    first = workers(queue, "killed", **env)

    def job() -> dict:
        return uploads.Upload.of_token(token).job

    def halfway() -> bool:
        current = job()
        return bool(current.get("total")) and (current.get("done") or 0) >= current["total"] / 2

    wait_until(halfway, timeout=120, interval=0.05, message="the import never got halfway")
    first.kill()

    assert Case.objects.count() == 0  # one transaction: nothing half-written
    assert job()["status"] == "running" and job()["starts"] == 1
    assert client.get(status_url).context["stage"] == "running"

    # Delivered again to a fresh worker; with one start allowed, the run is failed, visibly.
    unacked = broker_client().zrange("unacked_index", 0, -1, withscores=True)
    assert unacked, "the killed worker's message should still be unacknowledged"
    delivered_at = max(score for _, score in unacked)
    time.sleep(max(0.0, delivered_at + VISIBILITY_TIMEOUT + 0.5 - time.time()))
    second = workers(queue, "fresh", COURTDASH_TASK_MAX_STARTS="1", **env)
    wait_until(lambda: job()["status"] == "failed", timeout=60, message="not failed")
    second.stop()

    assert f"[{task.id}] received" in second.log_path.read_text()
    assert Case.objects.count() == 0
    assert "处理中断次数过多（1 次）" in job()["error"]
    page = client.get(status_url)
    assert "处理中断次数过多" in page.content.decode()
    assert page.context["retry_upload"] is not None  # the file is kept for a retry
