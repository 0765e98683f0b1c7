"""跟踪问效 in a real Chromium (Playwright): an inquiry's effect shown at 30 days.

On planted cases (three civil divisions of 苏0505 with ten cases each pending since 2024, some
closed in March) the YTD indicators of 31 March are computed by the metrics engine. On 1 April
(day D) the office sends, in the browser, an inquiry about 民二庭's 结案率. By 1 May (D+30)
民二庭 has closed four more of its cases, 民三庭 one and 民四庭 two; the indicators of 1 May are
computed, and the daily task writes the 30-day check. The office then sees on 跟踪问效 that
the inquiry did better than the untouched peers, with the figures of a hand computation:

    结案率 (YTD) = closed in 2025 / (pending on 31 Dec 2024 + filed in 2025)
    民二庭 2/10 = 20.00%  →  6/10 = 60.00%      +40.00 points
    民三庭 4/10 = 40.00%  →  5/10 = 50.00%      +10.00
    民四庭 3/10 = 30.00%  →  5/10 = 50.00%      +20.00
    民一庭 0/1  =  0.00%  →  0/1  =  0.00%       0.00   (the world's one pending case)
    peers' average change (10 + 20 + 0) / 3 = +10.00; against the peers +30.00 points

The pages (the summary, the track, the letter) pass axe-core and fit 390 px and 1440 px;
screenshots land in out/effects/."""

from __future__ import annotations

import datetime

import pytest

from cases.choices import ClosingMethod, Role
from cases.models import Case
from metrics.choices import PeriodKind
from metrics.services import metrics_compute
from supervision import services
from supervision.models import EffectCheck, EffectTrack, Inquiry
from supervision.tasks import check_effects
from tests.browser import OUT, axe_violations, horizontal_overflow
from tests.browser import sign_in as browser_sign_in
from tests.factories import CaseFactory, DivisionFactory, JudgeFactory

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]
D = datetime.date
DAY_D = D(2025, 4, 1)
SHOTS = OUT / "effects"
# division name -> (closed in March, closed more by 20 April)
PLANTED = {"民二庭": (2, 4), "民三庭": (4, 1), "民四庭": (3, 2)}


def _plant(world) -> dict:
    divisions = {"民二庭": world.other_division}
    for name in ("民三庭", "民四庭"):
        divisions[name] = DivisionFactory(court=world.court, name=name)
    later: list[int] = []
    for name, (march, april) in PLANTED.items():
        judge = JudgeFactory(division=divisions[name], staff_id=f"E-{name}", name=f"{name}法官")
        for n in range(10):
            case = CaseFactory(judge=judge, filed_on=D(2024, 10, 1) + datetime.timedelta(n))
            if n < march:
                Case.objects.filter(pk=case.pk).update(
                    closed_on=D(2025, 3, 1), closing_method=ClosingMethod.JUDGMENT
                )
            elif n < march + april:
                later.append(case.pk)
    return {"divisions": divisions, "later": later}


def _checked(page, name: str, failures: list[str]) -> None:
    for width in (1440, 390):
        page.set_viewport_size({"width": width, "height": 900})
        failures += [f"{name} {width}px {violation}" for violation in axe_violations(page)]
        if overflow := horizontal_overflow(page):
            failures.append(f"{name} {width}px: {overflow}px wider than the screen")
        page.screenshot(path=SHOTS / f"{name}_{width}.png", full_page=True)
    page.set_viewport_size({"width": 1440, "height": 900})


def test_an_inquirys_effect_is_shown_at_30_days(live, page, world, settings):
    SHOTS.mkdir(parents=True, exist_ok=True)
    planted = _plant(world)
    division = planted["divisions"]["民二庭"]
    failures: list[str] = []

    # Day D: the values of the day before are stored; the office sends the inquiry.
    settings.COURTDASH_TODAY = DAY_D.isoformat()
    metrics_compute(as_of=DAY_D - datetime.timedelta(1), periods=[PeriodKind.YTD])
    browser_sign_in(page, live, "office")
    page.goto(f"{live.url}/supervision/inquiries/new/")
    page.select_option("#id_division", str(division.pk))
    page.select_option("#id_indicator", "clearance_rate")
    page.fill("#id_as_of", "2025-03-31")
    page.fill("#id_value", "20")
    page.fill("#id_title", "关于民二庭结案率偏低的函询")
    page.fill("#id_body", "你庭年初至今结案率为20%，明显低于全院，请说明原因并提出整改措施。")
    page.fill("#id_deadline", "2025-04-15")
    page.click("#inquiry-form button[type=submit]")
    page.wait_for_url("**/supervision/inquiries/*/")
    inquiry = Inquiry.objects.get(title="关于民二庭结案率偏低的函询")
    track = EffectTrack.objects.get(source="inquiry", object_id=inquiry.pk)
    assert track.started_on == DAY_D and track.indicators == ["clearance_rate"]
    assert track.baseline["clearance_rate"]["value"] == pytest.approx(20.0)
    page.goto(f"{live.url}/supervision/effects/{track.pk}/")
    assert "待检查" in page.inner_text("#marks")
    # The same day a notice about the world's pending case to its judge (still pending at D+30:
    # closing it would move 民一庭, a peer, off the hand computation).
    notice = services.notice_issue(
        cases=[world.case],
        judge=world.judge,
        title="关于加快审理的督办通知",
        body="请加快审理进度",
        deadline=D(2025, 4, 10),
        actor=world.user(Role.OFFICE),
    )

    # D+30: the cases closed meanwhile (as the nightly import brings them), the values of the
    # day computed, the daily task run (twice: the check is written once).
    Case.objects.filter(pk__in=planted["later"]).update(
        closed_on=D(2025, 4, 20), closing_method=ClosingMethod.JUDGMENT
    )
    settings.COURTDASH_TODAY = "2025-05-01"
    # The day's values are not computed yet: the inquiry's check waits; the notice's (cases
    # only) is written.
    assert check_effects("2025-05-01") == 1
    assert not EffectCheck.objects.filter(track__source="inquiry").exists()
    metrics_compute(as_of=D(2025, 5, 1), periods=[PeriodKind.YTD])
    assert check_effects("2025-05-01") == 1  # the inquiry's (the notice's was written above)
    assert check_effects("2025-05-01") == 0
    check = EffectCheck.objects.get(track=track, mark=30)
    result = check.results["clearance_rate"]
    assert (result["then"], result["now"]) == (pytest.approx(20.0), pytest.approx(60.0))
    assert result["peers_change"] == pytest.approx(10.0)
    assert result["did"] == pytest.approx(30.0) and check.improved is True

    # The office reads it: the summary, the track, the letter.
    page.goto(f"{live.url}/supervision/effects/")
    by_kind = page.inner_text("#by-kind")
    assert "异常函询" in by_kind and "100.00%" in by_kind
    assert "+30.00 个百分点" in page.inner_text("#by-indicator")
    assert "关于民二庭结案率偏低的函询" in page.inner_text("#effect-tracks")
    _checked(page, "summary", failures)
    page.click("#effect-tracks a:has-text('关于民二庭结案率偏低的函询')")
    page.wait_for_url(f"**/supervision/effects/{track.pk}/")
    text = page.inner_text("#indicator-clearance_rate")
    for shown in ("20.00%", "60.00%", "+40.00 个百分点", "+10.00 个百分点", "+30.00 个百分点"):
        assert shown in text, shown
    assert "民三庭" in text and "民四庭" in text and "好于同级" in text
    _checked(page, "track", failures)
    page.click("text=查看措施原件")
    page.wait_for_url(f"**/supervision/inquiries/{inquiry.pk}/")
    assert "好于同级" in page.inner_text("#letter-effect")
    _checked(page, "letter", failures)
    # The notice: no indicator named, its case still pending at the 30-day mark.
    noticed = EffectTrack.objects.get(source="notice", object_id=notice.pk)
    page.goto(f"{live.url}/supervision/effects/{noticed.pk}/")
    cases = page.inner_text("#cases")
    assert world.case.case_number in cases and "未结" in cases
    assert "只跟踪所涉案件" in page.content()
    _checked(page, "notice_track", failures)
    assert not page.console_errors
    assert not failures, "\n".join(failures)
