"""The upload page's runs go through the broker to a real Celery worker: the page shows the
progress meanwhile, then the preview; confirmed, the worker imports the file."""

import pytest
from django.urls import reverse

from cases import tasks
from cases.choices import AuditAction, CourtLevel, Role
from cases.models import AuditEvent, Case
from tests.cases.test_import import record, write_csv
from tests.factories import CourtFactory, UserFactory
from tests.worker import wait_until


@pytest.mark.worker
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_preview_and_import_run_on_a_real_worker(
    client, flushable, queue, workers, settings, tmp_path, monkeypatch
):
    media = tmp_path / "media"
    settings.MEDIA_ROOT = media
    monkeypatch.setattr(
        tasks.run_upload, "delay", lambda token: tasks.run_upload.apply_async([token], queue=queue)
    )
    office = UserFactory(
        role=Role.OFFICE, court=CourtFactory(code="苏05", level=CourtLevel.INTERMEDIATE)
    )
    client.force_login(office)
    path = write_csv(
        tmp_path / "a.csv",
        [record(), record(case_number="（2025）苏0505民初2号", division="")],
        chinese=True,
    )

    with path.open("rb") as stream:
        response = client.post(reverse("cases:import"), {"file": stream})
    status_url = response["Location"]
    first = client.get(status_url)
    assert first.context["stage"] == "running"  # no worker yet: queued, the page says so
    assert "排队等待后台处理" in first.content.decode()

    workers(queue, COURTDASH_DATA_DIR=str(tmp_path))  # its MEDIA_ROOT is this media folder

    def stage() -> str:
        return client.get(status_url).context["stage"]

    wait_until(lambda: stage() == "preview", timeout=60, message="no preview from the worker")
    preview = client.get(status_url).content.decode()
    assert 'data-count="created">1<' in preview and 'data-count="rejected">1<' in preview
    assert Case.objects.count() == 0

    token = first.context["upload"].token
    client.post(reverse("cases:import_confirm", args=[token]))
    wait_until(lambda: stage() == "done", timeout=60, message="the worker did not import")
    assert Case.objects.get().case_number == "（2025）苏0505民初1号"
    event = AuditEvent.objects.get(action=AuditAction.CASE_IMPORT)
    assert (event.user, event.detail["origin"]) == (office, "upload")
