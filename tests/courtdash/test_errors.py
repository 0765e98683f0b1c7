"""Error pages (courtdash/errors.py, templates/400.html … 500.html, csrf_failure.html): styled
from the base template, in Chinese (English when chosen), nothing from inside; JSON under /api/."""

import pytest
from django.conf import settings as django_settings
from django.template import loader
from django.test import Client
from django.utils import translation

from cases.choices import Role
from tests.courtdash.error_urls import SECRET
from tests.factories import UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.courtdash.error_urls")]
INTERNALS = [SECRET, "Traceback", "DEBUG", "settings.py", "urlpatterns", "Request URL", "reason"]


@pytest.fixture(autouse=True)
def _production(settings):
    settings.DEBUG = False


def english(client):
    client.cookies[django_settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def assert_styled(response, status: int, *texts: str) -> str:
    assert response.status_code == status
    assert response["Content-Type"].startswith("text/html")
    html = response.content.decode()
    assert 'class="auth-card error-card"' in html
    assert "courtdash/app.css" in html
    assert f'<div class="error-code" aria-hidden="true">{status}</div>' in html
    for text in texts:
        assert text in html
    for internal in INTERNALS:
        assert internal not in html
    return html


def test_404_is_the_styled_page_in_chinese(client):
    assert_styled(client.get("/no-such-page/"), 404, "页面不存在", "返回首页")


def test_404_for_a_signed_in_user_keeps_the_navigation(client):
    client.force_login(UserFactory(role=Role.OFFICE), "django.contrib.auth.backends.ModelBackend")
    html = assert_styled(client.get("/no-such-page/"), 404, "页面不存在")
    assert 'class="mainnav"' in html


def test_404_in_english(client):
    assert_styled(english(client).get("/no-such-page/"), 404, "Page not found")


def test_403_of_a_view_that_refuses_is_the_styled_page(client):
    client.force_login(UserFactory(role=Role.JUDGE), "django.contrib.auth.backends.ModelBackend")
    assert_styled(client.get("/import/"), 403, "无权访问", "只有审管办和系统管理员可以导入案件")


def test_400_is_the_styled_page(client):
    assert_styled(client.get("/test-errors/bad/"), 400, "请求无法处理")


def test_500_is_the_styled_page_without_internals():
    client = Client(raise_request_exception=False)
    assert_styled(client.get("/test-errors/fails/"), 500, "系统出错", "返回首页")
    assert_styled(english(client).get("/test-errors/fails/"), 500, "Server error")


def test_500_template_renders_with_no_context_at_all():
    with translation.override("zh-hans"):
        html = loader.get_template("500.html").render()
    assert "系统出错" in html and "error-card" in html


def test_500_falls_back_to_plain_html_when_its_template_fails(monkeypatch):
    def broken(name, *args, **kwargs):
        raise ValueError("Missing staticfiles manifest entry")

    monkeypatch.setattr("courtdash.errors.loader.get_template", broken)
    response = Client(raise_request_exception=False).get("/test-errors/fails/")
    assert response.status_code == 500
    assert "系统出错" in response.content.decode()
    assert "manifest" not in response.content.decode()


def test_csrf_failure_explains_itself_in_chinese_and_english():
    client = Client(enforce_csrf_checks=True)
    form = {"username": "x", "password": "y"}
    html = assert_styled(client.post("/accounts/login/", form), 403, "页面已过期", "刷新页面")
    assert "CSRF token" not in html
    assert_styled(english(client).post("/accounts/login/", form), 403, "Page expired")


def test_the_api_answers_errors_in_json(client):
    response = client.get("/api/v1/no-such-endpoint/")
    assert response.status_code == 404
    assert response.json() == {"detail": "未找到。"}
    response = Client(raise_request_exception=False).get("/api/v1/test-errors/fails/")
    assert response.status_code == 500
    assert set(response.json()) == {"detail"}
    assert SECRET not in response.content.decode()
