"""The pages in a real Chromium (Playwright) against a live server: what a judge and the office
actually see, with the strict CSP enforced by the browser. Screenshots go to out/ (gitignored).
"""

import datetime

import pytest

from cases.choices import ClosingMethod, CourtLevel, Role
from tests.browser import OUT, sign_in
from tests.factories import CaseFactory, CourtFactory, DivisionFactory, JudgeFactory, UserFactory

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]
D = datetime.date
CAUSES = [
    "民间借贷纠纷",
    "买卖合同纠纷",
    "机动车交通事故责任纠纷",
    "离婚纠纷",
    "物业服务合同纠纷",
    "金融借款合同纠纷",
    "房屋租赁合同纠纷",
    "劳动争议",
    "建设工程施工合同纠纷",
    "信用卡纠纷",
    "承揽合同纠纷",
    "健康权纠纷",
]


@pytest.fixture
def court_data():
    """A basic court's civil division with two judges, a few dozen cases in every band."""
    city = CourtFactory(code="苏05", name="苏州市中级人民法院", level=CourtLevel.INTERMEDIATE)
    court = CourtFactory(
        code="苏0505", name="苏州市虎丘区人民法院", level=CourtLevel.BASIC, parent=city
    )
    civil = DivisionFactory(court=court, name="民一庭")
    wang = JudgeFactory(division=civil, staff_id="J0107", name="王磊")
    li = JudgeFactory(division=civil, staff_id="J0108", name="李娜")
    appeals = JudgeFactory(
        division=DivisionFactory(court=city, name="民二庭"), staff_id="J0211", name="赵敏"
    )
    tracks = ["ordinary", "summary", "ordinary", "small_claims"]
    mine = [
        CaseFactory(
            judge=wang,
            filed_on=D(2025, 6, 24) - datetime.timedelta(days=6 * n),
            track=tracks[n % 4],
            cause=CAUSES[n % len(CAUSES)],
            excluded_days=30 if n % 9 == 4 else 0,
        )
        for n in range(34)
    ]
    featured = CaseFactory(
        judge=wang,
        filed_on=D(2025, 1, 31),
        track="summary",
        cause="民间借贷纠纷",
        extension_days=30,
        excluded_days=10,
    )
    mine += [
        featured,
        CaseFactory(
            judge=wang, type_code="民督", filed_on=D(2025, 5, 8), track="", cause="申请支付令"
        ),
        CaseFactory(
            judge=wang, type_code="民督", filed_on=D(2025, 6, 2), track="", cause="申请支付令"
        ),
    ]
    closed = CaseFactory(
        judge=wang,
        filed_on=D(2025, 1, 6),
        closed_on=D(2025, 3, 20),
        closing_method=ClosingMethod.JUDGMENT,
        cause="买卖合同纠纷",
    )
    CaseFactory(
        judge=appeals,
        type_code="民终",
        filed_on=D(2025, 4, 2),
        closed_on=D(2025, 6, 10),
        closing_method=ClosingMethod.MODIFIED,
        origin_case_number=closed.case_number,
        cause="买卖合同纠纷",
    )
    colleague = [
        CaseFactory(
            judge=li, filed_on=D(2025, 5, 1) - datetime.timedelta(days=9 * n), cause=CAUSES[-n - 1]
        )
        for n in range(5)
    ]
    UserFactory(username="wanglei", role=Role.JUDGE, judge=wang, court=court, division=civil)
    UserFactory(
        username="shenguan", role=Role.OFFICE, court=court, last_name="周", first_name="文静"
    )
    return {"mine": mine, "featured": featured, "closed": closed, "colleague": colleague}


def test_judge_signs_in_sees_own_cases_opens_one_and_switches_to_english(live, page, court_data):
    page.goto(live.url)
    assert page.locator("h1").inner_text() == "审判质效管理平台"
    page.screenshot(path=OUT / "login.png")

    sign_in(page, live, "wanglei")
    assert page.locator(".page-head h1").inner_text() == "我的案件"
    assert page.locator(".usercard-name").inner_text() == "王磊"
    shown = page.locator("a.case-number").all_inner_texts()
    # 37 pending cases: the first page holds all of them.
    assert sorted(shown) == sorted(case.case_number for case in court_data["mine"])
    assert not {case.case_number for case in court_data["colleague"]} & set(shown)
    assert page.locator(".band-card[data-band=overdue] .band-card-count").inner_text() != "0"
    assert page.locator("td .band.band-red").first.inner_text() == "已超审限"
    page.screenshot(path=OUT / "case_list.png", full_page=True)

    featured = court_data["featured"]
    page.click(f"text={featured.case_number}")
    assert page.locator("h1.case-title").inner_text() == featured.case_number
    timeline = page.locator("ol.timeline").inner_text()
    for step in ("立案", "审限届满", "延长审限 30 日", "扣除审限 10 日", "未结（今日）"):
        assert step in timeline
    assert "2025-06-09" in page.locator("#deadline").inner_text()
    page.screenshot(path=OUT / "case.png", full_page=True)

    page.goto(f"{live.url}/cases/{court_data['closed'].pk}/")
    timeline = page.locator("ol.timeline").inner_text()
    assert "二审结果：改判" in timeline
    page.screenshot(path=OUT / "case_closed.png", full_page=True)

    page.goto(f"{live.url}/cases/")
    page.click(".langswitch button[value=en]")
    assert page.locator(".page-head h1").inner_text() == "My cases"
    assert page.locator("td .band.band-red").first.inner_text() == "Overdue"
    assert page.locator("html").get_attribute("lang") == "en"
    page.screenshot(path=OUT / "case_list_en.png", full_page=True)
    page.click(".langswitch button[value=zh-hans]")
    assert page.locator(".page-head h1").inner_text() == "我的案件"

    assert page.console_errors == []


def test_colleagues_case_is_not_found_for_a_judge(live, page, court_data):
    sign_in(page, live, "wanglei")
    response = page.goto(f"{live.url}/cases/{court_data['colleague'][0].pk}/")
    assert response.status == 404


def test_office_reads_the_audit_log(live, page, court_data):
    sign_in(page, live, "wanglei")
    page.click(f"text={court_data['featured'].case_number}")
    page.click(".topbar form[action='/accounts/logout/'] button")
    assert "/accounts/login/" in page.url

    sign_in(page, live, "shenguan")
    page.click("nav.mainnav >> text=审计日志")
    assert page.locator(".page-head h1").inner_text() == "审计日志"
    rows = page.locator(".audit-table tbody tr").all_inner_texts()
    joined = "\n".join(rows)
    for action in ("登录", "查看案件列表", "查看案件", "退出"):
        assert action in joined
    assert court_data["featured"].case_number in joined
    page.screenshot(path=OUT / "audit_log.png", full_page=True)
    assert page.console_errors == []


def test_five_wrong_passwords_show_the_lockout_page(live, page, court_data):
    page.goto(f"{live.url}/accounts/login/")
    for _attempt in range(5):
        page.fill("#id_username", "wanglei")
        page.fill("#id_password", "wrong-password")
        page.click(".auth-form button[type=submit]")
    assert page.locator("h1.auth-title").inner_text() == "账号已被暂时锁定"
    assert "60 分钟" in page.locator(".auth-card").inner_text()
    page.screenshot(path=OUT / "locked.png")
