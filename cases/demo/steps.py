"""What the higher layers add to the demo: one registry of steps, found in each app's `demo`
module.

The cases layer must not import supervision or reports (import-linter), yet `seed_demo` should
also write a year of their work. So every installed app may have a module `<app>/demo.py` that
calls `register(order, name, seed, reset=None)` when imported; `demo_steps()` imports those
modules (Django's `autodiscover_modules`, as the admin finds `admin.py`) and returns the steps by
order. `demo_seed` runs each `seed(context)` after the cases and the accounts, in the same
transaction, and each `reset()` after `demo_reset` has cleared the cases (for rows that do not
point into the cases, so that the generic reset does not reach them).

A step uses the app's own services, as a user would, with `context.today` as the as-of date;
`on_day(day)` makes `day` the app's today (cases.dates) while a service runs, so that what a
user did on a past day is done as on that day. `context.rng(name)` gives a step a random
generator of its own, seeded from the demo's seed, so that its choices do not shift when
another step changes.
"""

from __future__ import annotations

import datetime
import random
import zlib
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass, field

from django.conf import settings
from django.utils.module_loading import autodiscover_modules


@dataclass(frozen=True)
class DemoContext:
    today: datetime.date
    seed: int
    progress: Callable[[str], None] = lambda message: None
    # How many past months of monthly reviews (PDF and XLSX) to keep: each takes seconds.
    monthly_reviews: int = 2
    timings: dict[str, float] = field(default_factory=dict)

    def rng(self, name: str) -> random.Random:
        return random.Random(self.seed * 1_000_003 + zlib.crc32(name.encode()))


@dataclass(frozen=True)
class DemoStep:
    order: int
    name: str
    seed: Callable[[DemoContext], object]
    reset: Callable[[], object] | None = None


_STEPS: dict[str, DemoStep] = {}


def register(
    order: int,
    name: str,
    seed: Callable[[DemoContext], object],
    reset: Callable[[], object] | None = None,
) -> None:
    """Add (or, imported again, replace) a step: lower orders run first."""
    _STEPS[name] = DemoStep(order, name, seed, reset)


def demo_steps() -> list[DemoStep]:
    autodiscover_modules("demo")
    return sorted(_STEPS.values(), key=lambda step: (step.order, step.name))


@contextmanager
def on_day(day: datetime.date):
    """The app's today (cases.dates.today, COURTDASH_TODAY) is `day` while the block runs."""
    saved = settings.COURTDASH_TODAY
    settings.COURTDASH_TODAY = day.isoformat()
    try:
        yield
    finally:
        settings.COURTDASH_TODAY = saved
