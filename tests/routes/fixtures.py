"""The walker's fixtures: the city built once per module, inside one transaction that is rolled
back at the module's end; each test runs in a savepoint of it (`db` below), so what an action
changes is gone before the next test."""

from __future__ import annotations

import pytest
from django.db import transaction
from django.test.utils import override_settings

from tests.routes import checks
from tests.routes.world import TODAY, World, world_build


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker, tmp_path_factory) -> World:
    from django.contrib.auth.models import update_last_login
    from django.contrib.auth.signals import user_logged_in

    from cases import tasks

    media = tmp_path_factory.mktemp("routes-media")
    overrides = override_settings(
        COURTDASH_TODAY=TODAY,
        MEDIA_ROOT=media,
        # Many users, many logins: a fast hasher (no test here is about it).
        PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"],
    )
    queued: list = []
    with pytest.MonkeyPatch.context() as patch, overrides, django_db_blocker.unblock():
        # No worker runs the uploads: the upload page's queueing is recorded, not sent.
        patch.setattr(tasks.run_upload, "delay", queued.append)
        # Logging in leaves the users as they are (their last login is not state here), so
        # every request starts from the city as built, whose fingerprint is taken once.
        user_logged_in.disconnect(update_last_login, dispatch_uid="update_last_login")
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            built = world_build()
            built.sessions = _sessions(built)
            checks.Watch.base = checks.fingerprint()
            yield built
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)
            user_logged_in.connect(update_last_login, dispatch_uid="update_last_login")


def _sessions(built: World) -> dict[str, str]:
    """One session per person, made once: each test's client presents its cookie."""
    from django.conf import settings
    from django.test import Client

    sessions = {}
    for name, user in built.users.items():
        client = Client()
        client.force_login(user)
        sessions[name] = client.cookies[settings.SESSION_COOKIE_NAME].value
    return sessions


@pytest.fixture
def db(world):
    """Each test in a savepoint of the module's transaction (what it changes is undone).

    Named `db` on purpose: it stands in for pytest-django's `db` in the walker's module (whose
    TestCase set-up per test would double the run's time), and pytest-django still sees a test
    that uses the database, so it sets the test database up before the module's city."""
    with transaction.atomic():
        yield
        transaction.set_rollback(True)
