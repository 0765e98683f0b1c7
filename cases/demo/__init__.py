"""The demo city: 苏州 (苏05 and eight basic courts), five years of cases, one account per role.

`demo_seed(...)` is what `manage.py seed_demo` runs: generate (numpy), optionally write an
import file, then load everything in one transaction; with `steps`, also the higher layers'
demo steps (a year of supervision, targets, findings, monthly reviews: cases.demo.steps).
With `province`, the demo province instead (cases.demo.province: a high court over 13 cities,
苏州 among them), generated and COPYed slice by slice so that memory stays flat.
"""

from __future__ import annotations

import contextlib
import datetime
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils.translation import gettext as _

from cases.demo.accounts import DEMO_PASSWORD, DEMO_USERNAMES, AccountRow, demo_accounts_create
from cases.demo.generate import generate_cases, time_limits
from cases.demo.load import (
    DemoLoadError,
    cases_copy,
    cases_file_write,
    database_is_empty,
    demo_reset,
    indexes_suspended,
    units_create,
    users_reattach,
)
from cases.demo.people import CityPlan, city_plan
from cases.demo.province import SLICE, province_plans, province_slices
from cases.demo.steps import DemoContext, demo_steps
from cases.models import Case, TimeLimit
from cases.services import case_derived_refresh

__all__ = ["DEMO_PASSWORD", "DemoLoadError", "DemoSeedResult", "demo_seed"]
BULK_LOAD = 50_000


@dataclass
class DemoSeedResult:
    cases: int = 0
    courts: int = 0
    divisions: int = 0
    judges: int = 0
    accounts: list[AccountRow] = field(default_factory=list)
    users_without_unit: list[str] = field(default_factory=list)
    seconds: dict[str, float] = field(default_factory=dict)


def demo_seed(
    *,
    count: int,
    seed: int,
    today: datetime.date,
    reset: bool = False,
    load: bool = True,
    write_file: Path | None = None,
    headers: str = "en",
    accounts: bool = True,
    password: str = DEMO_PASSWORD,
    progress: Callable[[str], None] = lambda message: None,
    steps: bool = False,
    monthly_reviews: int = 2,
    province: bool = False,
    slice_size: int = SLICE,
) -> DemoSeedResult:
    """Generate the demo city and load it (and/or write it as an import file).

    Refuses a database that already holds courts or cases unless `reset`. Everything that is
    loaded is loaded in one transaction: a failure leaves the database as it was.
    """
    result = DemoSeedResult()
    clock = time.perf_counter()

    def lap(name: str) -> None:
        nonlocal clock
        now = time.perf_counter()
        result.seconds[name] = round(now - clock, 2)
        clock = now
        progress(_("%(step)s：%(seconds).1f 秒") % {"step": name, "seconds": result.seconds[name]})

    if load and not reset and not database_is_empty():
        raise DemoLoadError(
            _("数据库中已有法院或案件，拒绝写入演示数据；如需清空后重建，请加 --reset。")
        )
    if load and accounts:
        try:
            validate_password(password)
        except ValidationError as error:
            raise DemoLoadError(
                _("演示账号的密码不符合要求：%(reasons)s") % {"reasons": " ".join(error.messages)}
            ) from error
    if province and write_file is not None:
        raise DemoLoadError(_("演示省份不能写成导入文件：请去掉 --write-file 或 --province。"))
    plans = province_plans(seed) if province else [city_plan(seed)]
    limits = time_limits(list(TimeLimit.objects.values()))
    result.courts = sum(len(plan.courts) for plan in plans)
    result.divisions = sum(len(plan.divisions) for plan in plans)
    result.judges = sum(len(plan.judges) for plan in plans)
    frame = None
    if not province:  # the city: generated at once (as it always was), then written
        frame = generate_cases(plan=plans[0], count=count, seed=seed, today=today, limits=limits)
        result.cases = len(frame)
        lap(_("生成案件"))
    if write_file is not None:
        cases_file_write(frame, write_file, headers=headers)
        lap(_("写入文件"))
    if not load:
        return result
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL synchronous_commit TO OFF")
            cursor.execute("SET LOCAL work_mem TO '256MB'")
            cursor.execute("SET LOCAL maintenance_work_mem TO '512MB'")
        keep = DEMO_USERNAMES if accounts else frozenset()
        detached = demo_reset(keep_usernames=keep) if reset else []
        if reset:
            for step in demo_steps():
                if step.reset is not None:
                    step.reset()
            lap(_("清空旧数据"))
        units = [units_create(plan) for plan in plans]
        # Dropping and rebuilding the indexes pays off only for a bulk load.
        bulk = (len(frame) if frame is not None else count) >= BULK_LOAD
        with indexes_suspended(Case._meta.db_table) if bulk else contextlib.nullcontext():
            if frame is not None:
                cases_copy(frame, units[0])
                del frame
                lap(_("写入案件（COPY）"))
            else:
                result.cases = _province_cases_copy(
                    plans, units, count=count, seed=seed, today=today, limits=limits,
                    progress=progress, slice_size=slice_size,
                )  # fmt: skip
                lap(_("生成并写入案件（COPY）"))
            case_derived_refresh()
            lap(_("计算审限与关联"))
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE cases_case")
        lap(_("重建索引") if bulk else _("统计信息"))
        if accounts:
            result.accounts = demo_accounts_create(
                password=password, today=today, province=province
            )
        result.users_without_unit = users_reattach(detached)
        lap(_("创建账号"))
        if steps and accounts:
            context = DemoContext(
                today=today, seed=seed, progress=progress, monthly_reviews=monthly_reviews
            )
            for step in demo_steps():
                step.seed(context)
                lap(str(step.name))
    if not connection.in_atomic_block:
        # Statistics for every table the pages plan on, and the visibility map that lets an
        # index-only scan skip the heap: a server whose autovacuum is off (or has not come
        # round yet) would otherwise plan the first pages on empty statistics.
        with connection.cursor() as cursor:
            cursor.execute("VACUUM (ANALYZE)")
        lap(_("整理与统计（VACUUM ANALYZE）"))
    return result


def _province_cases_copy(
    plans: list[CityPlan],
    units: list,
    *,
    count: int,
    seed: int,
    today,
    limits,
    progress,
    slice_size: int,
) -> int:
    """Generate and COPY the province's cases slice by slice (cases.demo.province): one slice
    in memory at a time. The number of cases written."""
    serials: list[dict[int, int]] = [{} for _ in plans]
    written = 0
    for plan_index, number, size in province_slices(count, size=slice_size):
        frame = generate_cases(
            plan=plans[plan_index],
            count=size,
            seed=seed * 100_000 + plan_index * 1_000 + number,
            today=today,
            limits=limits,
            serials=serials[plan_index],
        )
        cases_copy(frame, units[plan_index])
        written += len(frame)
        del frame
        progress(
            _("%(court)s：第 %(slice)d 批，共 %(written)d 件")
            % {"court": plans[plan_index].courts[0].name, "slice": number + 1, "written": written}
        )
    return written
