"""Every Celery task's deliveries are bounded (courtdash.taskstarts): a task whose worker died
at each of COURTDASH_TASK_MAX_STARTS starts is not run again but failed, in the log and the
audit trail."""

from __future__ import annotations

import time
import uuid
from pathlib import Path

import pytest

from cases.choices import AuditAction
from cases.models import AuditEvent
from courtdash import taskstarts
from courtdash.taskstarts import KEY_PREFIX, TaskStartedTooOften
from tests.courtdash.worker_tasks import echo, exit_worker, fail
from tests.worker import Worker, broker_client, wait_until


def starts_of(task_id: str) -> int | None:
    value = taskstarts.redis_client().get(KEY_PREFIX + task_id)
    return None if value is None else int(value)


def run_as_worker(task, *args, task_id: str):
    """The task's __call__ as the worker's tracer calls it: inside a delivered request."""
    task.push_request(id=task_id, is_eager=False, called_directly=False, args=args, kwargs={})
    try:
        return task(*args)
    finally:
        task.pop_request()


# The counting, without a worker


def test_start_counts_survive_a_death_and_finishing_removes_them():
    task_id = uuid.uuid4().hex
    assert taskstarts.start_count(task_id) == 1
    assert taskstarts.start_count(task_id) == 2  # the first start never finished
    ttl = taskstarts.redis_client().ttl(KEY_PREFIX + task_id)
    assert ttl > 4 * 3600  # outlives the visibility timeout between two deliveries
    taskstarts.start_finished(task_id)
    assert starts_of(task_id) is None


@pytest.mark.django_db
def test_a_task_that_returns_or_raises_leaves_no_count(settings):
    settings.COURTDASH_TASK_MAX_STARTS = 2
    ok, failing = uuid.uuid4().hex, uuid.uuid4().hex
    assert run_as_worker(echo, "x", task_id=ok) == "x"
    with pytest.raises(ValueError):
        run_as_worker(fail, "boom", task_id=failing)
    for _ in range(3):  # finished starts are not counted against the task
        run_as_worker(echo, "x", task_id=ok)
    assert starts_of(ok) is None and starts_of(failing) is None
    assert not AuditEvent.objects.filter(object_type="celery.task").exists()


@pytest.mark.django_db
def test_a_task_started_max_times_without_finishing_fails_and_is_audited(settings):
    settings.COURTDASH_TASK_MAX_STARTS = 2
    task_id = uuid.uuid4().hex
    taskstarts.start_count(task_id)  # two deliveries whose worker died
    taskstarts.start_count(task_id)

    with pytest.raises(TaskStartedTooOften):
        run_as_worker(echo, "never", task_id=task_id)

    event = AuditEvent.objects.get(object_type="celery.task", object_id=task_id)
    assert event.action == AuditAction.CHANGE
    assert event.detail["task"] == echo.name and event.detail["starts"] == 2
    assert starts_of(task_id) is None


@pytest.mark.django_db
def test_a_task_counting_its_own_starts_gets_one_more_before_the_backstop(settings):
    settings.COURTDASH_TASK_MAX_STARTS = 2
    task_id = uuid.uuid4().hex
    taskstarts.start_count(task_id)
    taskstarts.start_count(task_id)
    echo.counts_own_starts = True
    try:
        assert run_as_worker(echo, "third", task_id=task_id) == "third"
    finally:
        del echo.counts_own_starts
    assert not AuditEvent.objects.filter(object_id=task_id).exists()


def test_eager_and_direct_calls_are_not_counted():
    assert echo("direct") == "direct"
    assert echo.apply(args=["eager"], task_id="eager-id").get() == "eager"
    assert starts_of("eager-id") is None


def test_a_broker_that_does_not_answer_does_not_stop_the_work(monkeypatch):
    import redis

    monkeypatch.setattr(taskstarts, "_client", redis.Redis(port=1, socket_connect_timeout=0.2))
    assert run_as_worker(echo, "still", task_id=uuid.uuid4().hex) == "still"


# With a real worker that dies


MAX_STARTS = 2
VISIBILITY_TIMEOUT = 2


def redelivery_due() -> None:
    """Sleep until the killed worker's unacknowledged message is older than the visibility
    timeout, so that the next worker restores it on start."""
    unacked = broker_client().zrange("unacked_index", 0, -1, withscores=True)
    assert unacked, "the dead worker's message should still be unacknowledged"
    delivered_at = max(score for _, score in unacked)
    time.sleep(max(0.0, delivered_at + VISIBILITY_TIMEOUT + 0.5 - time.time()))


@pytest.mark.worker
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_task_that_kills_its_worker_runs_at_most_max_starts_times_then_fails(
    flushable, queue, tmp_path
):
    marker = tmp_path / "starts.txt"
    env = {
        "CELERY_VISIBILITY_TIMEOUT": str(VISIBILITY_TIMEOUT),
        "COURTDASH_TASK_MAX_STARTS": str(MAX_STARTS),
    }
    task = exit_worker.apply_async(args=[str(marker)], queue=queue)
    started: list[Worker] = []

    def worker(name: str) -> Worker:
        started.append(
            Worker(
                queue=queue,
                log_path=tmp_path / f"{name}.log",
                extra_env=env,
                include="tests.courtdash.worker_tasks",
            )
        )
        try:
            return started[-1].start()
        except RuntimeError:  # it took the task and died before start() saw it ready
            assert b" ready." in started[-1].log_path.read_bytes()
            return started[-1]

    try:
        for n in range(1, MAX_STARTS + 1):
            if n > 1:
                redelivery_due()
            dying = worker(f"dying-{n}")
            assert dying.process.wait(timeout=60) == 1  # the task killed it
            dying.log.close()
            assert len(marker.read_text().splitlines()) == n
        redelivery_due()
        last = worker("last")
        event = wait_until(
            lambda: AuditEvent.objects.filter(object_type="celery.task", object_id=task.id).first(),
            timeout=60,
            message="the task was not failed after too many starts",
        )
        # The failed delivery was acknowledged: nothing is left to redeliver.
        wait_until(
            lambda: not any(task.id.encode() in m for m in broker_client().hvals("unacked")),
            timeout=10,
        )
        time.sleep(VISIBILITY_TIMEOUT + 1)
        assert last.process.poll() is None  # not run again: the worker lives
        last.stop()
    finally:
        for each in started:
            if each.process is not None and each.process.poll() is None:
                each.stop()

    assert len(marker.read_text().splitlines()) == MAX_STARTS  # the body never ran again
    assert event.detail == {
        "task": exit_worker.name,
        "id": task.id,
        "starts": MAX_STARTS,
        "status": "failed",
        "reason": "started too often without finishing",
    }
    log = Path(last.log_path).read_text()
    assert "TaskStartedTooOften" in log and "without finishing" in log
    assert broker_client().llen(queue) == 0


def test_every_task_keeps_djangos_delay_on_commit():
    """The counted task class replaces Celery's Django task class as the app's default: it must
    still enqueue after the transaction commits (STYLE.md: delay_on_commit)."""
    from courtdash.celery import app

    app.loader.import_default_modules()
    ours = [task for name, task in app.tasks.items() if not name.startswith("celery.")]
    assert ours
    assert all(callable(getattr(task, "delay_on_commit", None)) for task in ours)
