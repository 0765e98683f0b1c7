"""Untrusted files and bodies (issue 10): size caps, zip bombs, broken workbooks, runs that fail
or kill their worker, oversized JSON bodies and batches — each refused or ended *failed* with a
Chinese message, never a hang, a crash or a 500."""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path

import openpyxl
import pytest
from django.db import OperationalError
from django.urls import reverse
from rest_framework.test import APIClient

from cases import tasks
from cases.api.parsers import LimitedJSONParser, RequestTooLarge
from cases.choices import CourtLevel, Role
from cases.importing import ImportFileError, open_source, uploads
from cases.importing.columns import COLUMNS
from cases.models import Case
from tests.cases.test_import import office, record, run_command, upload, write_csv  # noqa: F401
from tests.factories import CourtFactory, UserFactory

pytestmark = pytest.mark.django_db
NAMES = [column.name for column in COLUMNS]


def write_xlsx(path: Path, rows: list[dict]) -> Path:
    book = openpyxl.Workbook()
    sheet = book.active
    header = [name for name in NAMES if any(name in row for row in rows)]
    sheet.append(header)
    for row in rows:
        sheet.append([row.get(name) for name in header])
    book.save(path)
    return path


def rezip(path: Path, *, change: dict[str, bytes]) -> Path:
    """The workbook with some members' content replaced (or added)."""
    with zipfile.ZipFile(path) as source:
        members = {info.filename: source.read(info) for info in source.infolist()}
    members.update(change)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
        for name, data in members.items():
            target.writestr(name, data)
    return path


def truncated_workbook(path: Path) -> Path:
    write_xlsx(path, [record()])
    with zipfile.ZipFile(path) as source:
        workbook = source.read("xl/workbook.xml")
    return rezip(path, change={"xl/workbook.xml": workbook[: len(workbook) // 2]})


def zip_bomb(path: Path) -> Path:
    """A valid workbook plus 4 MB of one repeated string, zipped to a few KB (ratio ~1000)."""
    write_xlsx(path, [record()])
    return rezip(path, change={"xl/sharedStrings.xml": b"<si><t>a</t></si>" * (1 << 18)})


@pytest.fixture
def no_openpyxl(monkeypatch):
    """Fails the test if a workbook reaches openpyxl."""

    def refuse(*args, **kwargs):
        raise AssertionError("the workbook was parsed")

    monkeypatch.setattr(openpyxl, "load_workbook", refuse)


# --- broken and hostile workbooks ----------------------------------------------------------------


def test_a_truncated_workbook_is_an_import_file_error(tmp_path):
    with pytest.raises(ImportFileError, match="不是可读取的XLSX文件：内部 XML 已损坏或不完整"):
        open_source(truncated_workbook(tmp_path / "a.xlsx"))


def test_a_zip_bomb_is_refused_before_parsing(tmp_path, no_openpyxl):
    with pytest.raises(ImportFileError, match="压缩比超过 100 倍，疑似压缩炸弹"):
        open_source(zip_bomb(tmp_path / "bomb.xlsx"))


def test_members_declaring_more_than_the_limit_are_refused_before_parsing(
    tmp_path, settings, no_openpyxl
):
    settings.COURTDASH_XLSX_MAX_UNCOMPRESSED_BYTES = 5000  # an ordinary workbook's parts: more
    path = write_xlsx(tmp_path / "a.xlsx", [record()])

    with pytest.raises(ImportFileError, match="解压后超过"):
        open_source(path)


def test_a_zip_that_is_no_workbook_is_refused(tmp_path, no_openpyxl):
    path = tmp_path / "a.xlsx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("hello.txt", "hi")

    with pytest.raises(ImportFileError, match="缺少工作簿"):
        open_source(path)


@pytest.mark.parametrize("make", [truncated_workbook, zip_bomb], ids=["truncated", "bomb"])
def test_command_exits_2_with_a_clear_error_for_a_broken_or_hostile_workbook(tmp_path, make):
    code, _out, err = run_command(make(tmp_path / "a.xlsx"))

    assert code == 2
    assert "不是可读取的XLSX文件" in err and "没有导入任何数据" in err
    assert "Traceback" not in err
    assert Case.objects.count() == 0


# --- size caps -----------------------------------------------------------------------------------


def test_a_file_over_the_size_cap_is_refused_by_the_command(tmp_path, settings):
    settings.COURTDASH_UPLOAD_MAX_BYTES = 100
    path = write_csv(tmp_path / "a.csv", [record()] * 1)
    assert path.stat().st_size > 100

    code, _out, err = run_command(path)

    assert code == 2
    assert "超过上限" in err and "请拆分后分批导入" in err
    assert Case.objects.count() == 0


def test_an_upload_over_the_size_cap_is_refused_and_not_kept(client, office, tmp_path, settings):  # noqa: F811
    settings.COURTDASH_UPLOAD_MAX_BYTES = 100
    client.force_login(office)
    path = write_csv(tmp_path / "a.csv", [record()])

    response = upload(client, path)

    assert response.status_code == 413
    assert "超过上限" in response.content.decode()
    imports = tmp_path / "media" / "imports"
    assert not imports.exists() or not any(imports.iterdir())


# --- runs that fail end failed, visibly, and can be retried --------------------------------------


def test_a_truncated_workbook_upload_ends_failed_with_a_message_and_a_new_upload_works(
    client,
    office,  # noqa: F811
    tmp_path,
):
    client.force_login(office)

    response = upload(client, truncated_workbook(tmp_path / "a.xlsx"))

    assert response.status_code == 400
    assert response.context["stage"] == "upload"  # the form again, no refresh
    assert "内部 XML 已损坏或不完整" in response.content.decode()
    assert not response.context.get("refresh")
    token = response.redirect_chain[0][0].rstrip("/").rsplit("/", 1)[-1]
    assert uploads.Upload.of_token(token).job["status"] == "failed"
    again = upload(client, write_xlsx(tmp_path / "b.xlsx", [record()]))
    assert again.context["stage"] == "preview"


def test_a_run_that_fails_unexpectedly_ends_failed_keeps_the_file_and_can_be_retried(
    client,
    office,  # noqa: F811
    tmp_path,
    monkeypatch,
):
    from cases.importing import services

    real_import = services.case_import

    def lost_connection(**kwargs):
        raise OperationalError("server closed the connection unexpectedly")

    monkeypatch.setattr(services, "case_import", lost_connection)
    monkeypatch.setattr("cases.importing.case_import", lost_connection)
    client.force_login(office)

    failed = upload(client, write_csv(tmp_path / "a.csv", [record()]))

    assert failed.status_code == 400
    html = failed.content.decode()
    assert "数据库连接中断" in html and "文件已保留，可以重试" in html
    assert "server closed" not in html  # no internals
    retry_upload = failed.context["retry_upload"]
    assert retry_upload.data_path.exists()
    assert reverse("cases:import_retry", args=[retry_upload.token]) in html

    monkeypatch.setattr("cases.importing.case_import", real_import)
    retried = client.post(reverse("cases:import_retry", args=[retry_upload.token]), follow=True)

    assert retried.context["stage"] == "preview"
    assert 'data-count="created">1<' in retried.content.decode()


def test_a_run_whose_worker_died_each_time_ends_failed_not_redelivered_forever(
    client,
    office,  # noqa: F811
    tmp_path,
    settings,
    monkeypatch,
):
    settings.COURTDASH_TASK_MAX_STARTS = 3
    client.force_login(office)
    real_delay = tasks.run_upload.delay
    queued = []
    monkeypatch.setattr(tasks.run_upload, "delay", queued.append)  # no worker yet
    token = upload(client, write_csv(tmp_path / "a.csv", [record()])).context["upload"].token
    job_upload = uploads.Upload.of_token(token)
    for _ in range(3):  # three deliveries that each killed the worker after starting
        assert job_upload.job_start()

    assert tasks.run_upload.apply(args=[token]).get() == "failed"  # the fourth delivery

    job = uploads.Upload.of_token(token).job
    assert job["status"] == "failed" and "处理中断次数过多" in job["error"]
    page = client.get(reverse("cases:import_status", args=[token]))
    assert "处理中断次数过多" in page.content.decode()
    assert page.context["retry_upload"] is not None  # the file is kept
    assert tasks.run_upload.apply(args=[token]).get() == "failed"  # a redelivery: still failed
    monkeypatch.setattr(tasks.run_upload, "delay", real_delay)
    retried = client.post(reverse("cases:import_retry", args=[token]), follow=True)
    assert retried.context["stage"] == "preview"  # a retry starts the count afresh


def test_a_failure_outside_the_run_still_ends_the_upload_failed(
    client,
    office,  # noqa: F811
    tmp_path,
    monkeypatch,
):
    queued = []
    monkeypatch.setattr(tasks.run_upload, "delay", queued.append)
    client.force_login(office)
    token = upload(client, write_csv(tmp_path / "a.csv", [record()])).context["upload"].token

    def broken(self):
        raise OSError("disk full")

    monkeypatch.setattr(uploads.Upload, "job_start", broken)

    assert tasks.run_upload.apply(args=[token]).get() == "failed"
    assert uploads.Upload.of_token(token).job["status"] == "failed"


# --- request limits ------------------------------------------------------------------------------


@pytest.fixture
def city_office(settings):
    court = CourtFactory(code="苏05", level=CourtLevel.INTERMEDIATE, parent=None)
    CourtFactory(code="苏0505", level=CourtLevel.BASIC, parent=court)
    client = APIClient()
    client.force_authenticate(UserFactory(role=Role.OFFICE, court=court))
    return client


def test_a_json_body_over_the_cap_gets_413_with_a_chinese_message(city_office, settings):
    settings.COURTDASH_API_MAX_JSON_BYTES = 2000
    records = [record(cause="民间借贷纠纷" * 10)] * 10
    assert len(json.dumps(records).encode()) > 2000

    response = city_office.post("/api/v1/case-imports/", records, format="json")

    assert response.status_code == 413
    assert "请求体超过上限" in response.json()["detail"]
    assert Case.objects.count() == 0


def test_the_json_cap_holds_whatever_the_declared_length(settings):
    settings.COURTDASH_API_MAX_JSON_BYTES = 10
    stream = io.BytesIO(b'["' + b"x" * 100 + b'"]')

    with pytest.raises(RequestTooLarge):
        LimitedJSONParser().parse(stream, parser_context={})
    assert LimitedJSONParser().parse(io.BytesIO(b"[1, 2]"), parser_context={}) == [1, 2]


def test_json_is_capped_on_every_endpoint_by_default(settings):
    from rest_framework.settings import api_settings

    assert api_settings.DEFAULT_PARSER_CLASSES[0] is LimitedJSONParser


def test_a_batch_over_the_record_cap_gets_413_and_writes_nothing(city_office, settings):
    settings.COURTDASH_API_IMPORT_MAX_RECORDS = 2
    records = [record(case_number=f"（2025）苏0505民初{n}号") for n in range(1, 4)]

    response = city_office.post("/api/v1/case-imports/", records, format="json")

    assert response.status_code == 413
    assert "一次最多提交 2 条记录" in response.json()["detail"]
    assert Case.objects.count() == 0
    ok = city_office.post("/api/v1/case-imports/", records[:2], format="json")
    assert ok.status_code == 200 and Case.objects.count() == 2
