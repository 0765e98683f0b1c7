"""The top bar's 我的待办 count kept in the page cache (supervision.selectors.queue_count), on
the real Redis at REDIS_URL: read from the cache until a write changes a queue, then counted
again at once (an import's included); per user and per day; the work queue page shows it and
builds only the kinds that hold something; Redis down, counted."""

from __future__ import annotations

import dataclasses
import datetime
import re

import pytest
from django.core.cache import caches
from django.db import connection, transaction
from django.db.models.deletion import Collector
from django.db.models.signals import post_delete
from django.test.utils import CaptureQueriesContext

from cases.choices import Role
from cases.importing import case_import, open_source
from reports.models import Finding, FindingCase
from supervision import services
from supervision.selectors import queue as queue_selectors
from supervision.selectors import queue_count
from supervision.selectors.queue import queue_counts

D = datetime.date
TOPBAR = re.compile(r'id="topbar-queue">[^<]*<span class="queue-count[^"]*">(\d+)<')


@pytest.fixture
def page_cache(settings):
    """The cache on, with a queue generation of its own: nothing stored by an earlier test (or
    run, whose users had the same ids) is used."""
    settings.COURTDASH_PAGE_CACHE = True
    queue_count.generation_change()
    cache = caches[queue_count.CACHE_ALIAS]
    assert cache.get(queue_count.GENERATION_KEY) is not None, "the tests need Redis at REDIS_URL"
    return settings


def _notice(world, title="督办：请加快审理"):
    return services.notice_issue(
        cases=[world.case],
        judge=world.judge,
        title=title,
        body="请于期限内说明进展",
        deadline=D(2025, 7, 20),
        actor=world.user(Role.OFFICE),
    )


def _page(client, url: str, marker: str) -> tuple[str, int]:
    """A page (200), and how many of its queries carry `marker`: "AS queue_kind", the queue
    counted (selectors.queue._counted); "AS queue_part", its keys read (QueueList._keys)."""
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, response.status_code
    asked = [q for q in queries.captured_queries if marker in q["sql"]]
    return response.content.decode(), len(asked)


def _topbar(client, url="/cases/") -> tuple[int, int]:
    """The top bar's count on a page, and how many times the page counted the queue."""
    page, counted = _page(client, url, "AS queue_kind")
    found = TOPBAR.search(page)
    assert found, page[:2000]
    return int(found.group(1)), counted


def _expected(user) -> int:
    return sum(queue_counts(user).values())


def test_the_count_is_read_from_the_cache_and_follows_a_write_at_once(
    world, web, page_cache, django_capture_on_commit_callbacks
):
    judge = web(Role.JUDGE)
    first, counted = _topbar(judge)
    assert first == _expected(world.user(Role.JUDGE)) and counted == 1
    again, counted = _topbar(judge)
    assert again == first and counted == 0  # from the cache
    with django_capture_on_commit_callbacks(execute=True):
        _notice(world)  # a letter to the judge: one more item, committed
    after, counted = _topbar(judge)
    assert after == first + 1 == _expected(world.user(Role.JUDGE)) and counted == 1
    assert _topbar(judge) == (after, 0)


def test_a_write_through_a_page_counts_again(
    world, web, page_cache, django_capture_on_commit_callbacks
):
    notice = _notice(world)
    judge = web(Role.JUDGE)
    before, _ = _topbar(judge)
    assert _topbar(judge) == (before, 0)
    with django_capture_on_commit_callbacks(execute=True):
        response = judge.post(f"/supervision/notices/{notice.pk}/", {"action": "acknowledge"})
    assert response.status_code == 302
    # Signed for, still to be answered: the same count, counted again after the write.
    assert _topbar(judge) == (before, 1)
    assert _topbar(judge) == (before, 0)


def test_a_rolled_back_write_keeps_the_cached_count(world, web, page_cache):
    judge = web(Role.JUDGE)
    before, _ = _topbar(judge)
    with pytest.raises(RuntimeError), transaction.atomic():
        _notice(world)
        raise RuntimeError("rolled back")
    assert _topbar(judge) == (before, 0)


def test_one_generation_change_per_transaction(
    world, page_cache, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as callbacks:
        _notice(world, "一")
        _notice(world, "二")
    changes = {id(c) for c in callbacks if isinstance(c, queue_count._Change)}
    assert len(changes) == 1  # one object, registered by every write, changing once


def test_two_users_never_share_a_count(world, web, page_cache):
    _notice(world)
    seen = {}
    for role in (Role.JUDGE, Role.OFFICE, Role.COURT_LEADER, Role.ANALYST):
        _topbar(web(role))  # stored
        count, counted = _topbar(web(role))
        assert counted == 0 and count == _expected(world.user(role)), role
        seen[role] = count
    assert seen[Role.JUDGE] != seen[Role.OFFICE]  # the judge answers the notice, the office not


def test_a_new_day_counts_again(world, web, page_cache, settings):
    # A case of the judge whose time limit ends on 2025-07-20: 20 days ahead today (2025-06-30),
    # within NEARING_DAYS (15) on 2025-07-06, with nothing written in between.
    world.new_case(filed_on=D(2025, 1, 20))
    judge = web(Role.JUDGE)
    today, _ = _topbar(judge)
    assert _topbar(judge) == (today, 0)
    settings.COURTDASH_TODAY = "2025-07-06"
    later, counted = _topbar(judge)
    assert counted == 1 and later == _expected(world.user(Role.JUDGE)) == today + 1


def _inbox(client) -> tuple[str, int]:
    """The work queue page, and how many times it counted the queue."""
    return _page(client, "/supervision/inbox/", "AS queue_kind")


def test_the_work_queue_page_reads_the_kept_count_and_follows_a_write_at_once(
    world, web, page_cache, django_capture_on_commit_callbacks
):
    _notice(world, "督办：第一份")
    judge = web(Role.JUDGE)
    before, _ = _topbar(judge)
    page, counted = _inbox(judge)
    assert counted == 0 and f"共 {before} 条" in page  # the top bar's count, kept
    assert TOPBAR.search(page).group(1) == str(before)
    with django_capture_on_commit_callbacks(execute=True):
        _notice(world)
    page, counted = _inbox(judge)
    assert counted == 1 and "督办：请加快审理" in page and f"共 {before + 1} 条" in page
    assert _inbox(judge)[1] == 0
    assert _topbar(judge) == (before + 1, 0)  # the page stored what it counted


def _keys_read(client, url="/supervision/inbox/") -> tuple[str, int]:
    """The work queue page, and how many times it read its keys (QueueList._keys)."""
    return _page(client, url, "AS queue_part")


def test_the_work_queue_page_keeps_its_keys_and_follows_a_write_at_once(
    world, web, page_cache, django_capture_on_commit_callbacks
):
    _notice(world, "督办：第一份")
    judge = web(Role.JUDGE)
    first, read = _keys_read(judge)
    assert read == 1 and "督办：第一份" in first
    again, read = _keys_read(judge)
    assert read == 0 and again.count('class="queue-item') == first.count('class="queue-item')
    assert "督办：第一份" in again
    # Each page and kind has keys of its own.
    assert _keys_read(judge, "/supervision/inbox/?kind=notice")[1] == 1
    assert _keys_read(judge, "/supervision/inbox/?kind=notice")[1] == 0
    # A write changes the generation at its commit: the keys are read again, the new row shown.
    with django_capture_on_commit_callbacks(execute=True):
        _notice(world)
    later, read = _keys_read(judge)
    assert read == 1 and "督办：请加快审理" in later and "督办：第一份" in later
    # Kept under the judge's own key (their id, today, the kind, the page's end: a short
    # list's only page ends at its length).
    cache = caches[queue_count.CACHE_ALIAS]
    shown = later.count('class="queue-item')
    kept = cache.get(queue_count._keys_key(world.user(Role.JUDGE), "", shown))
    assert kept is not None and len(kept[1]) == shown
    assert cache.get(queue_count._keys_key(world.user(Role.OFFICE), "", shown)) is None


def test_a_row_answered_since_its_keys_were_kept_is_left_out(world, web, page_cache):
    notice = _notice(world)
    judge = web(Role.JUDGE)
    assert "督办：请加快审理" in _keys_read(judge)[0]
    # Changed without a save (no generation change): the kept keys still name the notice, and
    # its row, read again by the kind's own conditions, is no longer there.
    type(notice).objects.filter(pk=notice.pk).update(state="closed")
    page, read = _keys_read(judge)
    assert read == 0 and "督办：请加快审理" not in page


def test_the_work_queue_page_builds_only_the_kinds_that_hold_something(
    world, web, page_cache, monkeypatch
):
    _notice(world)
    judge = web(Role.JUDGE)
    held = {kind for kind, count in queue_counts(world.user(Role.JUDGE)).items() if count}
    assert held and "notice" in held
    built = []

    def spy(source):
        def rows(user, day):
            built.append(source.kind)
            return source.rows(user, day)

        return dataclasses.replace(source, rows=rows)

    monkeypatch.setattr(queue_selectors, "SOURCES", [spy(s) for s in queue_selectors.SOURCES])
    _topbar(judge)  # counted (every kind) and kept
    built.clear()
    page, counted = _inbox(judge)
    assert counted == 0 and "督办：请加快审理" in page
    assert set(built) == held


def _import_nearing_case(tmp_path, *, dry_run=False):
    """A case of the world's judge (J1, 民一庭 of 苏0505) whose time limit ends 2025-07-10:
    within NEARING_DAYS of today (2025-06-30), so the judge's 审限预警 gains it."""
    path = tmp_path / "cases.csv"
    path.write_text(
        "case_number,division,judge_id,judge_name,track,cause,filed_on\n"
        "（2025）苏0505民初901号,民一庭,J1,张法官,summary,民间借贷纠纷,2025-04-10\n",
        encoding="utf-8",
    )
    result = case_import(sources=[open_source(path)], dry_run=dry_run)
    assert result.rejected == 0 and result.created == 1, result.errors
    return result


def test_an_import_counts_the_queue_again_at_its_commit(
    world, web, page_cache, tmp_path, django_capture_on_commit_callbacks
):
    judge = web(Role.JUDGE)
    before, _ = _topbar(judge)
    with django_capture_on_commit_callbacks(execute=True):
        _import_nearing_case(tmp_path)
    page, counted = _inbox(judge)
    assert counted == 1 and "（2025）苏0505民初901号" in page
    assert f"共 {before + 1} 条" in page and _expected(world.user(Role.JUDGE)) == before + 1


def test_a_dry_run_import_leaves_the_queue_generation(
    world, page_cache, tmp_path, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as callbacks:
        _import_nearing_case(tmp_path, dry_run=True)
    assert not [c for c in callbacks if isinstance(c, queue_count._Change)]
    with django_capture_on_commit_callbacks() as callbacks:
        _import_nearing_case(tmp_path)
    assert len([c for c in callbacks if isinstance(c, queue_count._Change)]) == 1


def test_with_redis_down_the_count_is_computed(world, web, page_cache, settings):
    _notice(world)
    settings.CACHES = {
        **settings.CACHES,
        "pages": {**settings.CACHES["pages"], "LOCATION": "redis://127.0.0.1:1/0"},
    }
    judge = web(Role.JUDGE)
    for url in ("/cases/", "/supervision/inbox/"):
        count, counted = _topbar(judge, url)
        assert count == _expected(world.user(Role.JUDGE)) and counted == 1
    page, read = _keys_read(judge)  # the work queue's keys are read every time
    assert read == 1 and "督办：请加快审理" in page
    assert _keys_read(judge)[1] == 1
    queue_count.generation_change()  # a commit hook does not fail either
    queue_count.queue_changed()


def test_the_count_is_computed_when_the_page_cache_is_off(world, web, settings):
    settings.COURTDASH_PAGE_CACHE = False
    _notice(world)
    judge = web(Role.JUDGE)
    assert _topbar(judge) == (_expected(world.user(Role.JUDGE)), 1)
    assert _topbar(judge) == (_expected(world.user(Role.JUDGE)), 1)


def test_the_bulk_written_case_links_keep_their_fast_delete():
    """A delete listener turns Django's one-statement delete off: the health check deletes its
    case links by the hundred thousand every night (and changes the generation itself)."""
    assert Collector(using="default").can_fast_delete(FindingCase.objects.all())
    assert post_delete.has_listeners(Finding)  # a finding deleted changes the queue


def test_a_login_changes_no_queue(world, page_cache, django_capture_on_commit_callbacks):
    user = world.user(Role.JUDGE)
    with django_capture_on_commit_callbacks() as callbacks:
        user.save(update_fields=["last_login"])
    assert not [c for c in callbacks if isinstance(c, queue_count._Change)]
    with django_capture_on_commit_callbacks() as callbacks:
        user.save()  # a role, a unit: who receives what may change
    assert [c for c in callbacks if isinstance(c, queue_count._Change)]
