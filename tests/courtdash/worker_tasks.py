"""Tasks for the tests only, loaded by a test worker with `--include tests.courtdash.worker_tasks`
(tests/worker.py)."""

from __future__ import annotations

import os

from celery import shared_task


@shared_task(acks_late=True, reject_on_worker_lost=True)
def exit_worker(marker: str) -> None:
    """Note this start in `marker`, then die as an out-of-memory kill would: no return, no
    exception, no acknowledgement."""
    with open(marker, "a") as stream:
        stream.write(f"{os.getpid()}\n")
    os._exit(1)


@shared_task(acks_late=True, reject_on_worker_lost=True)
def echo(value: str) -> str:
    return value


@shared_task(acks_late=True, reject_on_worker_lost=True)
def fail(message: str) -> None:
    raise ValueError(message)
