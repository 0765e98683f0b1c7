"""Deployment: docker-compose agrees with the settings; production settings pass
`check --deploy`; the CSP forbids inline scripts; nothing comes from a CDN."""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def compose():
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())


def test_compose_has_the_whole_stack(compose):
    assert {"postgres", "redis", "web", "worker", "beat"} <= set(compose["services"])


def test_compose_app_services_get_every_setting_the_app_reads(compose):
    settings_source = (ROOT / "courtdash" / "settings.py").read_text()
    for name in ("web", "worker", "beat", "migrate"):
        env = compose["services"][name]["environment"]
        for key in ("DATABASE_URL", "REDIS_URL", "DJANGO_SECRET_KEY", "DJANGO_ALLOWED_HOSTS"):
            assert key in env, f"{name} lacks {key}"
            assert f'"{key}"' in settings_source, f"settings do not read {key}"
        assert env["DATABASE_URL"].startswith("postgres://")
        assert "@postgres:5432/" in env["DATABASE_URL"]
        assert env["REDIS_URL"].startswith("redis://redis:6379")
        assert str(env["DJANGO_DEBUG"]).lower() == "false"


def test_web_and_worker_share_the_media_folder(compose):
    """The import page's uploads are written by web and purged by the worker (cases.tasks)."""
    # In the image, the app is /app and its data folder the default ./data (settings.py).
    assert 'MEDIA_ROOT = DATA_DIR / "media"' in (ROOT / "courtdash" / "settings.py").read_text()
    for name in ("web", "worker"):
        assert "media:/app/data/media" in compose["services"][name]["volumes"], name
    assert "media" in compose["volumes"]
    assert "mkdir -p /app/data/media" in (ROOT / "Dockerfile").read_text()


def test_compose_database_credentials_match(compose):
    pg = compose["services"]["postgres"]["environment"]
    url = compose["services"]["web"]["environment"]["DATABASE_URL"]
    user, rest = url.removeprefix("postgres://").split(":", 1)
    assert user == pg["POSTGRES_USER"]
    assert url.rsplit("/", 1)[1] == pg["POSTGRES_DB"]
    assert rest.split("@")[0] == pg["POSTGRES_PASSWORD"]


def test_compose_commands_start_the_real_processes(compose):
    services = compose["services"]
    assert "courtdash.wsgi" in services["web"]["command"]
    assert services["worker"]["command"][:4] == ["celery", "-A", "courtdash", "worker"]
    assert services["beat"]["command"][:4] == ["celery", "-A", "courtdash", "beat"]
    beats = [s for s in services.values() if " beat" in " ".join(map(str, s.get("command", [])))]
    assert len(beats) == 1, "exactly one beat process"
    assert (ROOT / services["web"]["build"] / "Dockerfile").exists()


def test_production_settings_pass_check_deploy(tmp_path):
    env = {
        **os.environ,
        "DJANGO_DEBUG": "false",
        "DJANGO_SECRET_KEY": "k3#Vq9!zR2@wL8$pT5^mN1&bX6*cJ4(hF7)dG0-sYe+u_Ai%Zo",
        "DJANGO_ALLOWED_HOSTS": "courtdash.court.example",
        "COURTDASH_DATA_DIR": str(tmp_path),
        # Named, so that settings start no embedded server that would outlive the check (which
        # connects to neither).
        "DATABASE_URL": os.environ.get("DATABASE_URL", "postgres://courtdash@127.0.0.1/courtdash"),
        "REDIS_URL": os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0"),
    }
    for test_only in ("DJANGO_SECURE", "DJANGO_ALLOW_ASYNC_UNSAFE", "COURTDASH_TODAY"):
        env.pop(test_only, None)
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/api/docs/", "/accounts/login/"])
def test_pages_send_a_csp_without_inline_scripts(client, path):
    response = client.get(path)
    policy = response.headers["Content-Security-Policy"]
    script_src = re.search(r"script-src ([^;]*)", policy).group(1)
    assert "'self'" in script_src
    assert "unsafe-inline" not in policy
    assert "unsafe-eval" not in policy
    assert "'nonce-" not in script_src and "'sha" not in script_src  # no inline script let in


def test_no_template_or_static_file_loads_from_another_host():
    offenders = []
    for path in [*(ROOT / "templates").rglob("*.html"), *(ROOT / "static").rglob("*.*")]:
        if path.suffix not in {".html", ".css", ".js"} or path.name.endswith(".min.js"):
            continue
        text = path.read_text(encoding="utf-8", errors="ignore")
        if re.search(r"""(src|href)\s*=\s*["'](https?:)?//""", text) or "@import url(http" in text:
            offenders.append(str(path.relative_to(ROOT)))
        if path.suffix == ".html" and re.search(r"<script(?![^>]*\bsrc=)[^>]*>\s*\S", text):
            offenders.append(f"{path.relative_to(ROOT)}: inline script")
        if path.suffix == ".html" and re.search(r"\sstyle\s*=|\son[a-z]+\s*=", text):
            offenders.append(f"{path.relative_to(ROOT)}: inline style or handler")
    assert offenders == []


@pytest.mark.parametrize(
    ("url", "offset", "after", "for_redis_py"),
    [
        ("redis://127.0.0.1:6379/0", 1, "redis://127.0.0.1:6379/1", None),
        ("redis://127.0.0.1:6379", 2, "redis://127.0.0.1:6379/2", None),
        ("redis://:pw@redis:6379/3", 1, "redis://:pw@redis:6379/4", None),
        (
            "redis+socket:///d/redis/redis.sock",
            1,
            "redis+socket:///d/redis/redis.sock?virtual_host=1",
            "unix:///d/redis/redis.sock?db=1",
        ),
        (
            "redis+socket:///d/redis/redis.sock?virtual_host=3",
            2,
            "redis+socket:///d/redis/redis.sock?virtual_host=5",
            "unix:///d/redis/redis.sock?db=5",
        ),
    ],
)
def test_a_redis_url_names_the_database_after_it(url, offset, after, for_redis_py):
    from courtdash.embedded import redis_database_after, redis_py_url

    assert redis_database_after(url, offset) == after
    assert redis_py_url(after) == (for_redis_py or after)


@pytest.mark.parametrize(("worker", "database"), [(None, 5), ("gw0", 6), ("gw1", 7)])
def test_each_test_worker_has_its_own_redis_database(worker, database):
    """Under pytest-xdist (`make test`), a worker's Celery broker and page cache are the Redis
    database after REDIS_URL's by its number: two workers never share queues or cache keys."""
    env = {
        **os.environ,
        "DATABASE_URL": os.environ.get("DATABASE_URL", "postgres://courtdash@127.0.0.1/courtdash"),
        "REDIS_URL": "redis://127.0.0.1:6379/5",
        "DJANGO_SETTINGS_MODULE": "courtdash.settings",
    }
    env.pop("PYTEST_XDIST_WORKER", None)
    if worker:
        env["PYTEST_XDIST_WORKER"] = worker
    code = (
        "import pytest\n"  # settings see a test run (TESTING) as under pytest
        "from django.conf import settings\n"
        "print(settings.CELERY_BROKER_URL, settings.CACHES['pages']['LOCATION'])\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    url = f"redis://127.0.0.1:6379/{database}"
    assert result.stdout.split() == [url, url]
