"""Beyond one machine, on real engines (issue 13 item 6): pages and the API read from a real
streaming replica (courtdash.routers) while a user's own write is read back from the primary;
the nightly fanned out per court on a real Celery worker (metrics.computation.fanout) stores
exactly what the single pass stores.

The module makes its own pair of PostgreSQL clusters (the machine's shared server is never
touched): a primary (tests/courtdash/test_faults.py's OwnPostgres, holding a copy of the test
database) and a hot standby of it, made with `pg_basebackup -R` and streaming from it. This
process's "default" connection — and so the worker's DATABASE_URL (tests/worker.py) — points at
the primary for the module, a "replica" connection at the standby; what the tests write dies
with the clusters (no flush of the test database). Replay on the standby is paused
(pg_wal_replay_pause) to tell the two apart: a row committed on the primary is on the replica
only once replay is resumed. The page cache (metrics.reading.pagecache) is filled from the primary,
so that no lagging replica stores old results under a new results generation.
"""

from __future__ import annotations

import datetime

import pytest
from django.core.management import call_command
from django.db import connections, transaction
from django.db.backends.base.creation import TEST_DATABASE_PREFIX
from django.test import Client
from django.test.utils import CaptureQueriesContext

from cases.choices import Role
from courtdash.celery import app
from courtdash.routers import WROTE_COOKIE
from metrics.computation.engine import metrics_compute
from metrics.computation.fanout import metrics_fanout
from metrics.models import (
    FanoutBaseRow,
    FanoutChunk,
    IndicatorValue,
    PendingAgeProfile,
    ScopeScore,
)
from supervision.models import Contact
from tests.courtdash.test_faults import OwnPostgres, copy_database
from tests.factories import CourtFactory, UserFactory
from tests.metrics.generate import generate_cases
from tests.worker import wait_until

# Ports of this test's own clusters (the brief's range for helper E's clusters).
PRIMARY_PORT = 55105
STANDBY_PORT = 55106
REPLICA = "replica"
MY_SETTINGS = "/supervision/my-settings/"
RANKING = "/metrics/ranking/"
AS_OF = datetime.date(2025, 5, 31)

# One primary and one standby on fixed ports: the module's tests on one worker of `make test`.
pytestmark = [pytest.mark.worker, pytest.mark.xdist_group("scale_out")]


class Primary(OwnPostgres):
    # On: a commit's WAL is written out before the commit returns, so pg_current_wal_lsn() (the
    # written position, what lsn_replayed() waits for) is past it. Off, a commit record could sit
    # in the WAL buffers behind that position: the standby "caught up" without the row (CI, stops
    # 20 and 21: a session row just written missing on the replica, the page a 302 to the login).
    SYNCHRONOUS_COMMIT = "on"

    def __init__(self):
        super().__init__()
        self.port = PRIMARY_PORT


class Standby(OwnPostgres):
    """A hot standby of `primary`: a base backup with its recovery settings (-R), started."""

    def __init__(self, primary: OwnPostgres):
        super().__init__()
        self.port = STANDBY_PORT
        self.primary = primary

    def start(self) -> Standby:
        self._run(
            str(self.bin / "pg_basebackup"), "-h", "127.0.0.1", "-p", str(self.primary.port),
            "-U", "postgres", "-D", str(self.data), "-R", "-X", "stream", "-c", "fast",
            "--no-sync",
        )  # fmt: skip
        self._pg_ctl("start")
        return self


def lsn_replayed() -> bool:
    """Whether the standby has replayed everything the primary has written so far."""
    with connections["default"].cursor() as cursor:
        cursor.execute("SELECT pg_current_wal_lsn()")
        written = cursor.fetchone()[0]
    with connections[REPLICA].cursor() as cursor:
        cursor.execute("SELECT pg_last_wal_replay_lsn() >= %s::pg_lsn", [written])
        return cursor.fetchone()[0]


def replay(*, paused: bool) -> None:
    with connections[REPLICA].cursor() as cursor:
        cursor.execute(f"SELECT pg_wal_replay_{'pause' if paused else 'resume'}()")
    if paused:

        def is_paused():
            with connections[REPLICA].cursor() as cursor:
                cursor.execute("SELECT pg_get_wal_replay_pause_state()")
                return cursor.fetchone()[0] == "paused"

        wait_until(is_paused, timeout=30, interval=0.05, message="replay did not pause")


@pytest.fixture(scope="module")
def clusters(django_db_setup, django_db_blocker):
    """ "default" on a primary of the module's own (a copy of the test database), "replica" on
    its streaming standby; the test database again after the module."""
    primary = Primary()
    standby = None
    default = connections["default"]
    saved = dict(default.settings_dict)
    try:
        primary.start()
        with django_db_blocker.unblock():
            default.close()
            # A copy of the test database when pytest-django made one for the session's other
            # tests (a second); else, alone, the primary is migrated from nothing.
            copied = saved["NAME"].startswith(TEST_DATABASE_PREFIX)
            if copied:
                copy_database(saved, primary)
            default.settings_dict.update(
                NAME=primary.DATABASE, HOST="127.0.0.1", PORT=str(primary.port),
                USER="postgres", PASSWORD="",
            )  # fmt: skip
            if not copied:
                call_command("migrate", verbosity=0)
            standby = Standby(primary).start()
            connections.settings[REPLICA] = {
                **default.settings_dict,
                "PORT": str(standby.port),
                "TEST": {"MIRROR": "default"},
            }
            with connections[REPLICA].cursor() as cursor:
                cursor.execute("SELECT pg_is_in_recovery()")
                assert cursor.fetchone()[0], "the replica is not a standby"
            yield primary, standby
    finally:
        with django_db_blocker.unblock():
            if REPLICA in connections.settings:
                connections[REPLICA].close()
                del connections[REPLICA]
                del connections.settings[REPLICA]
            default.close()
        default.settings_dict.clear()
        default.settings_dict.update(saved)
        if standby is not None:
            standby.stop()
        primary.stop()


@pytest.fixture
def streaming(clusters, settings):
    """The clusters, with the router told about the replica."""
    settings.COURTDASH_DB_REPLICAS = [REPLICA]
    return settings


def stored(as_of: datetime.date = AS_OF) -> dict[str, dict[tuple, tuple]]:
    """Every stored row of a day, all fields but the id, by unit (and indicator)."""
    found = {}
    for model in (IndicatorValue, ScopeScore, PendingAgeProfile):
        names = ["period", "scope", "court_id", "division_id", "judge_id"]
        names += ["indicator"] if model is IndicatorValue else []
        key = len(names)
        names += [
            field.attname
            for field in model._meta.concrete_fields
            if field.name != "id" and field.attname not in names
        ]
        found[model.__name__] = {
            row[:key]: row[key:] for row in model.objects.filter(as_of=as_of).values_list(*names)
        }
    return found


def assert_same(single: dict, fanned: dict) -> None:
    for model, rows in single.items():
        assert rows, f"the single pass stored no {model}"
        assert rows.keys() == fanned[model].keys(), model
        differ = [key for key in rows if rows[key] != fanned[model][key]]
        # Exact: the same roll-up and store SQL over the same numbers (ranks, totals included).
        assert not differ, (model, [(key, rows[key], fanned[model][key]) for key in differ[:5]])


def test_fanout_on_a_real_worker_stores_what_the_single_pass_stores(clusters, queue, workers):
    generate_cases(n=300, seed=13, as_of=AS_OF)  # four courts
    metrics_compute(as_of=AS_OF)
    single = stored()
    worker = workers(queue)
    # The caller only waits: every chunk is the worker's.
    metrics_fanout(as_of=AS_OF, chunk=1, queue=queue, work=False)
    assert_same(single, stored())
    log = worker.log_path.read_text()
    assert log.count("compute_fanout_chunks") >= 2 and "succeeded" in log
    # The staging of the run is gone.
    assert not FanoutChunk.objects.exists() and not FanoutBaseRow.objects.exists()

    # No worker listens on this queue, and the nightly calls the computation inside a
    # transaction: its caller computes every chunk itself.
    idle = f"{queue}-idle"
    try:
        with transaction.atomic():
            metrics_fanout(as_of=AS_OF, chunk=3, queue=idle)
        assert_same(single, stored())
        assert not FanoutChunk.objects.exists() and not FanoutBaseRow.objects.exists()
    finally:
        with app.connection_for_write() as broker:
            broker.default_channel.queue_purge(idle)


def get(client: Client, path: str):
    """A GET, with the queries it sent to each database."""
    with (
        CaptureQueriesContext(connections["default"]) as on_primary,
        CaptureQueriesContext(connections[REPLICA]) as on_replica,
    ):
        response = client.get(path)
    assert response.status_code == 200, response.status_code
    return response.content.decode(), len(on_primary), len(on_replica)


def test_pages_read_from_the_replica_and_a_users_own_write_from_the_primary(streaming):
    court = CourtFactory()
    writer = UserFactory(role=Role.OFFICE, court=court)
    reader = UserFactory(role=Role.OFFICE, court=court)
    clients = {}
    for user in (writer, reader):
        clients[user] = Client()
        clients[user].force_login(user)  # the session row, written on the primary
    wait_until(lsn_replayed, timeout=30, interval=0.05, message="the standby did not catch up")

    replay(paused=True)
    # Someone else's write (the office sets the reader's number), committed on the primary.
    Contact.objects.create(user=reader, mobile="13900001111", sms_enabled=True)

    # The reader's page reads the replica, every query of it: the number is not there yet.
    page, on_primary, on_replica = get(clients[reader], MY_SETTINGS)
    assert "13900001111" not in page
    assert on_replica > 0 and on_primary == 0
    # The API as well.
    _, on_primary, on_replica = get(clients[reader], "/api/v1/courts/")
    assert on_replica > 0 and on_primary == 0

    # The writer saves their own number and reads it back at once: from the primary, since the
    # replica has replayed nothing meanwhile.
    response = clients[writer].post(MY_SETTINGS, {"mobile": "13900002222", "sms_enabled": "on"})
    assert response.status_code == 302, response.content.decode()[-2000:]
    assert WROTE_COOKIE in response.cookies
    page, on_primary, on_replica = get(clients[writer], MY_SETTINGS)
    assert "13900002222" in page
    assert on_primary > 0 and on_replica == 0

    # Replayed, the other write reaches the reader's page, still read from the replica. (Asked
    # again until it shows, within the same 30 s: written before Primary's synchronous commit,
    # for a row whose commit the standby had not yet been sent.)
    replay(paused=False)
    wait_until(lsn_replayed, timeout=30, interval=0.05, message="the standby did not catch up")
    reads: list[tuple[str, int, int]] = []

    def shows_the_number() -> bool:
        reads.append(get(clients[reader], MY_SETTINGS))
        return "13900001111" in reads[-1][0]

    wait_until(shows_the_number, timeout=30, interval=0.1, message="the replayed write not shown")
    assert all(on_replica > 0 and on_primary == 0 for _page, on_primary, on_replica in reads)

    # The page cache is filled from the primary: a replica behind the nightly's commit would
    # store old results under the new results generation. Served from the cache, the page
    # reads the replica only.
    streaming.COURTDASH_PAGE_CACHE = True
    metrics_compute(as_of=AS_OF)  # a new results generation, on commit
    # The page learns of the new day from the replica (its latest computed day): once replayed.
    wait_until(lsn_replayed, timeout=30, interval=0.05, message="the standby did not catch up")
    _, on_primary, on_replica = get(clients[reader], RANKING)
    assert on_primary > 0
    _, on_primary, on_replica = get(clients[reader], RANKING)
    assert on_replica > 0 and on_primary == 0
