"""bench_load: the real server (gunicorn) under a few users for a second and a half, on a small
demo city. Every main page gets its row, and no request fails (no time is asserted: figures are
printed, not tested).

The city lives in a database of its own, a copy of the test database (its migrations and seed
rows) that the commands fill and that is dropped after: the server is another process and must
see committed rows, and this way the test database is never flushed under the other tests.
"""

import os
import subprocess
import sys

import psycopg2
import pytest
from django.conf import settings
from django.db import connection, connections

from metrics.bench.load import PAGES, database_url
from metrics.reading import pagecache
from supervision.selectors import queue_count

# The test database is the city's template: marked so that pytest-django sets it up even when
# this module runs alone (it sets up only the databases its collected tests ask for). One
# xdist worker for the module: its database copy (about 35 s) is made once, not once per worker.
pytestmark = [pytest.mark.django_db, pytest.mark.xdist_group("bench_load")]
TODAY = "2025-06-30"
ACCOUNTS = "demo_office,demo_judge"


@pytest.fixture(scope="module")
def demo_database(django_db_setup, django_db_blocker):
    """A copy of the test database with a small demo city computed as of TODAY: its URL. Made
    once for the module: the runs only add sessions and audit rows to it."""
    with django_db_blocker.unblock():
        db = connection.settings_dict
        name = f"{db['NAME']}_bench_load"
        connections.close_all()  # a template must have no one connected
        admin = psycopg2.connect(
            dbname="postgres",
            host=db.get("HOST") or None,
            port=db.get("PORT") or None,
            user=db.get("USER") or None,
            password=db.get("PASSWORD") or None,
        )
        admin.autocommit = True
        with admin.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}"')
            # Connections an earlier test left open in other threads (a live server's, a
            # staging connection) would refuse the copy: end them; Django reconnects.
            cursor.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                " WHERE datname = %s AND pid <> pg_backend_pid()",
                [db["NAME"]],
            )
            cursor.execute(f'CREATE DATABASE "{name}" TEMPLATE "{db["NAME"]}"')
        url = f"{database_url().rsplit('/', 1)[0]}/{name}"
    try:
        env = _environment(url)
        # seed_demo computes the indicators too (as of the day before TODAY).
        subprocess.run(
            [sys.executable, "manage.py", "seed_demo", "--cases", "600", "--seed", "7",
             "--today", TODAY, "--monthly-reviews", "0"],
            cwd=settings.BASE_DIR,
            env=env,
            check=True,
            capture_output=True,
        )  # fmt: skip
        yield url
    finally:
        with admin.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.close()


@pytest.fixture(autouse=True)
def _forget_what_the_server_kept(settings):
    """New results and queue generations after each run. The server shares this worker's Redis
    (the page cache, the top bar's queue counts) but not its database: its users have the ids the
    test database hands out next, so a later test's user would otherwise be shown the count the
    server kept for the demo user of the same id (seen: a top bar's 0 for 13)."""
    yield
    settings.COURTDASH_PAGE_CACHE = True  # (off in tests: a generation is changed only when on)
    pagecache.generation_change()
    queue_count.generation_change()


def _environment(url: str) -> dict:
    env = dict(os.environ)
    env.update(DATABASE_URL=url, REDIS_URL=settings.REDIS_URL, COURTDASH_TODAY=TODAY)
    env.pop("PYTEST_CURRENT_TEST", None)
    return env


@pytest.mark.parametrize(
    ("cache", "think"), [(True, 0), (False, 0), (True, 0.1)], ids=["cache", "no-cache", "think"]
)
def test_every_main_page_gets_its_row_and_no_request_fails(demo_database, cache, think):
    done = subprocess.run(
        [sys.executable, "manage.py", "bench_load", "--users", "2", "--seconds", "1.5",
         "--accounts", ACCOUNTS, *([] if cache else ["--no-cache"]),
         *(["--think", str(think)] if think else [])],
        cwd=settings.BASE_DIR,
        env=_environment(demo_database),
        capture_output=True,
        text=True,
        check=False,
    )  # fmt: skip
    out = done.stdout
    assert done.returncode == 0, done.stderr[-3000:]
    rows = {line.split()[0]: line.split() for line in out.splitlines() if line.split()}
    # Every page was opened by every user at least once (the warm-up round, whose errors
    # count too); in a second and a half not every page need be timed, but some are.
    for name, _path in PAGES:
        assert name in rows, f"no row for {name}:\n{out}"
        _name, users, _requests, errors, *_rest = rows[name]
        assert users != "0", rows[name]
        assert errors == "0", f"{name}:\n{out}"
    _all, requests, errors, _per_second = rows["all"]
    assert int(requests) > 0 and errors == "0", out
    assert "load driver CPU" in out
    assert f"page cache {'on' if cache else 'off'}" in out
    assert ("mode: think time" if think else "mode: no think time") in out
